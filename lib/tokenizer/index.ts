// Tokenizers in the Hugging Face tokenizer.json format (model WordLevel, pre-tokenizer Split with a
// regex, behaviour Isolated, decoder Fuse), so a checkpoint folder's tokenizer.json opens in the
// `tokenizers` library (Python/Rust) unchanged.
//
// Why our own encoder: @huggingface/tokenizers (v0.2) loads these files (it falls back to its
// "Legacy" word model) and gives the same ids, but returns no character offsets, and the VGGM
// loss needs the exact token index of T_last. So we split with the same regex and look pieces up
// ourselves; test/tokenizer checks the ids against the library.
//
// Offsets are [start, end) in UTF-16 code units (JavaScript string indices). Added tokens ("<eos>",
// ...) are split out of the text first, as Hugging Face does (added.ts).
import { readFileSync } from 'node:fs';
import { AddedTokenMatcher } from './added.ts';
import { loadByteLevelBpe } from './bpe.ts';
import type { LoadedTokenizer, TokenizerJson } from './types.ts';

export const SPECIAL_TOKENS = { pad: '<pad>', unk: '<unk>', bos: '<bos>', eos: '<eos>' } as const;

/** World pre-tokenizer: an optional leading space glued to a word, a LaTeX command (\boxed,
 *  \times) or ONE digit or ONE other character; runs of spaces; any other single whitespace.
 *  Every digit is its own token so that arithmetic is learnable digit by digit. */
export const WORLD_SPLIT_PATTERN = String.raw` ?(?:[A-Za-z]+|\\[A-Za-z]+|\d|[^\sA-Za-z\d])| +|\s`;
/** Character-level pre-tokenizer: every code point is a piece. */
export const CHAR_SPLIT_PATTERN = String.raw`[\s\S]`;

export type { Encoding, LoadedTokenizer, TokenizerJson } from './types.ts';

/** Split `text` into pieces the way HF's Split pre-tokenizer with behaviour Isolated does: every
 *  regex match is a piece and so is every stretch between matches. */
export function splitPieces(text: string, pattern: string): [number, number][] {
  const re = new RegExp(pattern, 'gu');
  const out: [number, number][] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const s = m.index!;
    const e = s + m[0].length;
    if (e === s) continue;
    if (s > last) out.push([last, s]);
    out.push([s, e]);
    last = e;
  }
  if (last < text.length) out.push([last, text.length]);
  return out;
}

/** How many tokens the world tokenizer gives `text` (independent of the vocabulary). */
export function countWorldTokens(text: string): number {
  return splitPieces(text, WORLD_SPLIT_PATTERN).length;
}

function makeJson(pattern: string, pieces: string[]): TokenizerJson {
  const specials = [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.unk, SPECIAL_TOKENS.bos, SPECIAL_TOKENS.eos];
  const vocab: Record<string, number> = {};
  for (const t of [...specials, ...pieces]) if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: { type: 'WordLevel', vocab, unk_token: SPECIAL_TOKENS.unk },
  };
}

function countPieces(texts: Iterable<string>, pattern: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts)
    for (const [s, e] of splitPieces(t, pattern)) {
      const p = t.slice(s, e);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  return counts;
}

/** Word-level tokenizer for the world's texts: the digits, " Wait" and "!" always, then every piece
 *  seen at least minCount times, most frequent first (ties in code-point order: deterministic). */
export function buildWorldTokenizer(texts: Iterable<string>, opts: { minCount?: number; maxVocab?: number } = {}): TokenizerJson {
  const counts = countPieces(texts, WORLD_SPLIT_PATTERN);
  const always = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' Wait', 'Wait', '!'];
  const rest = [...counts.entries()]
    .filter(([p, c]) => c >= (opts.minCount ?? 1) && !always.includes(p))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([p]) => p);
  const max = opts.maxVocab ?? Infinity;
  return makeJson(WORLD_SPLIT_PATTERN, [...always, ...rest].slice(0, Math.max(0, max - 4)));
}

