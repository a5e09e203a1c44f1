// Byte-level BPE: ids checked against an independent merge-by-rank encoder written here, offsets
// checked by decoding prefixes (the characters before a token are exactly the decoded tokens before
// it), added tokens split out of the text, unsupported kinds rejected with one line.
// test/tokenizer/hf-tokenizer.test.ts holds a real Qwen tokenizer.json to a second implementation.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { encodeExample } from '../../lib/data/encode.ts';
import { buildByteLevelBpe, byteCharsToBytes, bytesToByteChars } from '../../lib/tokenizer/bpe.ts';
import { loadTokenizer } from '../../lib/tokenizer/index.ts';

const CORPUS = [
  'Mia starts with 7 apples. After buying 15 more: 7 + 15 = 22. Wait! Let me check: 7 + 15 = 22.',
  'The answer is \\boxed{13/12}. Hmm, 6 \\times 6 = 36, not 32.',
  'Problem: Solve for x: 3x + 5 = 17.\nThink step by step.\n\nthe the the then there',
  'café naïve 日本語 emoji 😀 and ✓ done',
];
const PROBES = [...CORPUS, 'Zebras eat 9 apples 😀😀 in Zürich — 東京!', '  leading spaces and trailing  ', 'literal <|endoftext|> stays text', ''];

const json = buildByteLevelBpe(CORPUS, { merges: 120 });
const tok = loadTokenizer(json);
const utf8 = new TextEncoder();
const tokenString = new Map(Object.entries(json.model.vocab).map(([t, id]) => [id, t]));

/** Reference encoder: split out added tokens, pre-tokenise with the file's pre-tokenizer, then merge pairs by rank. */
function referenceIds(text: string): number[] {
  for (const a of json.added_tokens) {
    const at = text.indexOf(a.content);
    if (at >= 0) return [...referenceIds(text.slice(0, at)), a.id, ...referenceIds(text.slice(at + a.content.length))];
  }
  const pre = new Tokenizer(
    {
      model: { type: 'BPE', vocab: {}, merges: [], ignore_merges: false },
      pre_tokenizer: json.pre_tokenizer,
      normalizer: null,
      decoder: { type: 'ByteLevel' },
      post_processor: null,
      added_tokens: [],
    },
    {},
  ).pre_tokenizer!;
  const rank = new Map((json.model.merges as string[]).map((m, i) => [m, i]));
  const ids: number[] = [];
  for (const word of pre.pre_tokenize(text)) {
    let parts = [...word];
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rank.get(parts[i] + ' ' + parts[i + 1]);
        if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    for (const p of parts) ids.push(json.model.vocab[p]);
  }
  return ids;
}

