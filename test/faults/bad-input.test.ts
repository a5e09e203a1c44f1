// Bad input that lib/data and lib/model's own tests do not already cover: each case ends in a
// counted skip, or one clear line and a non-zero exit, and nothing already written is lost.
// (Covered elsewhere: malformed/missing-field/no-\boxed/invalid-UTF-8 OpenR1 rows in
// test/data/openr1.test.ts; broken checkpoints and tokenizers in test/hf and test/tokenizer.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../../lib/data/dataset.ts';
import { readJsonl } from '../../lib/data/jsonl.ts';
import { dropLongExamples, exampleTokens } from '../../lib/data/length.ts';
import { ingestRows, readOpenR1Rows } from '../../lib/data/openr1.ts';
import { ruleLabeller } from '../../lib/data/segment/labeller.ts';
import { DeviceLimitError } from '../../lib/gpu/index.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOOD = '<think>\n80 * 0.15 = 12. Wait, let me double-check. 0.15 * 80 = 12.\n</think>\nThe answer is \\boxed{12}.';
const row = (problem: string, gen: string) => ({ problem, answer: '12', uuid: problem, generations: [gen], correctness_math_verify: [true], finish_reasons: ['stop'] });

function script(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', env: { ...process.env, VGGM_PROGRESS: 'off', VGGM_CACHE: join(tmp, 'cache'), ...env } });
}

function expectOneLineFailure(r: ReturnType<typeof script>, re: RegExp) {
  expect(r.status, r.stderr).not.toBe(0);
  expect(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('Warning:')),
    r.stderr,
  ).toHaveLength(1);
  expect(r.stderr).toMatch(re);
}

const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

describe('ingest', () => {
  it('skips and counts traces longer than --max-tokens (never truncates them)', () => {
    const long = GOOD.replace('80 * 0.15 = 12.', '80 * 0.15 = 12. '.repeat(40));
    const jsonl = join(tmp, 'long.jsonl');
    writeFileSync(jsonl, [row('a', GOOD), row('b', long), row('c', GOOD)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const max = 120;
    expect(exampleTokens({ problem: 'b', response: long })).toBeGreaterThan(max);
    const out = join(tmp, 'long-out');
    const r = script(['scripts/data.ts', 'ingest', jsonl, '--out', out, '--max-tokens', String(max), '--unit', '0.05']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/skipped 1 traces longer than 120 tokens/);
    const pool = readJsonl<{ problem: string }>(join(out, 'pool.jsonl'));
    expect(pool.map((e) => e.problem).sort()).toEqual(['a', 'c']);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ maxTokens: max, skippedLong: 1 });
    expect(() => dropLongExamples([], 0)).toThrow(/positive integer/);
  }, 60_000);

  it('an input with no usable example (empty file) fails in one line and leaves the existing folder intact', () => {
    const out = join(tmp, 'keep');
    writeDataset(out, { manifest: { source: 'openr1', marker: 'old' }, pool: [] });
    const before = snapshot(out);
    const empty = join(tmp, 'empty.jsonl');
    writeFileSync(empty, '');
    expectOneLineFailure(script(['scripts/data.ts', 'ingest', empty, '--out', out]), /no usable examples in .*empty\.jsonl; .* left unchanged/);
    const allBad = join(tmp, 'bad.jsonl');
    writeFileSync(allBad, 'not json\n{"problem": 1}\n');
    expectOneLineFailure(script(['scripts/data.ts', 'ingest', allBad, '--out', out]), /no usable examples/);
    expect(snapshot(out)).toEqual(before);
  }, 60_000);

  it('a truncated parquet file is one line; parquet rows lacking columns are counted skips', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'problem', data: ['p1', 'p2'], type: 'STRING' },
        { name: 'answer', data: ['1', '2'], type: 'STRING' },
      ],
    });
    const full = join(tmp, 'nocols.parquet');
    writeFileSync(full, new Uint8Array(buf));
    const { examples, report } = await ingestRows(await readOpenR1Rows(full), ruleLabeller);
    expect(examples).toEqual([]);
    expect(report.skipped).toEqual({ 'generations is not a list': 2 });
    const cut = join(tmp, 'cut.parquet');
    writeFileSync(cut, new Uint8Array(buf).subarray(0, 40));
    await expect(readOpenR1Rows(cut)).rejects.toThrow(/cut\.parquet: not a readable parquet file/);
    expectOneLineFailure(script(['scripts/data.ts', 'ingest', cut, '--out', join(tmp, 'cut-out')]), /not a readable parquet file/);
  }, 60_000);
});

describe('data folders', () => {
  it('a pool.jsonl with invalid UTF-8 is an error naming the file, not silent U+FFFD', () => {
    const p = join(tmp, 'bad-utf8.jsonl');
    writeFileSync(p, Buffer.concat([Buffer.from('{"id": "a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    expect(() => readJsonl(p)).toThrow(/bad-utf8\.jsonl: not valid UTF-8$/);
  });

  it('an empty dataset: training and export fail in one line with a non-zero exit', () => {
    const dir = join(tmp, 'empty-data');
    writeDataset(dir, { manifest: { source: 'openr1' }, pool: [] });
    expectOneLineFailure(script(['scripts/export.ts', '--format', 'trl', '--data', dir, '--out', join(tmp, 'x')]), /no SFT examples/);
    expectOneLineFailure(
      script(['scripts/pretrain.ts', '--scale', 'smoke', '--family', 'qwen-like', '--data', dir, '--out', join(tmp, 'x')]),
      /no Base corpus \(base\.jsonl is empty\)/,
    );
  }, 60_000);

  it('a data folder without a manifest is one line', () => {
    mkdirSync(join(tmp, 'nomanifest'), { recursive: true });
    expectOneLineFailure(script(['scripts/export.ts', '--data', join(tmp, 'nomanifest'), '--out', join(tmp, 'x')]), /no manifest\.json/);
  }, 30_000);
});

describe('device limits', () => {
  it('logits over one binding are split; only logits over one buffer are refused, naming the tensor and the limit', () => {
    const model = Model.init(ctx(), presetConfig('qwen-like', 'tiny', 5000), 1);
    const { maxStorageBufferBindingSize: binding, maxBufferSize: buffer } = ctx().gpu.limits;
    // logits are [batch*seqLen, vocab] floats: past one binding they run in pieces of token rows
    const overBinding = Math.ceil(binding / (4 * 5000 * 32)) + 1;
    expect(() => model.activations(overBinding, 32)).not.toThrow();
    model.dropActivations();
    const overBuffer = Math.ceil(buffer / (4 * 5000 * 32)) + 1;
    expect(() => model.activations(overBuffer, 32)).toThrow(DeviceLimitError);
    expect(() => model.activations(overBuffer, 32)).toThrow(/^tensor logits\[\d+x32\] \[\d+, 5000\] needs a [\d.]+ MiB buffer but .* allows buffers of at most [\d.]+ MiB/);
  });
});
