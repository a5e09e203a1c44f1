// Ctrl-C semantics (lib/util/interrupt.ts): with no training loop listening a SIGINT quits at once;
// with one, the loop stops at its next step boundary, writes a checkpoint of exactly the steps done
// and throws InterruptedError; a second SIGINT quits at once. GRPO in process here (the supervised
// loop is interrupted for real through scripts/pretrain.ts in kill-resume.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';
import { latestCheckpoint } from '../../lib/train/checkpoints.ts';
import { trainGrpo, type GrpoRun } from '../../lib/train/grpo.ts';
import { SCALE_TABLE } from '../../lib/train/scales.ts';
import { holdInterrupts, InterruptedError, requestInterrupt, resetInterrupt } from '../../lib/util/interrupt.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-int-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => resetInterrupt());

describe('interrupt requests', () => {
  it('quit now without a listening loop; stop at a boundary with one; quit on the second', () => {
    expect(requestInterrupt()).toBe(false);
    const release = holdInterrupts();
    expect(requestInterrupt()).toBe(true);
    expect(requestInterrupt()).toBe(false);
    release();
    release(); // idempotent
    resetInterrupt();
    expect(requestInterrupt()).toBe(false);
  });
});

describe('GRPO stopped by Ctrl-C', () => {
  const texts = ['Problem: 1 + 2 = ?\nThink step by step.\n', '1 + 2 = 3. The answer is \\boxed{3}.', '2 + 2 = 4 \\boxed{4}', '5 6 7 8 9 0'];
  const tok = loadTokenizer(buildWorldTokenizer(texts));
  const prompts = [{ problem: '1 + 2 = ?', answer: '3' }, { problem: '2 + 2 = ?', answer: '4' }, { problem: '1 + 1 = ?', answer: '2' }];
  const config = { ...presetConfig('qwen-like', 'tiny', tok.vocabSize), context: 40 };
  const cfg = { ...SCALE_TABLE.smoke.grpo, steps: 4, prompts: 2, groupSize: 3, maxNewTokens: 12, lr: 1e-2 };
  const run = (dir: string, extra: Partial<GrpoRun> = {}): GrpoRun => ({
    runDir: join(tmp, dir), model: Model.init(ctx(), config, 9), reference: Model.init(ctx(), config, 9), tokenizer: tok, tokenizerJson: JSON.stringify(tok.json),
    prompts, format: 'trace', cfg, seed: 5, checkpointEvery: 100, info: { test: dir }, ...extra,
  });
  const lines = (dir: string) => readFileSync(join(tmp, dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('stops after the current step with a checkpoint of it, then resumes to the uninterrupted records', async () => {
    await trainGrpo(run('full'));
    // Ctrl-C arrives during step 1: step 1 finishes, step 2 never starts
    const interrupted = trainGrpo(run('cut', { onStep: (r) => r.step === 1 && requestInterrupt() }));
    await expect(interrupted).rejects.toThrow(InterruptedError);
    await expect(interrupted).rejects.toThrow(/^interrupted after step 2: checkpoint written to \S+step-0000002; run the same command again to resume$/);
    expect(latestCheckpoint(join(tmp, 'cut'))?.step).toBe(2); // checkpointEvery 100: this one is the interrupt's
    expect(lines('cut').map((r) => r.step)).toEqual([0, 1]);
    resetInterrupt();
    await trainGrpo(run('cut', { resume: true }));
    expect(lines('cut')).toEqual(lines('full'));
    expect(requestInterrupt()).toBe(false); // the loops released their hold
  });
});
