// Host-side model io: presets, HF config.json round trips, safetensors encode/decode (including
// F16/BF16 files written by PyTorch), the parameter layout's groups and alignment.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { families, fromHfConfig, presetConfig, readHfConfig, sizes, toHfConfig, validateConfig, type ModelConfig } from '../../lib/model/config.ts';
import { ropeInvFreq } from '../../lib/ops/rope.ts';
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

describe('config.json fields that change the computation', () => {
  const llama = {
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 64,
    max_position_embeddings: 64,
    rms_norm_eps: 1e-5,
    rope_theta: 500000,
    hidden_act: 'silu',
  };
  const qwen = { ...llama, model_type: 'qwen2' };
  const llama31 = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
  const refusal = (cfg: object): string => {
    try {
      fromHfConfig(cfg as Record<string, unknown>);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('reads rope_theta from rope_parameters (transformers >= 5) and the llama3 / linear scalings from either place', () => {
    const a = fromHfConfig({ ...llama, rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 1e6 } });
    expect(a.ropeTheta).toBe(1e6);
    expect(a.ropeScaling).toBeUndefined();
    const want: ModelConfig['ropeScaling'] = { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContext: 8192 };
    expect(fromHfConfig({ ...llama, rope_scaling: llama31 }).ropeScaling).toEqual(want);
    expect(fromHfConfig({ ...llama, rope_theta: undefined, rope_parameters: { rope_theta: 5e5, ...llama31 } })).toMatchObject({ ropeTheta: 5e5, ropeScaling: want });
    expect(fromHfConfig({ ...qwen, rope_scaling: { type: 'linear', factor: 4 } }).ropeScaling).toEqual({ type: 'linear', factor: 4 });
    expect(fromHfConfig({ ...qwen, rope_scaling: { type: 'dynamic', factor: 2 } }).ropeScaling).toBeUndefined();
    // round trip through our writer
    const c = fromHfConfig({ ...llama, rope_scaling: llama31, attention_bias: true, head_dim: 16 });
    expect(fromHfConfig(toHfConfig(c))).toEqual({ ...c });
  });

  it('llama3 scaling keeps high frequencies, divides low ones by factor and interpolates between (Llama-3.1 numbers)', () => {
    const s = { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContext: 8192 } as const;
    const plain = ropeInvFreq(128, 5e5);
    const scaled = ropeInvFreq(128, 5e5, s);
    let kept = 0,
      divided = 0,
      between = 0;
    for (let i = 0; i < 64; i++) {
      const wavelen = (2 * Math.PI) / plain[i];
      if (wavelen < 2048) (expect(scaled[i]).toBe(plain[i]), kept++);
      else if (wavelen > 8192) (expect(scaled[i]).toBeCloseTo(plain[i] / 8, 12), divided++);
      else (expect(scaled[i] < plain[i] && scaled[i] > plain[i] / 8).toBe(true), between++);
    }
    expect([kept > 0, divided > 0, between > 0]).toEqual([true, true, true]);
    expect(ropeInvFreq(16, 1e4, { type: 'linear', factor: 4 })[3]).toBeCloseTo(ropeInvFreq(16, 1e4)[3] / 4, 12);
  });

  it('honours head_dim, Llama attention_bias (q/k/v and o_proj), tie_word_embeddings, rms_norm_eps', () => {
    const c = fromHfConfig({ ...llama, head_dim: 16, attention_bias: true, tie_word_embeddings: true, rms_norm_eps: 0.05 });
    expect(c).toMatchObject({ headDim: 16, qkvBias: true, attnOutBias: true, tieEmbeddings: true, rmsEps: 0.05 });
    const names = paramLayout(c).entries.map((e) => e.name);
    expect(names).toContain('model.layers.0.self_attn.o_proj.bias');
    expect(paramLayout(c).entries.find((e) => e.name === 'model.layers.0.self_attn.q_proj.weight')!.shape).toEqual([64, 32]);
    expect(fromHfConfig({ ...llama, head_dim: 8 }).headDim).toBeUndefined();
    // Qwen2 has q/k/v biases and never an o_proj bias
    expect(fromHfConfig({ ...qwen, attention_bias: true })).toMatchObject({ qkvBias: true });
    expect(fromHfConfig({ ...qwen }).attnOutBias).toBeUndefined();
  });

  it('accepts a sliding window that never applies within the context, and torch_dtype bf16/f16/f32', () => {
    expect(refusal({ ...qwen, use_sliding_window: false, sliding_window: 4 })).toBe('accepted');
    expect(refusal({ ...qwen, use_sliding_window: true, sliding_window: 64, max_window_layers: 0 })).toBe('accepted');
    expect(refusal({ ...qwen, use_sliding_window: true, sliding_window: 8, max_window_layers: 2 })).toBe('accepted');
    expect(refusal({ ...llama, layer_types: ['full_attention', 'full_attention'], sliding_window: 8 })).toBe('accepted');
    for (const d of ['float32', 'bfloat16', 'float16']) expect(refusal({ ...qwen, torch_dtype: d })).toBe('accepted');
    expect(readHfConfig({ ...qwen, torch_dtype: 'bfloat16' }).dtype).toBe('bfloat16');
  });

  it('published config.json files load with their real parameter counts (Qwen2.5-0.5B, Llama-3.1-8B)', () => {
    // config.json as published on the Hugging Face Hub (Qwen/Qwen2.5-0.5B, meta-llama/Llama-3.1-8B)
    const qwen05 = {
      architectures: ['Qwen2ForCausalLM'],
      attention_dropout: 0.0,
      bos_token_id: 151643,
      eos_token_id: 151643,
      hidden_act: 'silu',
      hidden_size: 896,
      initializer_range: 0.02,
      intermediate_size: 4864,
      max_position_embeddings: 32768,
      max_window_layers: 24,
      model_type: 'qwen2',
      num_attention_heads: 14,
      num_hidden_layers: 24,
      num_key_value_heads: 2,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000.0,
      sliding_window: 32768,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      transformers_version: '4.40.1',
      use_cache: true,
      use_sliding_window: false,
      vocab_size: 151936,
    };
    const llama8 = {
      architectures: ['LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: 128000,
      eos_token_id: 128001,
      hidden_act: 'silu',
      hidden_size: 4096,
      initializer_range: 0.02,
      intermediate_size: 14336,
      max_position_embeddings: 131072,
      mlp_bias: false,
      model_type: 'llama',
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      rope_theta: 500000.0,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      transformers_version: '4.43.0.dev0',
      use_cache: true,
      vocab_size: 128256,
    };
    const q = fromHfConfig(qwen05);
    expect(paramLayout(q).count / 1e6).toBeCloseTo(494.03, 1); // model card: 0.49B
    expect(q).toMatchObject({ qkvBias: true, tieEmbeddings: true, ropeTheta: 1e6, context: 32768 });
    const l = fromHfConfig(llama8);
    expect(paramLayout(l).count / 1e9).toBeCloseTo(8.03, 2);
    expect(l.ropeScaling).toEqual({ type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContext: 8192 });
    expect(l.bosTokenId).toBe(128000);
  });

  it('refuses every field it does not implement with one line naming the field and the value', () => {
    const cases: [object, RegExp][] = [
      [{ ...llama, hidden_act: 'gelu' }, /^config\.json: hidden_act="gelu" is not supported/],
      [{ ...llama, rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32 } }, /^config\.json: rope_scaling\.rope_type="yarn" is not supported/],
      [{ ...llama, rope_parameters: { rope_type: 'longrope', rope_theta: 1e4 } }, /^config\.json: rope_parameters\.rope_type="longrope"/],
      [{ ...llama, rope_scaling: { ...llama31, low_freq_factor: undefined } }, /rope_scaling\.low_freq_factor=undefined/],
      [{ ...llama, rope_scaling: { type: 'dynamic', factor: 2, original_max_position_embeddings: 32 } }, /rope_scaling\.original_max_position_embeddings=32/],
      [{ ...llama, mlp_bias: true }, /^config\.json: mlp_bias=true is not supported/],
      [{ ...qwen, use_sliding_window: true, sliding_window: 16, max_window_layers: 1 }, /^config\.json: sliding_window=16 is not supported \(1 layer\(s\) slide/],
      [{ ...llama, layer_types: ['sliding_attention', 'full_attention'], sliding_window: 16 }, /^config\.json: sliding_window=16/],
      [{ ...llama, layer_types: ['chunked_attention', 'full_attention'] }, /^config\.json: layer_types="chunked_attention"/],
      [{ ...llama, partial_rotary_factor: 0.5 }, /^config\.json: partial_rotary_factor=0\.5/],
      [{ ...llama, torch_dtype: 'float8_e4m3fn' }, /^config\.json: torch_dtype="float8_e4m3fn"/],
      [{ ...llama, quantization_config: { quant_method: 'gptq' } }, /^config\.json: quantization_config\.quant_method="gptq"/],
      [{ ...llama, attention_dropout: 0.1 }, /^config\.json: attention_dropout=0\.1/],
      [{ ...llama, rope_parameters: { full_attention: { rope_theta: 1e4 }, sliding_attention: { rope_theta: 1e4 } } }, /per-layer-type/],
    ];
    for (const [cfg, re] of cases) {
      const msg = refusal(cfg);
      expect(msg).toMatch(re);
      expect(msg).not.toContain('\n');
    }
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
