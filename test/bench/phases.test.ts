// Phase accounting of a reproduction run (lib/bench/phases.ts) from a hand-made cache: done.json
// seconds, per-step ms, GRPO rollout seconds and evaluation progress lines land in the right phases.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evalSeconds, parseDuration, phaseTimes } from '../../lib/bench/phases.ts';

const root = mkdtempSync(join(tmpdir(), 'phases-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function model(key: string, done: object, recs: object[]): void {
  const dir = join(root, 'models', key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'done.json'), JSON.stringify(done));
  writeFileSync(join(dir, 'metrics.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

describe('phaseTimes', () => {
  it('parses the progress durations', () => {
    expect(parseDuration('12s')).toBe(12);
    expect(parseDuration('1m05s')).toBe(65);
    expect(parseDuration('1h02m')).toBe(3720);
    expect(parseDuration('soon')).toBeNaN();
    expect(evalSeconds('eval sft seed 1: 3/10 (30%) 4s elapsed, ETA 9s\neval sft seed 1: 10/10 (100%) 1m01s elapsed, done\ngrpo x: 3/3 (100%) 9s elapsed, done')).toEqual([61]);
  });

  it('splits SFT and GRPO runs into their parts and adds the evaluations', () => {
    model('pretrain-a', { stage: 'pretrain', seconds: 100 }, [{ kind: 'step', ms: 90_000 }]);
    model('sft-a', { stage: 'sft', method: 'vggm', seconds: 30 }, [{ kind: 'step', ms: 10_000 }, { kind: 'diag' }, { kind: 'step', ms: 15_000 }]);
    model('grpo-a', { stage: 'grpo', seconds: 20, rolloutSeconds: 11 }, [{ kind: 'grpo' }, { kind: 'grpo' }]);
    model('grpo-old', { stage: 'grpo', seconds: 7 }, [{ kind: 'grpo' }]);
    mkdirSync(join(root, 'models', 'unfinished'), { recursive: true });
    const byPhase = Object.fromEntries(
      phaseTimes(root, ['eval base seed 1: 4/4 (100%) 3s elapsed, done', 'eval sft seed 1: 4/4 (100%) 5s elapsed, done']).map((p) => [p.phase, p]),
    );
    expect(byPhase['Base (pretraining)'].seconds).toBe(100);
    expect(byPhase['SFT vggm steps'].seconds).toBeCloseTo(25);
    expect(byPhase['SFT vggm diagnostics, snapshots, checkpoints'].seconds).toBeCloseTo(5);
    expect(byPhase['GRPO rollouts'].seconds).toBeCloseTo(11);
    expect(byPhase['GRPO updates, reference, checkpoints'].seconds).toBeCloseTo(9);
    expect(byPhase['GRPO (rollouts and updates; run predates rolloutSeconds)'].seconds).toBe(7);
    expect(byPhase.evaluation).toEqual({ phase: 'evaluation', runs: 2, seconds: 8 });
    expect(Object.keys(byPhase)).toHaveLength(7);
  });
});
