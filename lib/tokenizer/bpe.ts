// Byte-level BPE tokenizers (GPT-2 / Qwen2 / Llama-3 style tokenizer.json): load one with exact
// character offsets, and train a small one (tests and users who want real-format checkpoints).
//
// Ids come from @huggingface/tokenizers. It returns no offsets, so we compute them: in byte-level
// BPE every token string is a run of "byte characters" (GPT-2's bytes_to_unicode table), so the
// tokens' bytes concatenate to the UTF-8 bytes of the text. A token's [start, end) in UTF-16 units
// is then the span of the characters that hold its first and last byte; a character split across
// two tokens belongs to both (as in the Rust library's offsets).
//
// Added tokens (added_tokens: <think>, <|im_start|>, ...) are split out of the text first, with
// their flags, as Hugging Face does (added.ts); the text between them is normalized (the
// tokenizer.json normalizer, mapped back to the original offsets: normalize.ts) and encoded by the
// library, which is given the file without added tokens so that it reports every byte it covers.
// @huggingface/tokenizers splits added tokens itself but gives no offsets and ignores single_word.
import { Tokenizer } from '@huggingface/tokenizers';
import { AddedTokenMatcher } from './added.ts';
import { normalizeWithMap, type Normalized, type NormalForm } from './normalize.ts';
import type { AddedTokenJson, ByteLevelBpeJson, Encoding, LoadedTokenizer } from './types.ts';

export type { AddedTokenJson, ByteLevelBpeJson } from './types.ts';

/** Qwen2's pre-tokenizer regex (digits one at a time, as the world tokenizer does). */
export const QWEN2_SPLIT_PATTERN = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

// GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n in order.
const BYTE_TO_CHAR: string[] = [];
const CHAR_TO_BYTE = new Map<string, number>();
{
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const ch = String.fromCodePoint(printable ? b : 256 + n++);
    BYTE_TO_CHAR[b] = ch;
    CHAR_TO_BYTE.set(ch, b);
  }
}

export function bytesToByteChars(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

/** The bytes a byte-level token string stands for; undefined if a character is not a byte char. */
export function byteCharsToBytes(token: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const ch of token) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) return undefined;
    out.push(b);
  }
  return Uint8Array.from(out);
}

function unsupported(why: string): never {
  throw new Error(`unsupported tokenizer.json: ${why} (supported: WordLevel with a Split pre-tokenizer, or byte-level BPE)`);
}

const hasByteLevel = (pt: any): boolean => pt?.type === 'ByteLevel' || (pt?.type === 'Sequence' && (pt.pretokenizers ?? []).some((p: any) => hasByteLevel(p)));

/** Throw one line unless `json` is a byte-level BPE this module encodes with exact offsets. */
export function checkByteLevelBpe(json: Record<string, any>): void {
  const m = json.model;
  if (m.byte_fallback) unsupported('BPE with byte_fallback (SentencePiece-style)');
  if (m.continuing_subword_prefix || m.end_of_word_suffix) unsupported('BPE with subword prefixes/suffixes');
  if (!hasByteLevel(json.pre_tokenizer)) unsupported(`BPE without a ByteLevel pre-tokenizer (pre_tokenizer ${json.pre_tokenizer?.type ?? 'missing'})`);
  if (json.decoder?.type !== 'ByteLevel') unsupported(`BPE with decoder ${json.decoder?.type ?? 'missing'}`);
  const addPrefix = (pt: any): boolean => (pt?.type === 'ByteLevel' ? !!pt.add_prefix_space : (pt?.pretokenizers ?? []).some(addPrefix));
  if (addPrefix(json.pre_tokenizer)) unsupported('ByteLevel add_prefix_space=true (offsets would not map onto the text)');
  const norm = json.normalizer;
  if (norm != null && !NORMAL_FORMS.includes(norm.type)) unsupported(`BPE with normalizer ${norm.type}`);
}

const NORMAL_FORMS: readonly string[] = ['NFC', 'NFD', 'NFKC', 'NFKD'];

