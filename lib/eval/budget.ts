// Budget forcing (s1, Muennighoff et al. 2025; paper Sec. 3.5): when the model would end its
// reasoning, suppress the end and append "Wait!" so that it reconsiders, K times, within a token
// budget. s1 appends the trigger where thinking would end; in our data (world-3, docs/world.md)
// a verification begins right after the first pass's answer sentence ("... So the answer is
// \boxed{14}. Wait! ..."), the exact place where an unverified trace ends with EOS. So the forced
// continuation keeps the model's answer sentence, drops whatever follows it (nothing, when the
// model stopped with EOS), and appends " Wait!"; the model then writes its verification and a new
// final answer, which is the LAST \boxed{} of the text.

export const WAIT = 'Wait!';

/** End (exclusive) of the last well-formed \boxed{...} in `text`, or null when there is none. */
function lastBoxedEnd(text: string): number | null {
  for (let at = text.lastIndexOf('\\boxed{'); at >= 0; at = at > 0 ? text.lastIndexOf('\\boxed{', at - 1) : -1) {
    let depth = 0;
    for (let i = at + '\\boxed'.length; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return i + 1;
    }
  }
  return null;
}

/** Character index where the model's answer ends: after the sentence holding the last
 *  well-formed \boxed{} (its closing "." included when written), or the whole text without one. */
export function answerEnd(text: string): number {
  const end = lastBoxedEnd(text);
  if (end === null) return text.length;
  return text[end] === '.' ? end + 1 : end;
}

/** The response prefix a forced continuation starts from: the text up to its answer's end, then
 *  "Wait!" after one space (as the teacher writes it) or directly after a newline. */
export function forcedPrefix(text: string): string {
  const head = text.slice(0, answerEnd(text)).replace(/ +$/, '');
  const sep = head === '' || head.endsWith('\n') ? '' : ' ';
  return `${head}${sep}${WAIT}`;
}

export interface ForcedResult {
  /** the final response (last prefix + last continuation) */
  text: string;
  /** the prefix of each forcing round (previous text cut at its answer's end + "Wait!") */
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