describe('byte-level BPE', () => {
  it('learns merges (frequent words become single tokens) and byte chars round-trip', () => {
    expect(json.model.merges.length).toBeGreaterThan(15);
    expect(tok.encode(' the').ids.length).toBe(1);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...byteCharsToBytes(bytesToByteChars(bytes))!]).toEqual([...bytes]);
  });

  it('gives the ids of an independent merge-by-rank encoder', () => {
    for (const t of PROBES) expect(tok.encode(t).ids).toEqual(referenceIds(t));
  });

  it('round-trips text through encode/decode', () => {
    for (const t of PROBES) expect(tok.decode(tok.encode(t).ids, { keepSpecial: true })).toBe(t);
  });

  it('offsets: the text before each char-aligned token is exactly the decoded prefix', () => {
    for (const t of PROBES) {
      const { ids, offsets } = tok.encode(t);
      expect(offsets.length).toBe(ids.length);
      let bytesBefore = 0;
      for (let i = 0; i < ids.length; i++) {
        const [s, e] = offsets[i];
        expect(s).toBeLessThan(e);
        if (i > 0) expect(s).toBeGreaterThanOrEqual(offsets[i - 1][0]);
        const prefixBytes = utf8.encode(t.slice(0, s)).length;
        const added = json.added_tokens.find((a) => a.id === ids[i]);
        const tokBytes = added ? utf8.encode(added.content).length : byteCharsToBytes(tokenString.get(ids[i])!)!.length;
        if (prefixBytes === bytesBefore) {
          // the token starts on a character boundary: decoding the tokens before it gives t[0, s)
          expect(tok.decode(ids.slice(0, i), { keepSpecial: true })).toBe(t.slice(0, s));
        } else {
          // it starts inside a multi-byte character, which it shares with the previous token
          expect(s).toBe(offsets[i - 1][0]);
        }
        bytesBefore += tokBytes;
      }
      if (ids.length) expect(offsets.at(-1)![1]).toBe(t.length);
      expect(bytesBefore).toBe(utf8.encode(t).length);
    }
  });

  it('a character split across tokens (an unseen emoji) belongs to every token holding its bytes', () => {
    const t = 'x 🦜';
    const { ids, offsets } = tok.encode(t);
    const at = t.indexOf('🦜');
    const holding = offsets.filter(([s, e]) => s <= at && e > at);
    expect(holding.length).toBeGreaterThan(1); // 4 bytes, no merge learned for them
    for (const [s, e] of holding) expect([s, e]).toEqual([at, at + 2]);
    expect(tok.decode(ids)).toBe(t);
  });

  it('splits added tokens out of text (as Hugging Face does), and drops special ones on decode unless asked', () => {
    const eot = tok.tokenToId('<|endoftext|>')!;
    expect(tok.eosId).toBe(eot);
    expect(tok.padId).toBe(eot);
    const t = 'a <|endoftext|> b';
    const { ids, offsets } = tok.encode(t);
    expect(ids.filter((id) => id === eot)).toHaveLength(1);
    expect(offsets[ids.indexOf(eot)]).toEqual([2, 15]);
    expect(tok.decode([...tok.encode('hi').ids, eot])).toBe('hi');
    expect(tok.decode([...tok.encode('hi').ids, eot], { keepSpecial: true })).toBe('hi<|endoftext|>');
    expect(tok.vocabSize).toBe(256 + json.model.merges.length + 3);
  });

  it('finds the token of T_last ("Wait!") for the VGGM loss', () => {
    const response = 'So 7 + 15 = 23. Wait! 7 + 15 = 22. \\boxed{22}';
    const tLast = response.indexOf('Wait!');
    const ex = encodeExample(tok, 'Problem: 7 + 15?\n', response, tLast);
    expect(tok.bosId).toBeUndefined();
    // the token holding 'W' is the first whose decoded text reaches past the prefix before "Wait"
    const before = tok.decode(ex.ids.slice(ex.responseStart, ex.tLastToken!));
    expect(response.startsWith(before)).toBe(true);
    expect(before.length).toBeLessThanOrEqual(tLast);
    expect(tok.decode(ex.ids.slice(ex.responseStart, ex.tLastToken! + 1)).length).toBeGreaterThan(tLast);
  });

  it('applies the NFC normalizer (as Hugging Face does) with offsets on the original text', () => {
    const t = 'cafe\u0301 ok';
    const { ids, offsets } = tok.encode(t);
    expect(ids).toEqual(tok.encode(t.normalize('NFC')).ids);
    expect(offsets.at(-1)![1]).toBe(t.length);
    // the composed é maps back to both of its original units
    expect(offsets.some(([s, e]) => s <= 3 && e === 5)).toBe(true);
  });

  it('rejects BPE kinds it cannot give offsets for, with one clear line', () => {
    const bad: [object, RegExp][] = [
      [{ ...json, model: { ...json.model, byte_fallback: true } }, /byte_fallback/],
      [{ ...json, pre_tokenizer: { type: 'Metaspace', replacement: '▁' } }, /without a ByteLevel pre-tokenizer \(pre_tokenizer Metaspace\)/],
      [{ ...json, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true } }, /add_prefix_space/],
      [{ ...json, normalizer: { type: 'Lowercase' } }, /normalizer Lowercase/],
      [{ ...json, decoder: { type: 'Metaspace' } }, /decoder Metaspace/],
      [{ ...json, added_tokens: [] }, /no end-of-sequence token/],
    ];
    for (const [j, re] of bad) {
      expect(() => loadTokenizer(j)).toThrow(re);
      try {
        loadTokenizer(j);
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });
});