const EOS_NAMES = ['<eos>', '<|endoftext|>', '</s>', '<|end_of_text|>'];
const BOS_NAMES = ['<bos>', '<|begin_of_text|>', '<s>'];
const PAD_NAMES = ['<pad>', '<|pad|>', '<|endoftext|>'];

/** Load a byte-level BPE tokenizer.json (parsed). */
export function loadByteLevelBpe(json: Record<string, any>): LoadedTokenizer {
  checkByteLevelBpe(json);
  const added = (json.added_tokens ?? []) as AddedTokenJson[];
  const lib = new Tokenizer({ ...json, added_tokens: [], post_processor: null }, {});
  const vocab = json.model.vocab as Record<string, number>;
  const byId: string[] = [];
  for (const [tok, id] of Object.entries(vocab)) byId[id] = tok;
  const addedById = new Map<number, AddedTokenJson>(added.map((t) => [t.id, t]));
  const idOf = (t: string): number | undefined => added.find((a) => a.content === t)?.id ?? vocab[t];
  const first = (names: string[]) => names.map(idOf).find((id) => id !== undefined);
  const eosId = first(EOS_NAMES);
  if (eosId === undefined) throw new Error(`tokenizer.json: no end-of-sequence token (looked for ${EOS_NAMES.join(', ')})`);
  const vocabSize = Math.max(byId.length, ...added.map((t) => t.id + 1));
  const form = (json.normalizer?.type ?? null) as NormalForm | null;
  // normalized=true tokens are looked for after normalization; without a normalizer it is one pass.
  const rawMatcher = new AddedTokenMatcher(added.filter((t) => !t.normalized || !form));
  const normMatcher = new AddedTokenMatcher(added.filter((t) => t.normalized && form));
  const utf8 = new TextEncoder();
  // ignoreBOM: a leading U+FEFF is text, not a byte-order mark to drop.
  const utf8Decode = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  // BPE-encode n.text[from, to) and push ids with offsets in the original text (+ base).
  const encodePiece = (n: Normalized, from: number, to: number, base: number, out: Encoding): void => {
    if (to <= from) return;
    const piece = n.text.slice(from, to);
    const { ids, tokens } = lib.encode(piece, { add_special_tokens: false });
    // byteUnit[i] = UTF-16 index in piece of the character holding byte i; unitEnd[i] = its end.
    const bytes = utf8.encode(piece);
    const byteUnit = new Int32Array(bytes.length);
    const unitEnd = new Int32Array(bytes.length);
    let bi = 0;
    for (let ci = 0; ci < piece.length;) {
      const cp = piece.codePointAt(ci)!;
      const units = cp > 0xffff ? 2 : 1;
      const nb = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < nb; k++, bi++) {
        byteUnit[bi] = ci;
        unitEnd[bi] = ci + units;
      }
      ci += units;
    }
    let at = 0;
    for (const [i, tok] of tokens.entries()) {
      const b = byteCharsToBytes(tok);
      if (!b || b.length === 0) throw new Error(`byte-level BPE: token ${JSON.stringify(tok)} (id ${ids[i]}) is not a byte-level token`);
      out.ids.push(ids[i]);
      out.offsets.push([base + n.start[from + byteUnit[at]], base + n.end[from + unitEnd[at + b.length - 1] - 1]]);
      at += b.length;
    }
    if (at !== bytes.length) throw new Error(`byte-level BPE: tokens cover ${at} bytes of a ${bytes.length}-byte text`);
  };

  // Text between raw added tokens: normalize, split out normalized added tokens, BPE the rest.
  const encodeSegment = (text: string, base: number, out: Encoding): void => {
    if (!text) return;
    const n = normalizeWithMap(text, form);
    let last = 0;
    for (const m of normMatcher.find(n.text)) {
      encodePiece(n, last, m.start, base, out);
      out.ids.push(m.id);
      out.offsets.push([base + n.start[m.start], base + n.end[m.end - 1]]);
      last = m.end;
    }
    encodePiece(n, last, n.text.length, base, out);
  };

  const encode = (text: string): Encoding => {
    const out: Encoding = { ids: [], offsets: [] };
    let last = 0;
    for (const m of rawMatcher.find(text)) {
      encodeSegment(text.slice(last, m.start), last, out);
      out.ids.push(m.id);
      out.offsets.push([m.start, m.end]);
      last = m.end;
    }
    encodeSegment(text.slice(last), last, out);
    return out;
  };

  return {
    encode,
    decode(ids, opts = {}) {
      const parts: number[] = [];
      for (const id of ids) {
        const a = addedById.get(id);
        if (a) {
          if (!a.special || opts.keepSpecial) parts.push(...utf8.encode(a.content));
          continue;
        }
        const t = byId[id];
        if (t === undefined) throw new Error(`decode: token id ${id} out of range 0..${vocabSize - 1}`);
        parts.push(...byteCharsToBytes(t)!);
      }
      return utf8Decode.decode(Uint8Array.from(parts));
    },
    vocabSize,
    padId: first(PAD_NAMES) ?? eosId,
    // Byte-level BPE has no unknown token: every byte is in the vocabulary.
    unkId: -1,
    eosId,
    bosId: first(BOS_NAMES),
    idToToken: (id) => {
      const a = addedById.get(id);
      if (a) return a.content;
      const t = byId[id];
      return t === undefined ? undefined : utf8Decode.decode(byteCharsToBytes(t));
    },
    tokenToId: idOf,
    json: json as ByteLevelBpeJson,
  };
}

