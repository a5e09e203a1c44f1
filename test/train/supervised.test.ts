// The supervised loop on a tiny model: resume reaches the same losses as an uninterrupted run,
// snapshots along the way are the models of runs stopped there, and a NaN stops the run naming
// the step and a tensor while keeping the last good checkpoint.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { read } from '../../lib/gpu/index.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { latestCheckpoint } from '../../lib/train/checkpoints.ts';
import { loadCheckpoint } from '../../lib/model/checkpoint.ts';
import { NonFiniteError } from '../../lib/train/health.ts';
import { SCALE_TABLE } from '../../lib/train/scales.ts';
import { snapshotDir, trainSupervised, type SupervisedRun } from '../../lib/train/supervised.ts';
import { weightExample } from '../../lib/train/weights.ts';
import { Rng } from '../../lib/util/rng.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-sup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VOCAB = 23;
const config = { ...presetConfig('qwen-like', 'tiny', VOCAB), context: 24 };
const rng = new Rng(11);
// Sequences with structure (an arithmetic progression mod VOCAB) so the loss can fall.
const items = Array.from({ length: 12 }, () => {
  const len = rng.int(10, 20);
  const a = rng.int(4, VOCAB - 1),
    d = rng.int(1, 3);
  const ids = Array.from({ length: len }, (_, i) => (i === len - 1 ? 3 : 4 + ((a + d * i) % (VOCAB - 4))));
  const tLast = rng.next() < 0.5 ? null : rng.int(6, len - 1);
  return weightExample('vggm', { ids, promptLen: 3, responseStart: 3, tLastToken: tLast, eos: len - 1 });
});

function run(dir: string, extra: Partial<SupervisedRun> = {}): SupervisedRun {
  return {
    runDir: join(tmp, dir),
    model: Model.init(ctx(), config, 5),
    tokenizerJson: '{}',
    items,
    seqLen: 20,
    optim: { ...SCALE_TABLE.smoke.sft, steps: 6, batch: 3, lr: 1e-2, warmup: 1 },
    seed: 3,
    diagEvery: 2,
    gradVar: { every: 3, batches: 2 },
    checkpointEvery: 2,
    info: { test: dir },
    ...extra,
  };
}

const stepLosses = (dir: string) =>
  readFileSync(join(tmp, dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.kind === 'step')
    .map((r) => [r.step, r.loss]);

describe('trainSupervised', () => {
  it('resumes from a checkpoint with losses identical to an uninterrupted run', async () => {
    const full = await trainSupervised(run('full'));
    expect(full.steps).toBe(6);
    expect(full.losses[5]).toBeLessThan(full.losses[0]);
    await trainSupervised(run('cut', { stopAfter: 3 })); // checkpoint at 2, and the stop at 3
    expect(latestCheckpoint(join(tmp, 'cut'))?.step).toBe(3);
    const resumed = await trainSupervised(run('cut', { resume: true }));
    expect(resumed.steps).toBe(6);
    expect(stepLosses('cut')).toEqual(stepLosses('full'));
    const m = readFileSync(join(tmp, 'full', 'metrics.jsonl'), 'utf8');
    expect(m).toMatch(/"kind":"diag".*"prefix":\{"n":\d+/);
    expect(m).toMatch(/"kind":"gradvar".*"noiseToSignal"/);
    expect(existsSync(join(tmp, 'full', 'model.safetensors'))).toBe(true);
  });

  it('keeps snapshots along the run equal to the model of a run stopped there', async () => {
    await trainSupervised(run('snap', { snapshots: [2, 4, 6] }));
    await trainSupervised(run('stop4', { stopAfter: 4 }));
    const snap4 = snapshotDir(join(tmp, 'snap'), 4);
    expect(JSON.parse(readFileSync(join(snap4, 'trainer_state.json'), 'utf8')).step).toBe(4);
    expect(readFileSync(join(snap4, 'model.safetensors')).equals(readFileSync(join(latestCheckpoint(join(tmp, 'stop4'))!.dir, 'model.safetensors')))).toBe(true);
    expect(existsSync(join(snapshotDir(join(tmp, 'snap'), 2), 'model.safetensors'))).toBe(true);
    // the last step is the finished model folder itself, not a snapshot
    expect(existsSync(snapshotDir(join(tmp, 'snap'), 6))).toBe(false);
    expect(stepLosses('snap')).toEqual(stepLosses('full'));
  });

  it('stops on a NaN naming the step and a tensor, keeping the last good checkpoint', async () => {
    const r = run('nan', { lrAt: (s) => (s === 2 ? NaN : 1e-2) });
    const err = await trainSupervised(r).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).step).toBe(3); // the NaN update of step 2 shows in step 3's loss
    expect((err as Error).message).toMatch(/^step 3: (gradient of [\w.]+|loss|gradient norm) is NaN/);
    const last = latestCheckpoint(r.runDir)!;
    expect(last.step).toBe(2);
    const params = await read(ctx().gpu, loadCheckpoint(ctx(), last.dir).params.params);
    expect(params.every(Number.isFinite)).toBe(true);
  });
});
