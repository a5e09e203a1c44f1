import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../lib/data/dataset.ts';
import { cacheKey, isCached, type CacheKeyInput } from '../../lib/train/cache.ts';
import { lockPath, openEntry, type Claim, type Entry, type OpenOptions } from '../../lib/train/claim.ts';
import { canonicalJson } from '../../lib/util/json.ts';

const base: CacheKeyInput = {
  stage: 'sft',
  model: { dModel: 64, layers: 2 },
  data: { seed: 1, n: 100 },
  method: 'vggm',
  hparams: { lr: 1e-3, steps: 10 },
  seed: 1,
  parent: 'pretrain-abc',
};

describe('cache keys', () => {
  it('do not depend on object key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":0}]},"b":1}');
    expect(cacheKey({ ...base, model: { layers: 2, dModel: 64 } })).toBe(cacheKey(base));
  });
  it('change with every input that determines the weights', () => {
    const k = cacheKey(base);
    const variants: CacheKeyInput[] = [
      { ...base, model: { dModel: 65, layers: 2 } },
      { ...base, data: { seed: 2, n: 100 } },
      { ...base, method: 'sft' },
      { ...base, hparams: { lr: 2e-3, steps: 10 } },
      { ...base, seed: 2 },
      { ...base, parent: 'pretrain-abd' },
      { ...base, parent: null },
    ];
    const keys = new Set(variants.map(cacheKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(k)).toBe(false);
    expect(k).toMatch(/^sft-[0-9a-f]{16}$/);
  });
});

