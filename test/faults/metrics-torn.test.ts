// A process killed mid-append leaves a torn last metrics line: the resume must still read the
// log (dropping that line), while a corrupt line elsewhere is an error naming the line.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsLog } from '../../lib/train/metrics.ts';

describe('metrics log after a kill', () => {
  it('drops a torn last line and resumes appending cleanly', () => {
    const log = new MetricsLog(join(mkdtempSync(join(tmpdir(), 'vggm-m-')), 'metrics.jsonl'));
    log.reset();
    for (let s = 0; s < 3; s++) log.append({ step: s, kind: 'step', loss: 1 / (s + 1) });
    appendFileSync(log.path, '{"step":3,"kind":"st'); // killed mid-write
    expect(log.read().map((r) => r.step)).toEqual([0, 1, 2]);
    expect(log.truncateTo(2).map((r) => r.step)).toEqual([0, 1]);
    log.append({ step: 2, kind: 'step', loss: 0.3 });
    expect(log.read().map((r) => r.step)).toEqual([0, 1, 2]);
  });

  it('a corrupt line before the last is an error naming the line', () => {
    const p = join(mkdtempSync(join(tmpdir(), 'vggm-m-')), 'metrics.jsonl');
    writeFileSync(p, '{"step":0,"kind":"step"}\nnot json\n{"step":1,"kind":"step"}\n');
    expect(() => new MetricsLog(p).read()).toThrow(/metrics.jsonl: line 2 is not JSON/);
  });
});
