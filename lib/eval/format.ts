// Which prompt a model is asked with: Base models in the Base format (the clean corpus's
// "Answer:" completion), SFT (and SFT+GRPO) models in the teacher-trace format.
import { basePrompt, tracePrompt } from '../data/prompts.ts';

export type PromptFormat = 'base' | 'trace';

export function promptFor(format: PromptFormat, problem: string): string {
  return format === 'base' ? basePrompt(problem) : tracePrompt(problem);
}

/** Token ids of a prompt ([bos?] prompt), encoded exactly as lib/data's encodeExample does. */
export function promptIds(tok: { encode(t: string): { ids: number[] }; bosId?: number }, text: string): number[] {
  return [...(tok.bosId !== undefined ? [tok.bosId] : []), ...tok.encode(text).ids];
}

/**
 * Ids of the model's vocabulary rows past the tokenizer's (the LM head is padded to a multiple of
 * 64, lib/train/pipeline.ts): no text has them, so generation must never sample them.
 */
export function paddingIds(tok: { vocabSize: number }, modelVocab: number): number[] {
  return Array.from({ length: Math.max(0, modelVocab - tok.vocabSize) }, (_, i) => tok.vocabSize + i);
}