/** Character-level tokenizer: every distinct code point of `texts`, sorted. */
export function buildCharTokenizer(texts: Iterable<string>): TokenizerJson {
  const chars = new Set<string>();
  for (const t of texts) for (const ch of t) chars.add(ch);
  return makeJson(CHAR_SPLIT_PATTERN, [...chars].sort());
}

function unsupported(why: string): never {
  throw new Error(`unsupported tokenizer.json: ${why} (supported: model WordLevel with pre_tokenizer Split/Regex/Isolated and no normalizer, or byte-level BPE)`);
}

function parseJson(src: string): Record<string, any> {
  let text: string;
  try {
    text = readFileSync(src, 'utf8');
  } catch (err) {
    throw new Error(`tokenizer.json ${src}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`tokenizer.json ${src}: not valid JSON`);
  }
}

/** Load a tokenizer.json (path or parsed object): the word-level kind this module writes, or a
 *  byte-level BPE (Qwen2, Llama 3, GPT-2; lib/tokenizer/bpe.ts). */
export function loadTokenizer(src: string | object): LoadedTokenizer {
  const json = (typeof src === 'string' ? parseJson(src) : src) as Record<string, any>;
  const model = json?.model;
  if (model?.type === 'BPE') return loadByteLevelBpe(json);
  if (!model || model.type !== 'WordLevel') unsupported(`model ${model?.type ?? 'missing'}`);
  if (json.normalizer != null) unsupported(`normalizer ${json.normalizer.type}`);
  const pt = json.pre_tokenizer;
  if (!pt || pt.type !== 'Split' || typeof pt.pattern?.Regex !== 'string' || pt.behavior !== 'Isolated' || pt.invert)
    unsupported(`pre_tokenizer ${pt?.type ?? 'missing'}${pt?.behavior ? '/' + pt.behavior : ''}`);
  const vocab = model.vocab as Record<string, number>;
  const byId: string[] = [];
  for (const [tok, id] of Object.entries(vocab)) byId[id] = tok;
  const pattern = pt.pattern.Regex as string;
  const need = (t: string): number => {
    const id = vocab[t];
    if (id === undefined) throw new Error(`tokenizer.json: vocabulary lacks ${t}`);
    return id;
  };
  const unkId = need(model.unk_token ?? SPECIAL_TOKENS.unk);
  const specialIds = new Set<number>((json.added_tokens ?? []).filter((t: any) => t.special).map((t: any) => t.id as number));
  // No normalizer here, so every added token is matched in the raw text.
  const added = new AddedTokenMatcher(json.added_tokens ?? []);
  return {
    encode(text) {
      const ids: number[] = [];
      const offsets: [number, number][] = [];
      const words = (from: number, to: number) => {
        for (const [s, e] of splitPieces(text.slice(from, to), pattern)) {
          ids.push(vocab[text.slice(from + s, from + e)] ?? unkId);
          offsets.push([from + s, from + e]);
        }
      };
      let last = 0;
      for (const m of added.find(text)) {
        words(last, m.start);
        ids.push(m.id);
        offsets.push([m.start, m.end]);
        last = m.end;
      }
      words(last, text.length);
      return { ids, offsets };
    },
    decode(ids, opts = {}) {
      let s = '';
      for (const id of ids) {
        if (!opts.keepSpecial && specialIds.has(id)) continue;
        const t = byId[id];
        if (t === undefined) throw new Error(`decode: token id ${id} out of range 0..${byId.length - 1}`);
        s += t;
      }
      return s;
    },
    vocabSize: byId.length,
    padId: need(SPECIAL_TOKENS.pad),
    unkId,
    eosId: need(SPECIAL_TOKENS.eos),
    bosId: vocab[SPECIAL_TOKENS.bos],
    idToToken: (id) => byId[id],
    tokenToId: (t) => vocab[t],
    json: json as TokenizerJson,
  };
}
