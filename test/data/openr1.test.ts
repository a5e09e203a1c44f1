import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../lib/data/jsonl.ts';
import { ingestRows, readOpenR1Rows } from '../../lib/data/openr1.ts';
import { ruleLabeller } from '../../lib/data/segment/labeller.ts';
import { DEFAULT_MAX_TOKENS, dropLongExamples, exampleTokens, tokenCounter } from '../../lib/data/length.ts';
import { buildByteLevelBpe } from '../../lib/tokenizer/bpe.ts';
import { assignSplits, splitCounts } from '../../lib/data/split.ts';
import type { Example } from '../../lib/data/types.ts';

const MULTI_WAIT = '<think>\nWe need 15% of 80. 80 / 10 = 8. Wait, that is 10%. 15% is 8 + 4 = 12. Wait, let me double-check. 0.15 * 80 = 12.\n</think>\nThe answer is $\\boxed{12}$.';
const NO_VERIFY = '<think>\n80 * 0.15 = 12.\n</think>\nSo the answer is \\boxed{12}.';
const UNFINISHED = '<think>\n80 * 0.15 = 12. Hmm, wait';
const NO_BOX = '<think>\n80 * 0.15 = 12.\n</think>\nThe answer is 12.';

const rows = [
  { problem: 'What is 15% of 80?', solution: '12', answer: '12', uuid: 'u1', source: 'olympiads', problem_type: 'Algebra', question_type: 'math-word-problem',
    generations: [MULTI_WAIT, NO_VERIFY, UNFINISHED, NO_BOX, NO_VERIFY + ' '], correctness_math_verify: [true, true, true, true, false], finish_reasons: ['stop', 'stop', 'length', 'stop', 'stop'], correctness_count: 4 },
  { problem: 'Broken row', solution: 'x', answer: '1', uuid: 'u2', source: 's', problem_type: 'p', question_type: 'q',
    generations: [NO_VERIFY], correctness_math_verify: [true, false], finish_reasons: ['stop'], correctness_count: 1 },
];

function writeParquet(path: string): void {
  const col = (name: string, type?: 'STRING' | 'INT64') => ({ name, data: rows.map((r) => (type === 'INT64' ? BigInt((r as any)[name]) : (r as any)[name])), ...(type ? { type } : {}) });
  const buf = parquetWriteBuffer({ columnData: [col('problem', 'STRING'), col('solution', 'STRING'), col('answer', 'STRING'), col('uuid', 'STRING'), col('source', 'STRING'), col('problem_type', 'STRING'), col('question_type', 'STRING'), col('generations'), col('correctness_math_verify'), col('finish_reasons'), col('correctness_count', 'INT64')] });
  writeFileSync(path, new Uint8Array(buf));
}

function writeJsonlRows(path: string): void {
  const lines = rows.map((r) => Buffer.from(JSON.stringify(r) + '\n'));
  lines.push(Buffer.from('{"problem": 5, "answer": "1", "generations": [], "correctness_math_verify": []}\n'));
  lines.push(Buffer.from('{"problem": "p", "answer": "1"}\n'));
  lines.push(Buffer.concat([Buffer.from('{"problem": "bad \xff'.replace('\xff', ''), 'utf8'), Buffer.from([0xff, 0xfe]), Buffer.from('", "answer": "1", "generations": [], "correctness_math_verify": []}\n')]));
  lines.push(Buffer.from('not json at all\n'));
  lines.push(Buffer.from('{"problem": "p", "answer": "1", "generations": "oops", "correctness_math_verify": [true]}\n'));
  writeFileSync(path, Buffer.concat(lines));
}

