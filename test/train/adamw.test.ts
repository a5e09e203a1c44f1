// AdamW's state lives in the optimizer, not the model: saved and loaded into a second model of the
// same weights it continues with the same update, and a state of another shape is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { read, write } from '../../lib/gpu/index.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { AdamW } from '../../lib/train/adamw.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { Rng } from '../../lib/util/rng.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-adamw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const V = 19;
const config = { ...presetConfig('qwen-like', 'tiny', V), context: 16 };
const rng = new Rng(2);
const batch = {
  ids: Uint32Array.from({ length: 24 }, () => rng.int(0, V - 1)),
  targets: Uint32Array.from({ length: 24 }, () => rng.int(0, V - 1)),
  weights: new Float32Array(24).fill(1 / 24),
};

describe('AdamW', () => {
  it('continues from its saved state in another model exactly as the first one goes on', async () => {
    const a = Model.init(ctx(), config, 4);
    const ta = new TrainStep(a);
    const acts = a.activations(2, 12);
    for (let s = 0; s < 3; s++) await ta.run(acts, batch, 1e-2).stats();
    const dir = join(tmp, 'state');
    await ta.optimizer.save(dir);

    const b = Model.init(ctx(), config, 99); // other weights, then a's written in
    write(ctx().gpu, b.params.params, await readFlat(a));
    const optB = new AdamW(b);
    optB.load(dir);
    expect(optB.step).toBe(3);
    const tb = new TrainStep(b, optB);

    const sa = await ta.run(acts, batch, 1e-2).stats();
    const sb = await tb.run(b.activations(2, 12), batch, 1e-2).stats();
    expect(sb).toEqual(sa);
    expect(await readFlat(b)).toEqual(await readFlat(a));
    // without the moments the same step lands elsewhere: the state is what carried the update
    const c = Model.init(ctx(), config, 99);
    write(ctx().gpu, c.params.params, await readFlat(b));
    const fresh = new TrainStep(c);
    fresh.optimizer.step = 4; // the same bias corrections as b's next step
    await fresh.run(c.activations(2, 12), batch, 1e-2).stats();
    await tb.run(b.activations(2, 12), batch, 1e-2).stats();
    expect(await readFlat(c)).not.toEqual(await readFlat(b));
  });

  it('refuses the state of a model of another shape in one line', async () => {
    const small = Model.init(ctx(), config, 1);
    const dir = join(tmp, 'small');
    await new AdamW(small).save(dir);
    const wide = Model.init(ctx(), { ...config, dModel: config.dModel * 2 }, 1);
    expect(() => new AdamW(wide).load(dir)).toThrow(/optimizer\.safetensors does not match the model$/);
  });
});

function readFlat(m: Model): Promise<Float32Array> {
  return read(m.ctx.gpu, m.params.params);
}
