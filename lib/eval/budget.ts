// Budget forcing (s1, Muennighoff et al. 2025; paper Sec. 3.5): when the model ends its
// reasoning, suppress the end and append "Wait!" so that it reconsiders, K times, within a token
// budget. In our formats the reasoning ends where the final answer begins: at the start of the
// line holding the last \boxed{...} (the "So the answer is \boxed{9}." line), or at EOS when the
// model wrote no \boxed. The forced continuation therefore replaces the model's final answer
// line with "Wait!" and lets it write a new one.

export const WAIT = 'Wait!';

/** Character index where the reasoning of `text` ends (see above). */
export function reasoningEnd(text: string): number {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return text.length;
  return text.lastIndexOf('\n', at) + 1;
}

/** The response prefix a forced continuation starts from: reasoning, then "Wait!" on a new line. */
export function forcedPrefix(text: string): string {
  const head = text.slice(0, reasoningEnd(text));
  const sep = head === '' || head.endsWith('\n') ? '' : '\n';
  return `${head}${sep}${WAIT}`;
}

export interface ForcingStep {
  /** prefix the model continues from (the previous text cut at its reasoning end + "Wait!") */
  prefix: string;
  /** what the model generated after the prefix */
  continuation: string;
}

export interface ForcedResult {
  /** the final response (last prefix + last continuation) */
  text: string;
  steps: ForcingStep[];
}

/**
 * Apply budget forcing K times to a first response. `continueFrom(prefix, budget)` generates up to
 * `budget` tokens after the response prefix and returns the generated text.
 */
export async function budgetForce(
  first: string,
  waits: number,
  budget: number,
  continueFrom: (prefix: string, budget: number) => Promise<string>,
): Promise<ForcedResult> {
  let text = first;
  const steps: ForcingStep[] = [];
  for (let k = 0; k < waits; k++) {
    const prefix = forcedPrefix(text);
    const continuation = await continueFrom(prefix, budget);
    steps.push({ prefix, continuation });
    text = prefix + continuation;
  }
  return { text, steps };
}
