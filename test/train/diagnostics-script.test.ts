// scripts/diagnostics.ts reads the model cache: a finished SFT run's last "diag" record and its
// gradient-variance records become one row; an empty cache is one line and exit 2.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const run = (cache: string) => spawnSync('npx', ['tsx', 'scripts/diagnostics.ts'], { cwd: root, env: { ...process.env, VGGM_CACHE: cache }, encoding: 'utf8', timeout: 60_000 });

it('prints the last diagnostics and the mean gradient noise of each finished SFT run', () => {
  const cache = mkdtempSync(join(tmpdir(), 'diag-'));
  const dir = join(cache, 'models', 'sft-test');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'done.json'), JSON.stringify({ method: 'vggm', family: 'qwen-like', seed: 2, steps: 20 }));
  const recs = [
    { step: 5, kind: 'diag', prefix: { n: 3, nll: 9, entropy: 9 }, learned: { n: 3, nll: 9, entropy: 9 } },
    { step: 9, kind: 'gradvar', noiseToSignal: 1 },
    { step: 10, kind: 'diag', prefix: { n: 4, nll: 1.25, entropy: 1.5 }, learned: { n: 4, nll: 0.75, entropy: 1 } },
    { step: 19, kind: 'gradvar', noiseToSignal: 2 },
  ];
  writeFileSync(join(dir, 'metrics.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const r = run(cache);
  expect(r.status).toBe(0);
  const row = r.stdout.trim().split('\n')[1].split('\t');
  expect(row).toEqual(['sft-test', 'vggm', 'qwen-like', '2', '20', '10', '1.250', '0.750', '1.500', '1.000', '1.500']);
});

it('an empty cache is one line and exit 2', () => {
  const r = run(mkdtempSync(join(tmpdir(), 'diag-none-')));
  expect(r.status).toBe(2);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('diagnostics:'))).toHaveLength(1);
});
