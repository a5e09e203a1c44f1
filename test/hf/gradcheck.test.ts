// The backward pass on what Hugging Face configs add (o_proj bias, head_dim wider than
// d_model/heads, llama3 and linear rope scaling): on golden fixtures, every tensor's gradient g
// matches the central difference of the loss along g/|g| (the directional derivative |g|).
import { describe, expect, it } from 'vitest';
import { read, write } from '../../lib/gpu/index.ts';
import { loadCheckpoint } from '../../lib/model/checkpoint.ts';
import { Model } from '../../lib/model/model.ts';
import { Rng } from '../../lib/util/rng.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();

describe.each(['llama-attention-bias', 'llama-head-dim', 'llama31-rope', 'qwen2-linear-rope'])('finite differences on %s', (name) => {
  it('every tensor gradient matches the central difference along it within 3% (+2e-4)', async () => {
    const c = ctx();
    const ck = loadCheckpoint(c, `test/golden/hf/${name}`);
    const model = new Model(c, ck.params);
    const V = ck.config.vocab;
    const [B, T] = [2, 20];
    const rng = new Rng(7);
    const n = B * T;
    const acts = model.activations(B, T);
    model.setBatch(acts, {
      ids: Uint32Array.from({ length: n }, () => rng.int(0, V - 1)),
      targets: Uint32Array.from({ length: n }, () => rng.int(0, V - 1)),
      weights: new Float32Array(n).fill(1 / n),
    });
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, true);
    model.backward(acts);
    c.rec.submit();
    const grads = await model.params.toHost('grads');
    const params = await model.params.toHost('params');
    const lossAt = async () => {
      model.forward(acts);
      c.rec.submit();
      return (await read(c.gpu, acts.loss)).reduce((a, b) => a + b, 0);
    };
    const eps = 1e-2;
    let checked = 0;
    for (const [tensor, g] of grads) {
      const norm = Math.hypot(...g.data);
      const p = params.get(tensor)!.data;
      const view = model.params.get(tensor);
      write(
        c.gpu,
        view,
        p.map((x, i) => x + (eps * g.data[i]) / norm),
      );
      const up = await lossAt();
      write(
        c.gpu,
        view,
        p.map((x, i) => x - (eps * g.data[i]) / norm),
      );
      const down = await lossAt();
      write(c.gpu, view, p);
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(fd - norm), `${tensor}: |g| ${norm}, finite difference ${fd}`).toBeLessThanOrEqual(0.03 * norm + 2e-4);
      checked++;
    }
    expect(checked).toBe(model.params.layout.entries.length);
    if (name === 'llama-attention-bias') expect(grads.has('model.layers.1.self_attn.o_proj.bias')).toBe(true);
    model.dropActivations();
  });
});
