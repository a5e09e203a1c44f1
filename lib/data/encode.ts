// Turning an example into token ids with the exact token index of T_last: what the training loop
// builds its per-token loss weights from (VGGM: weight from tLastToken on when v=1).
import type { LoadedTokenizer } from '../tokenizer/index.ts';

export interface EncodedExample {
  /** [bos?] prompt tokens, response tokens, eos. */
  ids: number[];
  /** Tokens before the response (bos included). */
  promptLen: number;
  /** Index in ids of the first response token (= promptLen). */
  responseStart: number;
  /** Index in ids of the token holding response character tLast (the "Wait" of "Wait!"). */
  tLastToken: number | null;
  /** Index in ids of the eos token (the last one). */
  eos: number;
}

/**
 * Index of the token that holds character `pos`, given the tokens' [start, end) offsets. A
 * position in no token's span (an uncovered gap) maps to the next token; pos == text length maps
 * to offsets.length (the eos that follows the text).
 */
export function charToToken(offsets: readonly (readonly [number, number])[], pos: number): number {
  if (!Number.isInteger(pos) || pos < 0) throw new Error(`charToToken: position ${pos} is not a non-negative integer`);
  let lo = 0;
  let hi = offsets.length; // first token whose end > pos
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid][1] > pos) hi = mid;
    else lo = mid + 1;
  }
  if (lo === offsets.length) {
    const end = offsets.length ? offsets[offsets.length - 1][1] : 0;
    if (pos > end) throw new Error(`charToToken: position ${pos} is past the end of the text (${end})`);
  }
  return lo;
}

export function encodeExample(tok: LoadedTokenizer, prompt: string, response: string, tLast: number | null = null, opts: { bos?: boolean } = {}): EncodedExample {
  const bos = opts.bos ?? tok.bosId !== undefined;
  if (bos && tok.bosId === undefined) throw new Error('encodeExample: the tokenizer has no <bos> token');
  const p = tok.encode(prompt);
  const r = tok.encode(response);
  const head = bos ? [tok.bosId!] : [];
  const promptLen = head.length + p.ids.length;
  let tLastToken: number | null = null;
  if (tLast !== null) {
    if (tLast >= response.length) throw new Error(`encodeExample: tLast ${tLast} is outside the response (length ${response.length})`);
    tLastToken = promptLen + charToToken(r.offsets, tLast);
  }
  const ids = [...head, ...p.ids, ...r.ids, tok.eosId];
  return { ids, promptLen, responseStart: promptLen, tLastToken, eos: ids.length - 1 };
}