/**
 * Train a byte-level BPE (Qwen2-shaped tokenizer.json: NFC, Qwen2's split regex, ByteLevel) on
 * `texts` with `merges` merges; `specials` become added tokens after the byte-level vocabulary.
 * Plain greedy BPE: repeatedly merge the most frequent adjacent pair (ties: first in code order).
 */
export function buildByteLevelBpe(texts: Iterable<string>, opts: { merges: number; specials?: string[] }): ByteLevelBpeJson {
  const preTokenizer = {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: QWEN2_SPLIT_PATTERN }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    ],
  };
  const pre = new Tokenizer(
    {
      model: { type: 'BPE', vocab: {}, merges: [], ignore_merges: false },
      pre_tokenizer: preTokenizer,
      normalizer: { type: 'NFC' },
      decoder: { type: 'ByteLevel' },
      post_processor: null,
      added_tokens: [],
    },
    {},
  ).pre_tokenizer!;
  const words = new Map<string, number>();
  for (const t of texts) for (const w of pre.pre_tokenize(t.normalize('NFC'))) words.set(w, (words.get(w) ?? 0) + 1);
  const seqs = [...words.entries()].map(([w, n]) => ({ parts: [...w], n }));
  const vocab: Record<string, number> = {};
  for (const ch of BYTE_TO_CHAR) vocab[ch] = Object.keys(vocab).length;
  const merges: string[] = [];
  for (let m = 0; m < opts.merges; m++) {
    const counts = new Map<string, number>();
    for (const s of seqs)
      for (let i = 0; i + 1 < s.parts.length; i++) {
        const k = s.parts[i] + ' ' + s.parts[i + 1];
        counts.set(k, (counts.get(k) ?? 0) + s.n);
      }
    let best: string | undefined;
    let bestN = 1; // a pair seen once is not worth a token
    for (const [k, n] of counts) if (n > bestN || (n === bestN && best !== undefined && k < best)) [best, bestN] = [k, n];
    if (!best) break;
    const [a, b] = best.split(' ');
    merges.push(best);
    vocab[a + b] = Object.keys(vocab).length;
    for (const s of seqs) {
      const out: string[] = [];
      for (let i = 0; i < s.parts.length; i++) {
        if (i + 1 < s.parts.length && s.parts[i] === a && s.parts[i + 1] === b) (out.push(a + b), i++);
        else out.push(s.parts[i]);
      }
      s.parts = out;
    }
  }
  const base = Object.keys(vocab).length;
  const added = (opts.specials ?? ['<|endoftext|>', '<|im_start|>', '<|im_end|>']).map((content, i) => ({
    id: base + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'NFC' },
    pre_tokenizer: preTokenizer,
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}
