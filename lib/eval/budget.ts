// Budget forcing (s1, Muennighoff et al. 2025; paper Sec. 3.5): when the model ends its
// reasoning, suppress the end and append "Wait!" so that it reconsiders, K times, within a token
// budget. In our formats the reasoning ends where the final answer begins: at the start of the
// sentence holding the last \boxed{...} ("... = 30. The answer is \boxed{30}." is cut before
// "The answer"), or at EOS when the model wrote no \boxed. The forced continuation therefore
// replaces the model's final answer sentence with "Wait!" (as the teacher's traces write it, after
// a space or a newline) and lets it write a new one.

export const WAIT = 'Wait!';

/** Character index where the reasoning of `text` ends (see above). */
export function reasoningEnd(text: string): number {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return text.length;
  // the sentence starts after the last newline or sentence end (". ", "! ", "? ") before \boxed
  for (let i = at - 1; i >= 0; i--) {
    if (text[i] === '\n') return i + 1;
    if (text[i] === ' ' && i > 0 && '.!?'.includes(text[i - 1])) return i + 1;
  }
  return 0;
}

/** The response prefix a forced continuation starts from: the reasoning, then "Wait!". */
export function forcedPrefix(text: string): string {
  const head = text.slice(0, reasoningEnd(text)).replace(/ +$/, '');
  const sep = head === '' || head.endsWith('\n') ? '' : ' ';
  return `${head}${sep}${WAIT}`;
}

export interface ForcedResult {
  /** the final response (last prefix + last continuation) */
  text: string;
  /** the prefix of each forcing round (previous text cut at its reasoning end + "Wait!") */
  prefixes: string[];
}

/**
 * Apply budget forcing K times to a batch of first responses. `continueMany(prefixes, budget)`
 * generates up to `budget` tokens after each response prefix (one batched call per round) and
 * returns the generated texts.
 */
export async function budgetForce(
  firsts: readonly string[],
  waits: number,
  budget: number,
  continueMany: (prefixes: string[], budget: number) => Promise<string[]>,
): Promise<ForcedResult[]> {
  const res: ForcedResult[] = firsts.map((text) => ({ text, prefixes: [] }));
  for (let k = 0; k < waits; k++) {
    const prefixes = res.map((r) => forcedPrefix(r.text));
    const conts = await continueMany(prefixes, budget);
    if (conts.length !== prefixes.length) throw new Error(`budgetForce: ${conts.length} continuations for ${prefixes.length} prefixes`);
    res.forEach((r, i) => {
      r.prefixes.push(prefixes[i]);
      r.text = prefixes[i] + conts[i];
    });
  }
  return res;
}
