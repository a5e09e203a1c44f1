// Real interruptions of a real training script (scripts/pretrain.ts, smoke scale):
//  - SIGKILL at a random moment, then the same command again: the run takes over the dead run's
//    lock, removes its temp files, resumes from its last checkpoint, and its per-step losses and
//    final weights equal those of an uninterrupted run;
//  - SIGINT: the script stops at a step boundary, writes a checkpoint of exactly the steps done,
//    exits 130 with one line, and the rerun again matches the uninterrupted run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint } from '../../lib/train/checkpoints.ts';
import { Rng } from '../../lib/util/rng.ts';

const STEPS = 40; // smoke checkpoints every 4 steps
const root = mkdtempSync(join(tmpdir(), 'vggm-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Run pretrain with its cache in `cache`; `interrupt` may signal it once its metrics reach a step. */
function pretrain(cache: string, data: string | null, interrupt?: { afterLines: number; delayMs: number; signal: NodeJS.Signals }): Promise<Run> {
  const args = ['--import', 'tsx', 'scripts/pretrain.ts', '--scale', 'smoke', '--family', 'qwen-like', '--seed', '1', '--steps', String(STEPS), '--out', join(cache, 'out')];
  if (data) args.push('--data', data);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, VGGM_CACHE: cache, VGGM_PROGRESS: 'off' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let timer: NodeJS.Timeout | undefined;
    if (interrupt) {
      timer = setInterval(() => {
        const m = metricsPath(cache);
        if (m && stepLines(m) >= interrupt.afterLines) {
          clearInterval(timer);
          setTimeout(() => child.kill(interrupt.signal), interrupt.delayMs);
        }
      }, 5);
    }
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function modelDir(cache: string): string | undefined {
  const models = join(cache, 'models');
  if (!existsSync(models)) return undefined;
  const d = readdirSync(models).find((n) => n.startsWith('pretrain-'));
  return d && join(models, d);
}

function metricsPath(cache: string): string | undefined {
  const d = modelDir(cache);
  return d && existsSync(join(d, 'metrics.jsonl')) ? join(d, 'metrics.jsonl') : undefined;
}

function stepLines(path: string): number {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"step"')).length;
}

function losses(cache: string): number[] {
  return readFileSync(metricsPath(cache)!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.kind === 'step')
    .map((r) => r.loss);
}

/** Tag the first metrics line: a resume keeps the lines before its checkpoint, a restart wipes them. */
function markFirstLine(cache: string): void {
  const p = metricsPath(cache)!;
  const lines = readFileSync(p, 'utf8').split('\n');
  lines[0] = JSON.stringify({ ...JSON.parse(lines[0]), resumeMarker: true });
  writeFileSync(p, lines.join('\n'));
}

function marked(cache: string): boolean {
  return readFileSync(metricsPath(cache)!, 'utf8').split('\n')[0].includes('resumeMarker');
}

let reference: number[];
let referenceWeights: Buffer;
let dataDir: string;

beforeAll(async () => {
  const cache = join(root, 'ref');
  const r = await pretrain(cache, null);
  expect(r.code, r.stderr).toBe(0);
  reference = losses(cache);
  referenceWeights = readFileSync(join(modelDir(cache)!, 'model.safetensors'));
  const data = join(cache, 'data');
  dataDir = join(data, readdirSync(data)[0]);
}, 120_000);

describe('training interrupted for real', () => {
  it('uninterrupted reference run logged every step', () => {
    expect(reference.length).toBe(STEPS);
    expect(reference.every(Number.isFinite)).toBe(true);
  });

  it('SIGKILL at a random moment, then rerun: same losses and weights as the uninterrupted run', async () => {
    const rng = new Rng(Date.now() % 1_000_000); // a different moment every run; the claim must hold for all
    const cache = join(root, 'kill');
    const afterLines = rng.int(6, STEPS - 8);
    const killed = await pretrain(cache, dataDir, { afterLines, delayMs: rng.int(0, 40), signal: 'SIGKILL' });
    expect(killed.signal, `kill after ${afterLines} steps: ${killed.stderr}`).toBe('SIGKILL');
    const dir = modelDir(cache)!;
    expect(existsSync(join(dir, 'done.json'))).toBe(false); // it really died mid-run
    expect(latestCheckpoint(dir)).not.toBeNull(); // at least one complete checkpoint survived
    // its lock stays behind, naming the dead process; a temp file as a write killed midway leaves it
    const locks = join(cache, 'locks');
    const lock = JSON.parse(readFileSync(join(locks, readdirSync(locks)[0]), 'utf8'));
    const temp = join(dir, `.model.safetensors.${lock.pid}.0.tmp`);
    writeFileSync(temp, 'partial');
    markFirstLine(cache);
    const resumed = await pretrain(cache, dataDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(marked(cache)).toBe(true); // it resumed from the checkpoint rather than starting over
    expect(losses(cache)).toEqual(reference);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(referenceWeights)).toBe(true);
    expect(existsSync(temp)).toBe(false);
    expect(readdirSync(locks)).toEqual([]);
    const done = JSON.parse(readFileSync(join(dir, 'done.json'), 'utf8'));
    expect(done.processes).toBe(2); // the killed process's time counts too
    expect(done.seconds).toBeGreaterThan(0);
  }, 120_000);

  it('SIGINT stops at a step boundary with a checkpoint, exits 130 with one line; rerun matches', async () => {
    const cache = join(root, 'int');
    const r = await pretrain(cache, dataDir, { afterLines: 10, delayMs: 0, signal: 'SIGINT' });
    expect(r.code, r.stderr).toBe(130);
    const m = /pretrain: error: interrupted after step (\d+): checkpoint written to (\S+);/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThanOrEqual(10);
    expect(step).toBeLessThan(STEPS);
    const dir = modelDir(cache)!;
    expect(latestCheckpoint(dir)!.step).toBe(step); // a checkpoint of exactly the steps done ...
    expect(m![2]).toBe(latestCheckpoint(dir)!.dir);
    expect(stepLines(metricsPath(cache)!)).toBe(step); // ... and the metrics of exactly those steps
    expect(losses(cache)).toEqual(reference.slice(0, step));
    markFirstLine(cache);
    const resumed = await pretrain(cache, dataDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(marked(cache)).toBe(true);
    expect(losses(cache)).toEqual(reference);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(referenceWeights)).toBe(true);
  }, 120_000);
});
