// THE one place where the training methods differ. Every method is the same forward/backward
// pass over a token sequence with a per-token loss weight; this module decides, per example,
// which tokens the model sees (inputIds) and which of them it learns from (weights). Nothing
// else in the code base branches on the method.
//
//   sft       weight 1 on every response token (EOS included: it is a response token).
//   vggm      Eq. 1 of the paper: v=1 -> weight 1 from T_last ("Wait!") on, 0 before it;
//             v=0 -> every response token. The error prefix stays in the input: the model
//             sees it (attention, hidden states) but its tokens carry no loss.
//   truncate  the error prefix is cut out of the input (prompt + suffix from T_last), and the
//             whole remaining response is learned. Same as sft when v=0.
//
// Weights are indexed like the sequence: weights[j] is the weight of predicting token ids[j]
// from ids[0..j-1]. Position 0 is never predicted, so weights[0] = 0; the batcher shifts
// (input = ids[0..n-2], target = ids[1..n-1], weight = weights[1..n-1]).

import type { EncodedExample } from '../data/encode.ts';

export const METHODS = ['sft', 'vggm', 'truncate'] as const;
export type Method = (typeof METHODS)[number];

/** lib/data's encodeExample(tokenizer, prompt, response, tLast) result: ids = [bos?] prompt
 *  response eos, responseStart = promptLen, tLastToken = index of the "Wait" token or null, eos =
 *  index of the eos token (the last one). */
export type { EncodedExample };

export interface WeightedSequence {
  inputIds: number[];
  weights: Float32Array;
}

export function isMethod(s: string): s is Method {
  return (METHODS as readonly string[]).includes(s);
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

function onesFrom(n: number, start: number): Float32Array {
  const w = new Float32Array(n);
  w.fill(1, start);
  return w;
}

/** Input ids and per-token loss weights of one example under a method. */
export function weightExample(method: Method, ex: EncodedExample): WeightedSequence {
  check(ex);
  const n = ex.ids.length;
  switch (method) {
    case 'sft':
      return { inputIds: ex.ids.slice(), weights: onesFrom(n, ex.responseStart) };
    case 'vggm': {
      const start = ex.tLastToken ?? ex.responseStart;
      return { inputIds: ex.ids.slice(), weights: onesFrom(n, start) };
    }
    case 'truncate': {
      if (ex.tLastToken === null) return { inputIds: ex.ids.slice(), weights: onesFrom(n, ex.responseStart) };
      const inputIds = [...ex.ids.slice(0, ex.responseStart), ...ex.ids.slice(ex.tLastToken)];
      return { inputIds, weights: onesFrom(inputIds.length, ex.responseStart) };
    }
    default:
      throw new Error(`unknown method ${String(method)} (expected one of ${METHODS.join(', ')})`);
  }
}

/** Response tokens that the method leaves unlearned but keeps in the input ("seen, not learned"). */
export function maskedPrefix(method: Method, ex: EncodedExample): { start: number; end: number } | null {
  if (method !== 'vggm' || ex.tLastToken === null || ex.tLastToken === ex.responseStart) return null;
  return { start: ex.responseStart, end: ex.tLastToken };
}
