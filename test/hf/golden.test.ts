// Golden logits for Hugging Face folders, one per config family (test/golden/hf/<name>: config.json
// + model.safetensors in true HF layout, expected.safetensors from the independent float64 PyTorch
// forward pass of test/golden/make_hf_golden.py). Each loads through the project's loader and
// scores within 1e-4 relative (max |ours - ref| / max |ref|) of the reference; each family's
// feature is also shown to matter: dropping it moves the logits at least 10x past that tolerance
// (llama3 scaling on 24 positions of an 8-wide head: 3e-3), so the
// check can fail. The measured errors are printed (VGGM_GOLDEN_REPORT=1).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, readCheckpoint } from '../../lib/model/checkpoint.ts';
import type { ModelConfig } from '../../lib/model/config.ts';
import { generate } from '../../lib/model/generate.ts';
import { Model } from '../../lib/model/model.ts';
import { Parameters, type HostTensor } from '../../lib/model/params.ts';
import { decodeSafetensors } from '../../lib/model/safetensors.ts';
import { useGpu } from '../helpers/gpu.ts';

const ROOT = 'test/golden/hf';
const TOL = 1e-4;
const { ctx } = useGpu();

function expected(name: string): { ids: number[]; logits: Float32Array } {
  const t = decodeSafetensors(readFileSync(join(ROOT, name, 'expected.safetensors'))).tensors;
  return { ids: [...t.get('ids')!.data], logits: t.get('logits')!.data };
}

function relErr(a: Float32Array, ref: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

async function logitsOf(params: Parameters, ids: number[]): Promise<Float32Array> {
  const model = new Model(ctx(), params);
  const out = (await model.score({ batch: 1, seqLen: ids.length, ids })).logits;
  model.dropActivations();
  return out;
}

/** The logits with the folder's config or tensors altered: the family's feature taken away. */
async function without(name: string, edit: (c: ModelConfig, t: Map<string, HostTensor>) => ModelConfig): Promise<number> {
  const ck = readCheckpoint(join(ROOT, name));
  const cfg = edit({ ...ck.config }, ck.tensors);
  const { ids, logits } = expected(name);
  return relErr(await logitsOf(Parameters.fromTensors(ctx(), cfg, ck.tensors), ids), logits);
}

const fixtures = readdirSync(ROOT).sort();

describe('Hugging Face folders against an independent PyTorch forward pass', () => {
  it('has every config family', () => {
    expect(fixtures).toEqual(['llama-attention-bias', 'llama-head-dim', 'llama31-rope', 'qwen2-dynamic-rope', 'qwen2-linear-rope', 'qwen25-bf16-window', 'rope-parameters']);
  });

  it.each(fixtures)('%s: logits within 1e-4 relative', async (name) => {
    const { ids, logits } = expected(name);
    const ck = loadCheckpoint(ctx(), join(ROOT, name));
    const err = relErr(await logitsOf(ck.params, ids), logits);
    if (process.env.VGGM_GOLDEN_REPORT) console.log(`golden ${name}: max relative logit error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOL);
  });

  it('each feature matters: without it the logits are far off', async () => {
    const off = {
      llama3: await without('llama31-rope', (c) => ({ ...c, ropeScaling: undefined })),
      ropeParameters: await without('rope-parameters', (c) => ({ ...c, ropeTheta: 10000, ropeScaling: undefined })),
      linear: await without('qwen2-linear-rope', (c) => ({ ...c, ropeScaling: undefined })),
      oBias: await without('llama-attention-bias', (c, t) => {
        for (const [k, v] of t) if (k.endsWith('o_proj.bias')) v.data.fill(0);
        return c;
      }),
      eps: await without('llama-attention-bias', (c) => ({ ...c, rmsEps: 1e-6 })),
    };
    if (process.env.VGGM_GOLDEN_REPORT) console.log('golden, feature removed:', JSON.stringify(off));
    for (const [k, v] of Object.entries(off)) expect(v, k).toBeGreaterThan(10 * TOL);
  });

  it.each(['llama31-rope', 'llama-head-dim', 'llama-attention-bias', 'qwen2-linear-rope'])(
    '%s: KV-cache greedy generation picks the argmax of the reference logits',
    async (name) => {
      const { ids, logits } = expected(name);
      const ck = loadCheckpoint(ctx(), join(ROOT, name));
      const model = new Model(ctx(), ck.params);
      // teacher-forced: each prefix's next token, generated one at a time through the cache
      const V = ck.config.vocab;
      for (const n of [4, 11, 23]) {
        const [g] = await generate(model, [ids.slice(0, n)], { maxNewTokens: 1, greedy: true });
        const row = logits.subarray((n - 1) * V, n * V);
        expect(g.tokens[0]).toBe(row.indexOf(Math.max(...row)));
      }
      // and a free continuation equals re-scoring its own output
      const [g] = await generate(model, [ids.slice(0, 6)], { maxNewTokens: 8, greedy: true });
      const seq = [...ids.slice(0, 6), ...g.tokens];
      const full = await logitsOf(ck.params, seq.slice(0, -1));
      for (let j = 0; j < g.tokens.length; j++) {
        const row = full.subarray((5 + j) * V, (6 + j) * V);
        expect(g.tokens[j]).toBe(row.indexOf(Math.max(...row)));
      }
      model.dropActivations();
    },
  );
});
