import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { buildCharTokenizer, buildWorldTokenizer, loadTokenizer, splitPieces, WORLD_SPLIT_PATTERN } from '../../lib/tokenizer/index.ts';

const TEXTS = [
  'Mia starts with 7 apples. After buying 15 more: 7 + 15 = 22.',
  'a = 6 \\times 6 = 32. Hmm, 6 \\times 6 = 36, not 32. The answer is \\boxed{13/12}.',
  'Problem: Solve for x: 3x + 5 = 17.\nThink step by step.\n',
  'Spaces  twice,\ttab and 100% of 40?',
];

function covers(text: string, offsets: [number, number][]): boolean {
  let at = 0;
  for (const [s, e] of offsets) {
    if (s !== at || e <= s) return false;
    at = e;
  }
  return at === text.length;
}

describe('world tokenizer', () => {
  const json = buildWorldTokenizer(TEXTS);
  const tok = loadTokenizer(json);

  it('round-trips text and gives offsets that tile it exactly', () => {
    for (const t of TEXTS) {
      const { ids, offsets } = tok.encode(t);
      expect(tok.decode(ids)).toBe(t);
      expect(covers(t, offsets)).toBe(true);
      offsets.forEach(([s, e], i) => expect(tok.idToToken(ids[i])).toBe(t.slice(s, e)));
    }
  });

  it('makes every digit its own token and keeps LaTeX commands whole', () => {
    const t = 'x = 1234 \\boxed{56}';
    const pieces = tok.encode(t).ids.map((i) => tok.idToToken(i));
    expect(pieces.filter((p) => /\d/.test(p!))).toEqual([' 1', '2', '3', '4', '5', '6']);
    expect(pieces).toContain(' \\boxed');
  });

  it('agrees with @huggingface/tokenizers on the ids', () => {
    const lib = new Tokenizer(json, {});
    for (const t of TEXTS) expect(lib.encode(t, { add_special_tokens: false }).ids).toEqual(tok.encode(t).ids);
    // added tokens in text are split out, as the library (and the Rust one) does
    const withSpecial = `${TEXTS[0]}<eos>x<pad> <bos>`;
    // (the library leaves an unknown word's id undefined where the Rust one gives unk)
    expect(tok.encode(withSpecial).ids).toEqual(lib.encode(withSpecial, { add_special_tokens: false }).ids.map((id) => id ?? tok.unkId));
    expect(tok.encode(withSpecial).ids).toContain(tok.eosId);
  });

  it('maps unseen pieces to <unk> and still gives exact offsets', () => {
    const t = 'Zebras eat 9 apples.';
    const { ids, offsets } = tok.encode(t);
    expect(ids.filter((i) => i === tok.unkId).length).toBeGreaterThan(0);
    expect(covers(t, offsets)).toBe(true);
  });

  it('has pad/unk/bos/eos and drops specials when decoding', () => {
    expect(new Set([tok.padId, tok.unkId, tok.bosId, tok.eosId]).size).toBe(4);
    const ids = tok.encode('7 + 15').ids;
    expect(tok.decode([tok.bosId!, ...ids, tok.eosId])).toBe('7 + 15');
    expect(tok.decode([...ids, tok.eosId], { keepSpecial: true })).toBe('7 + 15<eos>');
    expect(() => tok.decode([9999])).toThrow(/out of range/);
  });

  it('loads from a tokenizer.json path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    const t2 = loadTokenizer(join(dir, 'tokenizer.json'));
    expect(t2.encode(TEXTS[1]).ids).toEqual(tok.encode(TEXTS[1]).ids);
    expect(t2.vocabSize).toBe(tok.vocabSize);
  });

  it('splits like HF Split/Isolated: text between matches is a piece too', () => {
    expect(splitPieces('ab12cd', '\\d')).toEqual([
      [0, 2],
      [2, 3],
      [3, 4],
      [4, 6],
    ]);
    expect(splitPieces('  x', WORLD_SPLIT_PATTERN).length).toBe(2);
  });

  it('rejects kinds it cannot encode with one clear line', () => {
    const bpe = { ...json, model: { type: 'BPE', vocab: {}, merges: [] } };
    expect(() => loadTokenizer(bpe)).toThrow(/^unsupported tokenizer.json: BPE without a ByteLevel pre-tokenizer/);
    expect(() => loadTokenizer({ ...json, model: { type: 'Unigram', vocab: [] } })).toThrow(/^unsupported tokenizer.json: model Unigram/);
    expect(() => loadTokenizer({ ...json, normalizer: { type: 'NFC' } })).toThrow(/unsupported tokenizer.json: normalizer NFC/);
    expect(() => loadTokenizer({ ...json, pre_tokenizer: { type: 'ByteLevel' } })).toThrow(/unsupported tokenizer.json: pre_tokenizer ByteLevel/);
  });
});

describe('character tokenizer', () => {
  it('gives one token per code point and round-trips', () => {
    const text = 'héllo × 12\n✓';
    const tok = loadTokenizer(buildCharTokenizer([text]));
    const { ids, offsets } = tok.encode(text);
    expect(ids.length).toBe([...text].length);
    expect(tok.decode(ids)).toBe(text);
    expect(covers(text, offsets)).toBe(true);
    expect(ids).not.toContain(tok.unkId);
    expect(tok.vocabSize).toBe(4 + new Set(text).size);
  });
});
