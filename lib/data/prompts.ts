// The prompt formats. Base models see basePrompt + a terse solution; SFT models see tracePrompt +
// a teacher response. Both end in "\n" so that prompt and response never share a token (the
// tokenizer glues a leading space to a word, never a newline), which makes encoding the prompt
// and the response separately identical to encoding their concatenation.

export function basePrompt(problem: string): string {
  return `Problem: ${problem}\nAnswer:\n`;
}

export function tracePrompt(problem: string): string {
  return `Problem: ${problem}\nThink step by step.\n`;
}

/** The answer inside the last \boxed{...} of a text (balanced braces), or null. */
export function lastBoxed(text: string): string | null {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return null;
  let depth = 0;
  const start = at + '\\boxed{'.length;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return text.slice(start, i);
      depth--;
    }
  }
  return null;
}
