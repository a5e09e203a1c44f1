// THE one place where the training methods differ. Every method is the same forward/backward
// pass over a token sequence with a per-token loss weight; the methods differ only in what they do
// with a trace's error prefix (the response before T_last, the "Wait!" of the verification segment,
// in a v=1 trace):
//
//   sft       learns it: weight 1 on every response token (EOS included: it is a response token).
//   vggm      Eq. 1 of the paper: keeps it in the input (the model sees it: attention, hidden
//             states) but gives its tokens no loss; learns from T_last on.
//   truncate  drops it from the input (prompt + suffix from T_last) and learns what remains.
//
// A v=0 trace has no error prefix, so every method learns its whole response. Everything else —
// the input ids and weights, the seen-but-not-learned region, the tokens every method learns, the
// error-prefix tag of the diagnostics, the TRL prompt/completion split — is derived here from that
// one rule table (PREFIX_RULE), so nothing else in the code base branches on a method's name.
//
// Weights are indexed like the sequence: weights[j] is the weight of predicting token ids[j]
// from ids[0..j-1]. Position 0 is never predicted, so weights[0] = 0; the batcher shifts
// (input = ids[0..n-2], target = ids[1..n-1], weight = weights[1..n-1]).

import { encodeExample, type EncodedExample } from '../data/encode.ts';
import { tracePrompt } from '../data/prompts.ts';
import type { Example } from '../data/types.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';

export const METHODS = ['sft', 'vggm', 'truncate'] as const;
export type Method = (typeof METHODS)[number];

/** What each method does with the error prefix of a v=1 trace. */
const PREFIX_RULE: Record<Method, 'learned' | 'seen' | 'dropped'> = { sft: 'learned', vggm: 'seen', truncate: 'dropped' };

/** lib/data's encodeExample(tokenizer, prompt, response, tLast) result: ids = [bos?] prompt
 *  response eos, responseStart = promptLen, tLastToken = index of the "Wait" token or null, eos =
 *  index of the eos token (the last one). */
export type { EncodedExample };

/** Token positions [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface WeightedSequence {
  inputIds: number[];
  weights: Float32Array;
}

/** What a method does to one trace, in the trace's own token positions. */
export interface TraceLayout {
  /** the tokens cut out of the input (null: the input is the whole trace) */
  dropped: Span | null;
  /** the first learned token; every response token from it on is learned */
  learnFrom: number;
}

/** A method's training sequence with the error prefix located in it (null when its input lacks one). */
export interface MethodSequence extends WeightedSequence {
  errorPrefix: Span | null;
}

/** A teacher trace encoded for training: its T_last counts only when the teacher verified (v=1). */
export function encodeTrace(tok: LoadedTokenizer, trace: Pick<Example, 'problem' | 'response' | 'v' | 'tLast'>): EncodedExample {
  return encodeExample(tok, tracePrompt(trace.problem), trace.response, trace.v === 1 ? trace.tLast : null);
}

function check(ex: EncodedExample): void {
  const n = ex.ids.length;
  if (!(ex.responseStart >= 1 && ex.responseStart <= n)) {
    throw new Error(`encoded example: responseStart ${ex.responseStart} outside [1, ${n}]`);
  }
  if (ex.eos !== n - 1) throw new Error(`encoded example: eos index ${ex.eos} is not the last token (${n - 1})`);
  if (ex.tLastToken !== null && !(ex.tLastToken >= ex.responseStart && ex.tLastToken < n)) {
    throw new Error(`encoded example: tLastToken ${ex.tLastToken} outside the response [${ex.responseStart}, ${n})`);
  }
}

function ruleOf(method: Method): 'learned' | 'seen' | 'dropped' {
  const r = PREFIX_RULE[method];
  if (!r) throw new Error(`unknown method ${String(method)} (expected one of ${METHODS.join(', ')})`);
  return r;
}

/** The error prefix of a trace: the response tokens before T_last (null for v=0 or T_last first). */
export function errorPrefix(ex: EncodedExample): Span | null {
  check(ex);
  return ex.tLastToken !== null && ex.tLastToken > ex.responseStart ? { start: ex.responseStart, end: ex.tLastToken } : null;
}

/** The method's treatment of one trace, in the trace's own token positions. */
export function traceLayout(method: Method, ex: EncodedExample): TraceLayout {
  const rule = ruleOf(method);
  const prefix = errorPrefix(ex);
  return { dropped: prefix && rule === 'dropped' ? prefix : null, learnFrom: prefix && rule !== 'learned' ? prefix.end : ex.responseStart };
}

function onesFrom(n: number, start: number): Float32Array {
  const w = new Float32Array(n);
  w.fill(1, start);
  return w;
}

/** Input ids and per-token loss weights of one example under a method, with its error prefix located. */
export function methodSequence(method: Method, ex: EncodedExample): MethodSequence {
  const { dropped, learnFrom } = traceLayout(method, ex);
  if (!dropped) return { inputIds: ex.ids.slice(), weights: onesFrom(ex.ids.length, learnFrom), errorPrefix: errorPrefix(ex) };
  const cut = dropped.end - dropped.start;
  const inputIds = [...ex.ids.slice(0, dropped.start), ...ex.ids.slice(dropped.end)];
  return { inputIds, weights: onesFrom(inputIds.length, learnFrom - cut), errorPrefix: null };
}

/** Input ids and per-token loss weights of one example under a method. */
export function weightExample(method: Method, ex: EncodedExample): WeightedSequence {
  const { inputIds, weights } = methodSequence(method, ex);
  return { inputIds, weights };
}

/** Response tokens that the method leaves unlearned but keeps in the input ("seen, not learned"). */
export function maskedPrefix(method: Method, ex: EncodedExample): Span | null {
  const { dropped, learnFrom } = traceLayout(method, ex);
  const start = dropped ? dropped.end : ex.responseStart;
  return learnFrom > start ? { start, end: learnFrom } : null;
}

/** The whole trace in the input, weighted on the tokens that every method learns: one loss that
 *  means the same for the models of every method (lib/train/heldout.ts). */
export function learnedByEvery(ex: EncodedExample): WeightedSequence {
  const from = Math.max(...METHODS.map((m) => traceLayout(m, ex).learnFrom));
  return { inputIds: ex.ids.slice(), weights: onesFrom(ex.ids.length, from) };
}
