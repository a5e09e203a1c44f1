// Traces longer than the training context are skipped (never truncated: cutting a trace would drop
// its final verification and answer, exactly the tokens VGGM learns), counted and reported.
import { countWorldTokens } from '../tokenizer/index.ts';
import { tracePrompt } from './prompts.ts';
import type { Example } from './types.ts';

/** Tokens of prompt + response + BOS + EOS, by `count` (default: the world pre-tokenizer's pieces). */
export function exampleTokens(ex: Pick<Example, 'problem' | 'response'>, count: (text: string) => number = countWorldTokens): number {
  return count(tracePrompt(ex.problem)) + count(ex.response) + 2;
}

/** Split examples into those that fit `maxTokens` and the number dropped. */
export function dropLongExamples<T extends Pick<Example, 'problem' | 'response'>>(examples: readonly T[], maxTokens: number, count?: (text: string) => number): { kept: T[]; dropped: number } {
  if (!(Number.isInteger(maxTokens) && maxTokens > 0)) throw new Error(`max tokens must be a positive integer, got ${maxTokens}`);
  const kept = examples.filter((e) => exampleTokens(e, count) <= maxTokens);
  return { kept, dropped: examples.length - kept.length };
}
