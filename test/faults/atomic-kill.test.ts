// A process SIGKILLed while it rewrites a checkpoint folder and a results JSON leaves files that
// load whole: every tensor of model.safetensors from one generation, the JSON parseable and
// self-consistent. Catches a regression to non-atomic writes (writeFileSync in place), which
// leaves a truncated file when the kill lands mid-write.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../lib/model/checkpoint.ts';
import { Rng } from '../../lib/util/rng.ts';

const root = mkdtempSync(join(tmpdir(), 'vggm-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Start the writer, wait until its first generation is complete, SIGKILL it `delayMs` later. */
function runAndKill(dir: string, results: string, delayMs: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/faults/fixtures/writer.ts', dir, results], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

describe('atomic writes under SIGKILL', () => {
  const rng = new Rng(6);
  for (let trial = 0; trial < 3; trial++) {
    const delay = rng.int(20, 420);
    it(`a kill ${delay} ms into rewriting leaves loadable files (trial ${trial})`, async () => {
      const dir = join(root, `ck${trial}`);
      const results = join(root, `results${trial}.json`);
      expect(await runAndKill(dir, results, delay)).toBe('SIGKILL');
      const ck = readCheckpoint(dir); // throws on a torn safetensors or config
      const gens = new Set<number>();
      for (const t of ck.tensors.values()) for (const x of t.data) gens.add(x);
      expect(gens.size).toBe(1); // one generation's file, not a mix
      const gen = [...gens][0];
      expect(gen).toBeGreaterThanOrEqual(1);
      const state = ck.trainerState as { gen: number };
      expect(Math.abs(state.gen - gen)).toBeLessThanOrEqual(1); // files are renamed one at a time
      const r = JSON.parse(readFileSync(results, 'utf8')) as { gen: number; values: number[] };
      expect(r.values.length).toBe(200_000);
      expect(new Set(r.values)).toEqual(new Set([r.gen]));
      expect(existsSync(join(dir, 'model.safetensors'))).toBe(true);
    }, 60_000);
  }
});
