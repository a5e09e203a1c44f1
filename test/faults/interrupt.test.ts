// Ctrl-C semantics (lib/util/interrupt.ts): with no training loop listening a SIGINT quits at once;
// with one, the loop stops at its next step boundary, writes a checkpoint of exactly the steps done
// and throws InterruptedError; a second SIGINT quits at once. GRPO in process here (the supervised
// loop is interrupted for real through scripts/pretrain.ts in kill-resume.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { latestCheckpoint } from '../../lib/train/checkpoints.ts';
import { trainGrpo } from '../../lib/train/grpo.ts';
import { holdInterrupts, InterruptedError, requestInterrupt, resetInterrupt } from '../../lib/util/interrupt.ts';
import { useGpu } from '../helpers/gpu.ts';
import { tinyGrpo } from '../helpers/tiny-grpo.ts';

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
  const { run, lines } = tinyGrpo(ctx, tmp, 100);

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