// The cache entry of a stage (lib/train/claim.ts) without training: a fake model folder stands for
// what a trainer writes, so each rule of docs/cache.md is checked on its own, in milliseconds.
describe('cache entries', () => {
  const root = mkdtempSync(join(tmpdir(), 'vggm-claim-'));
  const saved = process.env.VGGM_CACHE;
  beforeAll(() => {
    process.env.VGGM_CACHE = root;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.VGGM_CACHE;
    else process.env.VGGM_CACHE = saved;
    rmSync(root, { recursive: true, force: true });
  });
  const quiet = { say: () => {} };
  const steps = (losses: number[]) => losses.map((loss, step) => JSON.stringify({ step, kind: 'step', loss, gradNorm: 1 }) + '\n').join('');

  /** What a trainer leaves in a finished run folder. */
  function writeModel(dir: string, weights = 'w1'): void {
    mkdirSync(join(dir, 'snapshots', 'step-0000002'), { recursive: true });
    writeFileSync(join(dir, 'model.safetensors'), weights);
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'snapshots', 'step-0000002', 'model.safetensors'), 'snap');
    writeFileSync(join(dir, 'metrics.jsonl'), steps([3, 2, 1.5, 1]));
  }

  async function train(key: string, o: Omit<OpenOptions, 'say'> = { data: null, parent: null }, weights = 'w1'): Promise<Entry> {
    const opened = await openEntry(key, { ...o, ...quiet });
    if ('hit' in opened) return opened.hit;
    writeModel(opened.claim.dir, weights);
    return opened.claim.finish({ stage: 'test' });
  }

  it('records the sha256 of every file, snapshots included, and the lock is gone afterwards', async () => {
    const e = await train('t-files');
    expect(e.cached).toBe(false);
    expect(Object.keys(e.done.files).sort()).toEqual(['config.json', 'metrics.jsonl', 'model.safetensors', 'snapshots/step-0000002/model.safetensors']);
    expect(e.done.files['model.safetensors']).toBe(createHash('sha256').update('w1').digest('hex'));
    expect(existsSync(lockPath('t-files'))).toBe(false);
    const again = await train('t-files');
    expect(again.cached).toBe(true);
  });

  it('an edited, truncated or missing file is an error naming it at the first read', async () => {
    const { dir } = await train('t-edit');
    writeFileSync(join(dir, 'model.safetensors'), 'w2');
    await expect(openEntry('t-edit', { data: null, parent: null, ...quiet })).rejects.toThrow(
      new RegExp(`^cached model t-edit: ${dir}/model\\.safetensors has changed \\(sha256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\\); retrain it with --force`),
    );
    writeFileSync(join(dir, 'model.safetensors'), 'w1');
    expect(((await openEntry('t-edit', { data: null, parent: null, ...quiet })) as { hit: Entry }).hit.cached).toBe(true);
    rmSync(join(dir, 'snapshots', 'step-0000002', 'model.safetensors'));
    await expect(openEntry('t-edit', { data: null, parent: null, ...quiet })).rejects.toThrow(`${dir}/snapshots/step-0000002/model.safetensors is missing`);
    // --force trains it again
    expect('claim' in (await openEntry('t-edit', { force: true, data: null, parent: null, ...quiet }))).toBe(true);
  });

  it('data edited but still valid is detected, naming the data file', async () => {
    const ds = { dir: '/d', manifest: { source: 'world' }, pool: [{ id: 'a', response: 'x = 1' }], eval: [], base: [], tokenizer: { json: { v: 1 } } } as unknown as Dataset;
    await train('t-data', { data: ds, parent: null });
    const edited = { ...ds, pool: [{ id: 'a', response: 'x = 2' }] } as unknown as Dataset;
    await expect(openEntry('t-data', { data: edited, parent: null, ...quiet })).rejects.toThrow(
      'cached model t-data was trained on other data: /d/pool.jsonl has changed since the model was trained on it',
    );
    const retok = { ...ds, tokenizer: { json: { v: 2 } } } as unknown as Dataset;
    await expect(openEntry('t-data', { data: retok, parent: null, ...quiet })).rejects.toThrow('/d/tokenizer.json has changed');
    expect('hit' in (await openEntry('t-data', { data: { ...ds } as Dataset, parent: null, ...quiet }))).toBe(true);
  });

  it('a stage that reads only some parts of the data records and checks only those', async () => {
    const ds = {
      dir: '/d',
      manifest: { source: 'world' },
      pool: [{ id: 'a', response: 'x = 1' }],
      eval: [],
      base: [{ problem: 'p' }],
      tokenizer: { json: { v: 1 } },
    } as unknown as Dataset;
    const reads = ['base', 'tokenizer'] as const;
    const e = await train('t-reads', { data: ds, reads, parent: null });
    expect(Object.keys(e.done.dataFiles ?? {}).sort()).toEqual(['base.jsonl', 'tokenizer.json']);
    // a relabelled pool is not what this stage read: still a hit
    const relabelled = { ...ds, pool: [{ id: 'a', response: 'x = 2' }] } as unknown as Dataset;
    expect('hit' in (await openEntry('t-reads', { data: relabelled, reads, parent: null, ...quiet }))).toBe(true);
    const rebased = { ...ds, base: [{ problem: 'q' }] } as unknown as Dataset;
    await expect(openEntry('t-reads', { data: rebased, reads, parent: null, ...quiet })).rejects.toThrow('/d/base.jsonl has changed since the model was trained on it');
    // an older record of every part is checked on the parts read only
    const all = await train('t-reads-all', { data: ds, parent: null });
    expect(Object.keys(all.done.dataFiles ?? {})).toContain('pool.jsonl');
    expect('hit' in (await openEntry('t-reads-all', { data: relabelled, reads, parent: null, ...quiet }))).toBe(true);
    await expect(openEntry('t-reads-all', { data: relabelled, parent: null, ...quiet })).rejects.toThrow('/d/pool.jsonl has changed');
  });

  it("a child records its parent's content hash; a parent with other files since is detected", async () => {
    const parent = await train('t-parent');
    const child = await train('t-child', { data: null, parent });
    expect(child.done.startedFrom).toEqual({ key: 't-parent', contentHash: parent.done.contentHash });
    // the parent trained again to other weights (--force on a nondeterministic device, say)
    const other = await train('t-parent', { force: true, data: null, parent: null }, 'w-other');
    expect(other.done.contentHash).not.toBe(parent.done.contentHash);
    await expect(openEntry('t-child', { data: null, parent: other, ...quiet })).rejects.toThrow(
      "cached model t-child was trained from another t-parent: that model's files have changed since",
    );
  });

  it("removes the temp files of a killed write (dead pid), keeps a live writer's", async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dir = join(root, 'models', 't-temp');
    mkdirSync(join(dir, 'checkpoints', 'step-0000004'), { recursive: true });
    const stale = [join(dir, `.model.safetensors.${dead}.0.tmp`), join(dir, 'checkpoints', 'step-0000004', `.optimizer.safetensors.${dead}.3.tmp`)];
    const live = join(dir, `.eval-smoke.jsonl.${process.pid}.0.tmp`);
    for (const f of [...stale, live]) writeFileSync(f, 'partial');
    const opened = await openEntry('t-temp', { data: null, parent: null, ...quiet });
    expect(stale.filter(existsSync)).toEqual([]);
    expect(existsSync(live)).toBe(true);
    (opened as { claim: Claim }).claim.abandon();
  });

  it('a diverged run is marked failed, not cached, and refused until --force', async () => {
    const opened = (await openEntry('t-div', { data: null, parent: null, ...quiet })) as { claim: Claim };
    writeModel(opened.claim.dir);
    writeFileSync(join(opened.claim.dir, 'metrics.jsonl'), steps([2, 2.1, 9613, 9613]));
    expect(() => opened.claim.finish({ stage: 'test' })).toThrow(
      /^t-div: the run diverged \(mean loss of the last 1 steps 9613 is 4806\.5× that of the first 1 \(2\.000; limit 2×\)\); marked failed in .*failed\.json, not cached/,
    );
    expect(existsSync(join(opened.claim.dir, 'done.json'))).toBe(false);
    expect(existsSync(lockPath('t-div'))).toBe(false);
    await expect(openEntry('t-div', { data: null, parent: null, ...quiet })).rejects.toThrow(
      /^t-div: its last run diverged \(mean loss .*\) and is not cached .*; change its settings, or train it again with --force$/,
    );
    expect('claim' in (await openEntry('t-div', { force: true, data: null, parent: null, ...quiet }).then((o) => ('claim' in o && o.claim.abandon(), o)))).toBe(true);
  });

  it('time accumulates over the processes that worked on a run', async () => {
    const first = (await openEntry('t-time', { data: null, parent: null, ...quiet })) as { claim: Claim };
    mkdirSync(first.claim.dir, { recursive: true }); // the trainer's first checkpoint
    await new Promise((r) => setTimeout(r, 120));
    first.claim.abandon(); // an error or Ctrl-C: the time so far is kept
    const second = (await openEntry('t-time', { data: null, parent: null, ...quiet })) as { claim: Claim };
    writeModel(second.claim.dir);
    await new Promise((r) => setTimeout(r, 120));
    const done = second.claim.finish({ stage: 'test', seconds: 0.001 }).done;
    expect(done.processes).toBe(2);
    expect(done.seconds).toBeGreaterThanOrEqual(0.24);
    expect(existsSync(join(second.claim.dir, 'time.json'))).toBe(false);
  });

  it('a done.json without file hashes (made before content checks) is trained again, with one line', async () => {
    const dir = join(root, 'models', 't-legacy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'done.json'), JSON.stringify({ key: 't-legacy' }));
    expect(isCached('t-legacy')).toBe(false);
    expect(isCached('t-files')).toBe(true);
    const said: string[] = [];
    const opened = await openEntry('t-legacy', { data: null, parent: null, say: (l) => said.push(l) });
    expect('claim' in opened).toBe(true);
    expect(said).toEqual(['cache: t-legacy finished before models recorded their content (no file hashes in done.json); training it again']);
    (opened as { claim: Claim }).claim.abandon();
  });
});
