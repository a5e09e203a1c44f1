// Traces longer than the training context are skipped (never truncated: cutting a trace would drop
// its final verification and answer, exactly the tokens VGGM learns), counted and reported. Length
// is counted in the tokens of the model to be trained: its tokenizer.json when one is given (a
// byte-level BPE such as Qwen2's counts a real R1 trace very differently from the world's
// word-level pre-tokenizer), the world tokenizer's pre-tokenizer otherwise.
import { countWorldTokens, loadTokenizer } from '../tokenizer/index.ts';
import { tracePrompt } from './prompts.ts';
import type { Example } from './types.ts';

/** Default limit on prompt + response tokens for ingested traces: real R1 traces run to 16k. */
export const DEFAULT_MAX_TOKENS = 16_384;

export type TokenCounter = (text: string) => number;

/** Token counter of a tokenizer.json (path), or of the world pre-tokenizer when none is given. */
export function tokenCounter(tokenizerPath?: string): { count: TokenCounter; name: string } {
  if (!tokenizerPath) return { count: countWorldTokens, name: 'world pre-tokenizer' };
  const tok = loadTokenizer(tokenizerPath);
  return { count: (text) => tok.encode(text).ids.length, name: tokenizerPath };
}

/** Tokens of prompt + response + BOS + EOS, by `count` (default: the world pre-tokenizer's pieces). */
export function exampleTokens(ex: Pick<Example, 'problem' | 'response'>, count: TokenCounter = countWorldTokens): number {
  return count(tracePrompt(ex.problem)) + count(ex.response) + 2;
}

/** Split examples into those that fit `maxTokens` and the number dropped. */
export function dropLongExamples<T extends Pick<Example, 'problem' | 'response'>>(examples: readonly T[], maxTokens: number, count?: TokenCounter): { kept: T[]; dropped: number } {
  if (!(Number.isInteger(maxTokens) && maxTokens > 0)) throw new Error(`max tokens must be a positive integer, got ${maxTokens}`);
  const kept = examples.filter((e) => exampleTokens(e, count) <= maxTokens);
  return { kept, dropped: examples.length - kept.length };
}
