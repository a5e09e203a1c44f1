// Host-side model io: presets, HF config.json round trips, safetensors encode/decode (including
// F16/BF16 files written by PyTorch), the parameter layout's groups and alignment.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { families, fromHfConfig, presetConfig, sizes, toHfConfig, validateConfig } from '../../lib/model/config.ts';
import { initialValues, paramLayout } from '../../lib/model/params.ts';
import { decodeSafetensors, encodeSafetensors } from '../../lib/model/safetensors.ts';

describe('config', () => {
  it.each(families.flatMap((f) => sizes.map((s) => [f, s] as const)))('%s/%s survives config.json', (family, size) => {
    const c = presetConfig(family, size, 97);
    const back = fromHfConfig(JSON.stringify(toHfConfig(c, { eosTokenId: 3 })));
    expect(back).toEqual({ ...c, eosTokenId: 3, bosTokenId: undefined });
  });

  it('writes Qwen2 for biased and Llama for unbiased attention', () => {
    expect(toHfConfig(presetConfig('qwen-like', 'tiny', 10)).architectures).toEqual(['Qwen2ForCausalLM']);
    expect(toHfConfig(presetConfig('llama-like', 'tiny', 10)).architectures).toEqual(['LlamaForCausalLM']);
  });

  it('the cpu presets are about a million parameters', () => {
    for (const f of families) {
      const n = paramLayout(presetConfig(f, 'cpu', 100)).count;
      expect(n).toBeGreaterThan(0.6e6);
      expect(n).toBeLessThan(1.2e6);
    }
  });

  it('the paper presets have the published 7B/8B parameter counts', () => {
    // Qwen2.5-7B: 7.62B, Llama-3.1-8B: 8.03B (Hugging Face model cards)
    expect(paramLayout(presetConfig('qwen-like', 'paper', 152064)).count / 1e9).toBeCloseTo(7.62, 2);
    expect(paramLayout(presetConfig('llama-like', 'paper', 128256)).count / 1e9).toBeCloseTo(8.03, 2);
  });

  it('rejects inconsistent shapes with one line', () => {
    const c = presetConfig('qwen-like', 'tiny', 10);
    expect(() => validateConfig({ ...c, kvHeads: 2 })).toThrow(/heads 3 is not a multiple of kvHeads 2/);
    expect(() => validateConfig({ ...c, dModel: 30 })).toThrow(/head dim 10 must be a multiple of 4/);
    expect(() => fromHfConfig({ model_type: 'gpt2' })).toThrow(/model_type "gpt2" is not supported/);
    expect(() => fromHfConfig({ model_type: 'llama' })).toThrow(/field num_attention_heads is missing/);
  });
});

describe('parameter layout', () => {
  it('puts decayed tensors then non-decayed ones in two aligned contiguous ranges', () => {
    const c = presetConfig('qwen-like', 'tiny', 29);
    const L = paramLayout(c);
    expect(L.decay[0]).toBe(0);
    expect(L.decay[1]).toBe(L.noDecay[0]);
    expect(L.noDecay[1]).toBe(L.total);
    for (const e of L.entries) {
      expect(e.offset % 64).toBe(0);
      const [lo, hi] = e.decay ? L.decay : L.noDecay;
      expect(e.offset).toBeGreaterThanOrEqual(lo);
      expect(e.offset + e.size).toBeLessThanOrEqual(hi);
      expect(e.decay).toBe(e.shape.length === 2);
    }
    const names = L.entries.map((e) => e.name);
    expect(names).toContain('model.layers.1.self_attn.k_proj.bias');
    expect(names).not.toContain('lm_head.weight');
    expect(paramLayout(presetConfig('llama-like', 'tiny', 29)).entries.map((e) => e.name)).toContain('lm_head.weight');
  });

  it('initialises deterministically with norms at 1, biases at 0 and scaled residual projections', () => {
    const tiny = paramLayout(presetConfig('qwen-like', 'tiny', 29));
    expect(initialValues(tiny, 7)).toEqual(initialValues(tiny, 7));
    expect(initialValues(tiny, 8)).not.toEqual(initialValues(tiny, 7));
    const L = paramLayout(presetConfig('qwen-like', 'cpu', 64));
    const a = initialValues(L, 7);
    const get = (n: string) => {
      const e = L.entries.find((x) => x.name === n)!;
      return a.subarray(e.offset, e.offset + e.size);
    };
    const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(get('model.norm.weight').every((v) => v === 1)).toBe(true);
    expect(get('model.layers.0.self_attn.q_proj.bias').every((v) => v === 0)).toBe(true);
    expect(std(get('model.layers.0.mlp.up_proj.weight'))).toBeCloseTo(0.02, 3);
    expect(std(get('model.layers.0.mlp.down_proj.weight'))).toBeCloseTo(0.02 / Math.sqrt(8), 3);
  });
});

describe('safetensors', () => {
  it('round-trips f32 tensors and metadata', () => {
    const t = new Map([
      ['a', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-30, 7]) }],
      ['b', { shape: [1], data: Float32Array.from([Math.PI]) }],
    ]);
    const bytes = encodeSafetensors(t, { format: 'pt' });
    const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + hlen) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect([...back.tensors.keys()]).toEqual(['a', 'b']);
    expect(back.tensors.get('a')).toEqual(t.get('a'));
    expect(back.tensors.get('b')).toEqual(t.get('b'));
  });

  it('reads F16, BF16 and I64 written by PyTorch', () => {
    const f = decodeSafetensors(readFileSync(new URL('../golden/dtypes.safetensors', import.meta.url)));
    expect([...f.tensors.get('f16')!.data]).toEqual(JSON.parse(f.metadata.values_f16).map(Math.fround));
    expect([...f.tensors.get('bf16')!.data]).toEqual(JSON.parse(f.metadata.values_bf16).map(Math.fround));
    expect([...f.tensors.get('i64')!.data]).toEqual([0, 7, -3, 2 ** 40]);
    expect(f.tensors.get('f16')!.shape).toEqual([2, 4]);
  });

  it('rejects a truncated file with one line', () => {
    const bytes = encodeSafetensors(new Map([['a', { shape: [4], data: new Float32Array(4) }]]));
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'x.safetensors')).toThrow(/x.safetensors: tensor a has inconsistent data offsets/);
  });
});
