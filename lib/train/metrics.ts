// Metrics as JSONL beside the checkpoints: one object per line, `step` in each. Appends are
// synchronous (a crash loses at most the line being written); a resumed run first drops the
// lines of steps after its checkpoint so the file reads as one uninterrupted run.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';

export interface MetricRecord {
  step: number;
  kind: string;
  [k: string]: unknown;
}

export class MetricsLog {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(rec: MetricRecord): void {
    appendFileSync(this.path, JSON.stringify(rec) + '\n');
  }

  read(): MetricRecord[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, 'utf8').split('\n').filter(Boolean);
    const out: MetricRecord[] = [];
    for (const [i, l] of lines.entries()) {
      try {
        out.push(JSON.parse(l) as MetricRecord);
      } catch {
        // A process killed mid-append leaves a torn last line: drop it (a resume redoes that step).
        if (i === lines.length - 1) break;
        throw new Error(`${this.path}: line ${i + 1} is not JSON`);
      }
    }
    return out;
  }

  /** Keep only records with step < `step` (a resume from a checkpoint taken after `step` steps). */
  truncateTo(step: number): MetricRecord[] {
    const kept = this.read().filter((r) => r.step < step);
    writeFileAtomic(this.path, kept.map((r) => JSON.stringify(r) + '\n').join(''));
    return kept;
  }

  /** Start a fresh file. */
  reset(): void {
    writeFileAtomic(this.path, '');
  }
}