describe('OpenR1 ingestion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openr1-'));
  writeParquet(join(dir, 'rows.parquet'));
  writeJsonlRows(join(dir, 'rows.jsonl'));

  it('reads parquet in the published schema and keeps only usable verified generations', async () => {
    const { examples, report } = await ingestRows(await readOpenR1Rows(join(dir, 'rows.parquet')), ruleLabeller);
    // NO_BOX is kept: the row carries the gold answer.
    expect(examples.map((e) => e.id)).toEqual(['u1-g0', 'u1-g1', 'u1-g3']);
    expect(report.skipped).toEqual({
      'unfinished (finish_reason length)': 1, 'not verified by math-verify': 1,
      'generations and correctness_math_verify differ in length': 1,
    });
    const [multi, plain, noBox] = examples;
    expect(multi.v).toBe(1);
    expect(multi.response).toBe(MULTI_WAIT.replace('Wait, let me double-check.', 'Wait! Let me double-check.'));
    expect(multi.labels).toEqual([{ labeller: 'rules', version: ruleLabeller.version, v: 1, tLastRaw: MULTI_WAIT.indexOf('Wait, let me double-check.') }]);
    expect(noBox).toMatchObject({ v: 0, answer: '12', meta: { boxed: null } });
    expect(multi.response.startsWith('Wait!', multi.tLast!)).toBe(true);
    expect(multi.response).toContain('Wait, that is 10%.');
    expect(plain).toMatchObject({ v: 0, tLast: null, response: NO_VERIFY });
    expect(multi.meta).toMatchObject({ uuid: 'u1', source: 'olympiads', generation: 0, boxed: '12' });
  });

  it('counts malformed JSONL rows with a reason and never crashes', async () => {
    const { examples, report } = await ingestRows(await readOpenR1Rows(join(dir, 'rows.jsonl')), ruleLabeller);
    expect(examples.length).toBe(3);
    expect(report.rows).toBe(7);
    expect(report.skipped).toMatchObject({
      'missing or non-string problem': 1, 'generations is not a list': 2, 'invalid UTF-8': 1, 'not JSON': 1,
    });
    expect(report.examples.every((x) => typeof x.reason === 'string')).toBe(true);
  });

  it('streams JSONL: a line over the byte limit is skipped unread and counted, naming the limit', async () => {
    const path = join(dir, 'long-line.jsonl');
    const ok = JSON.stringify(rows[0]);
    writeFileSync(path, [ok, JSON.stringify({ ...rows[0], uuid: 'huge', problem: 'x'.repeat(5000) }), ok].join('\n') + '\n');
    const { examples, report } = await ingestRows(await readOpenR1Rows(path, { maxLineBytes: 4096 }), ruleLabeller);
    expect(report.rows).toBe(3);
    expect(report.skipped['line longer than 4096 bytes (--max-line-bytes)']).toBe(1);
    expect(examples.filter((e) => e.meta!.uuid === 'u1').length).toBe(6);
  });

  it('counts length in the tokens of a given tokenizer.json (byte-level BPE), the world pre-tokenizer otherwise', () => {
    const path = join(dir, 'bpe-tokenizer.json');
    writeFileSync(path, JSON.stringify(buildByteLevelBpe([MULTI_WAIT, NO_VERIFY], { merges: 40 })));
    const bpe = tokenCounter(path), world = tokenCounter();
    expect(world.name).toBe('world pre-tokenizer');
    const ex = { problem: 'What is 15% of 80?', response: MULTI_WAIT };
    const nBpe = exampleTokens(ex, bpe.count), nWorld = exampleTokens(ex, world.count);
    expect(nBpe).not.toBe(nWorld);
    // A limit between the two counts keeps the trace under one counter and drops it under the other.
    const limit = Math.min(nBpe, nWorld);
    expect(dropLongExamples([ex], limit, nBpe <= nWorld ? bpe.count : world.count).dropped).toBe(0);
    expect(dropLongExamples([ex], limit, nBpe <= nWorld ? world.count : bpe.count).dropped).toBe(1);
    expect(DEFAULT_MAX_TOKENS).toBe(16_384);
  });

  it('rejects unknown file kinds with one line', async () => {
    await expect(readOpenR1Rows(join(dir, 'rows.csv'))).rejects.toThrow(/expected a \.parquet or \.jsonl file/);
  });

  it('scripts/data.ts ingest writes the normalised folder atomically, and stats reads it', () => {
    const out = join(dir, 'out');
    const log = execFileSync('npx', ['tsx', 'scripts/data.ts', 'ingest', join(dir, 'rows.parquet'), join(dir, 'rows.jsonl'), '--out', out, '--unit', '0.1'], { encoding: 'utf8' });
    expect(log).toMatch(/6 examples \(v=1: 2, v=0: 4\)/);
    const pool = readJsonl<Example>(join(out, 'pool.jsonl'));
    expect(pool.length).toBe(6);
    expect(new Set(pool.map((e) => e.split))).toEqual(new Set(['grpo', 'sft_v0', 'sft_v1', 'unused']));
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const stats = JSON.parse(execFileSync('npx', ['tsx', 'scripts/data.ts', 'stats', out, '--json'], { encoding: 'utf8' }));
    expect(stats).toMatchObject({ source: 'openr1', pool: 6, agreement: null, reference: null });
    expect(stats.vRatio).toBeCloseTo(1 / 3, 6);
    expect(stats.lossShare).toBeGreaterThan(0.5);
    expect(stats.lossShare).toBeLessThan(1);
  });
});

describe('the paper split', () => {
  it('scales 12 : 8 : 9.848 and is seeded and disjoint', () => {
    expect(splitCounts(1000)).toEqual({ sft_v1: 12000, sft_v0: 8000, grpo: 9848 });
    const vs = Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 ? 0 : 1)) as (0 | 1)[];
    const want = splitCounts(20);
    const a = assignSplits(vs, want, 5);
    expect(assignSplits(vs, want, 5)).toEqual(a);
    expect(assignSplits(vs, want, 6)).not.toEqual(a);
    const n = (s: string) => a.filter((x) => x === s).length;
    expect([n('sft_v1'), n('sft_v0'), n('grpo')]).toEqual([240, 160, 197]);
    a.forEach((s, i) => {
      if (s === 'sft_v1') expect(vs[i]).toBe(1);
      if (s === 'sft_v0') expect(vs[i]).toBe(0);
    });
    expect(() => assignSplits(vs, splitCounts(30), 5)).toThrow(/v=0 examples needed/);
  });
});

describe('the paper split with problem keys', () => {
  it('fills the GRPO reserve with problems the SFT splits do not hold when it can', () => {
    const vs = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0 : 1)) as (0 | 1)[];
    const keys = vs.map((_, i) => `k${i % 150}`);
    const a = assignSplits(vs, splitCounts(2), 1, keys);
    const sft = new Set(keys.filter((_, i) => a[i] === 'sft_v1' || a[i] === 'sft_v0'));
    const grpo = keys.filter((_, i) => a[i] === 'grpo');
    expect(grpo.length).toBe(20);
    expect(grpo.filter((k) => sft.has(k))).toEqual([]);
  });
});
