// A results folder as the reproduction leaves it: every fake results file, bench.json, the
// plain-words README.md and eval/entropy run summaries that are not results files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResults } from '../../lib/report/results.ts';
import { ALL_FAKES } from './fake.ts';

export const BENCH = {
  rows: [
    { name: 'matmul_1024', ours: 120.5, peer: 301.2, ratio: 120.5 / 301.2, unit: 'GFLOP/s', better: 'higher' },
    { name: 'train_tokens_per_s', ours: 5100, peer: 4020, ratio: 5100 / 4020, unit: 'tokens/s', better: 'higher' },
    { name: 'peak_memory_mb', ours: 310, peer: 205, ratio: 310 / 205, unit: 'MB', better: 'lower' },
  ],
  meta: {},
};

export const README = '# What reproduced\n\n- **VGGM above SFT on GSM8K**: reproduced.\n- Loss spikes without masking: not reproduced.\n';

export function makeResultsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  for (const f of ALL_FAKES) writeResults(dir, f());
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(BENCH));
  writeFileSync(join(dir, 'README.md'), README);
  writeFileSync(join(dir, 'eval-sft-vggm-smoke.json'), JSON.stringify({ scale: 'smoke', model: 'sft-vggm', runs: [] }));
  return dir;
}
