// Real Hugging Face checkpoint folders (made here in TypeScript: Qwen2/Llama config.json,
// bf16/f16/f32 safetensors, sharded with an index, a byte-level BPE tokenizer.json): they load
// with every tensor exact, score identically whatever the dtype or sharding, survive a
// save → load round trip, evaluate through scripts/eval.ts, and every broken variant fails with
// one line naming what is wrong.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerLoader } from '@lenml/tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceLimitError, GpuContext } from '../../lib/gpu/index.ts';
import { loadCheckpoint, readCheckpoint, saveCheckpoint } from '../../lib/model/checkpoint.ts';
import { Model } from '../../lib/model/model.ts';
import { Parameters } from '../../lib/model/params.ts';
import { loadTokenizer } from '../../lib/tokenizer/index.ts';
import { useGpu } from '../helpers/gpu.ts';
import { encodeTyped, HF_CORPUS, writeHfCheckpoint, type HfCheckpoint } from '../helpers/hf-checkpoint.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-hf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectExact(dir: string, ref: HfCheckpoint): void {
  const ck = readCheckpoint(dir);
  expect(ck.config).toEqual(ref.config);
  expect([...ck.tensors.keys()].sort()).toEqual([...ref.tensors.keys()].sort());
  for (const [name, t] of ref.tensors) {
    expect(ck.tensors.get(name)!.shape, name).toEqual(t.shape);
    expect(ck.tensors.get(name)!.data, name).toEqual(t.data);
  }
}

async function scoreText(dir: string): Promise<Float32Array> {
  const ck = loadCheckpoint(ctx(), dir);
  const tok = loadTokenizer(JSON.parse(ck.tokenizerJson!));
  const ids = tok.encode(HF_CORPUS[1]).ids.slice(0, 20);
  return (await new Model(ctx(), ck.params).score({ batch: 1, seqLen: ids.length, ids })).logits;
}

describe('Hugging Face checkpoint folders', () => {
  const qwenBf16 = writeHfCheckpoint(join(tmp, 'qwen-bf16'), { family: 'qwen2', dtype: 'BF16' });
  const qwenF32Sharded = writeHfCheckpoint(join(tmp, 'qwen-f32-sharded'), { family: 'qwen2', dtype: 'F32', shards: 3 });
  const llamaF16Sharded = writeHfCheckpoint(join(tmp, 'llama-f16-sharded'), { family: 'llama', dtype: 'F16', shards: 2, seed: 2 });

  it('read every tensor exactly from bf16, f16 and f32, single-file and sharded', () => {
    expectExact(qwenBf16.dir, qwenBf16);
    expectExact(qwenF32Sharded.dir, qwenF32Sharded);
    expectExact(llamaF16Sharded.dir, llamaF16Sharded);
    expect(qwenBf16.config.tieEmbeddings && qwenBf16.config.qkvBias).toBe(true);
    expect(llamaF16Sharded.config.tieEmbeddings || llamaF16Sharded.config.qkvBias).toBe(false);
    expect(readCheckpoint(qwenBf16.dir).special.eosTokenId).toBe(loadTokenizer(join(qwenBf16.dir, 'tokenizer.json')).eosId);
  });

  it('bf16 single-file and f32 sharded copies of one model give identical logits on BPE-encoded text', async () => {
    const a = await scoreText(qwenBf16.dir);
    const b = await scoreText(qwenF32Sharded.dir);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(b).toEqual(a);
  });

  it('save → load round trip (f32, our writer) keeps tensors, tokenizer and logits', async () => {
    for (const src of [qwenBf16, llamaF16Sharded]) {
      const ck = loadCheckpoint(ctx(), src.dir);
      const out = join(tmp, `${src.dir.split('/').pop()}-resaved`);
      await saveCheckpoint(out, { config: ck.config, params: ck.params, tokenizer: { json: ck.tokenizerJson! }, special: ck.special });
      expectExact(out, src);
      expect(readFileSync(join(out, 'tokenizer.json'), 'utf8')).toBe(ck.tokenizerJson);
      expect(await scoreText(out)).toEqual(await scoreText(src.dir));
    }
  });

  it('a saved folder has what transformers and transformers.js open: config, generation and tokenizer configs, and transformers.js tokenizes as we do', async () => {
    const ck = loadCheckpoint(ctx(), llamaF16Sharded.dir);
    const out = join(tmp, 'saved-for-hf');
    await saveCheckpoint(out, { config: ck.config, params: ck.params, tokenizer: { json: ck.tokenizerJson! } });
    const tok = loadTokenizer(join(out, 'tokenizer.json'));
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ architectures: ['LlamaForCausalLM'], model_type: 'llama', eos_token_id: tok.eosId, torch_dtype: 'float32' });
    expect(JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8'))).toEqual({ eos_token_id: tok.eosId });
    const tcfg = JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'));
    expect(tcfg).toMatchObject({ tokenizer_class: 'PreTrainedTokenizerFast', eos_token: '<|endoftext|>', model_max_length: ck.config.context });
    expect(Object.keys(tcfg.added_tokens_decoder).length).toBe(JSON.parse(ck.tokenizerJson!).added_tokens.length);
    // transformers.js (its standalone tokenizer fork) opens the two files and gives our ids
    const js = TokenizerLoader.fromPreTrained({ tokenizerJSON: JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')), tokenizerConfig: tcfg });
    for (const t of HF_CORPUS) expect(js.encode(t + '<|im_start|>', { add_special_tokens: false })).toEqual(tok.encode(t + '<|im_start|>').ids);
    expect(js.eos_token_id).toBe(tok.eosId);
    // a source folder's own tokenizer_config.json (chat template and all) is kept as it is
    const template = { ...tcfg, chat_template: '{% for m in messages %}<|im_start|>{{ m.content }}<|im_end|>{% endfor %}' };
    await saveCheckpoint(out, { config: ck.config, params: ck.params, tokenizer: { json: ck.tokenizerJson! }, tokenizerConfig: template });
    expect(readCheckpoint(out).tokenizerConfig).toEqual(template);
  });

  it('scripts/eval.ts evaluates a bf16 Qwen2 folder with its own BPE tokenizer', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/eval.ts',
        '--scale',
        'smoke',
        '--checkpoint',
        qwenBf16.dir,
        '--format',
        'trace',
        '--problems',
        '2',
        '--samples',
        '1',
        '--out',
        join(tmp, 'eval-out'),
      ],
      {
        env: { ...process.env, VGGM_CACHE: join(tmp, 'cache'), VGGM_PROGRESS: 'off' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/qwen-bf16 gsm8k: greedy [\d.]+%/);
    const res = JSON.parse(readFileSync(join(tmp, 'eval-out', 'eval-checkpoint-smoke.json'), 'utf8'));
    expect(res.runs[0].dir).toBe(qwenBf16.dir);
    const lines = readFileSync(res.runs[0].generations, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
  }, 120_000);

  describe('broken folders fail with one line naming the problem', () => {
    const broken = (name: string, src: HfCheckpoint, edit: (dir: string) => void): string => {
      const dir = join(tmp, name);
      writeHfCheckpoint(dir, { family: src.config.qkvBias ? 'qwen2' : 'llama', dtype: 'BF16', shards: 2 });
      edit(dir);
      return dir;
    };
    const oneLine = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(re);
      try {
        f();
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    };
    const shard1 = 'model-00001-of-00002.safetensors';

    it('a shard named by the index is missing', () => {
      const dir = broken('no-shard', qwenBf16, (d) => unlinkSync(join(d, shard1)));
      oneLine(() => readCheckpoint(dir), new RegExp(`shard ${shard1} not found`));
    });

    it('a tensor is missing or mis-shaped', () => {
      const drop = broken('drop', qwenBf16, (d) => {
        const t = readCheckpoint(d).tensors;
        t.delete('model.layers.0.self_attn.k_proj.bias');
        unlinkSync(join(d, 'model.safetensors.index.json'));
        unlinkSync(join(d, shard1));
        unlinkSync(join(d, 'model-00002-of-00002.safetensors'));
        writeFileSync(join(d, 'model.safetensors'), encodeTyped(t, 'BF16'));
      });
      oneLine(() => loadCheckpoint(ctx(), drop), /tensor model\.layers\.0\.self_attn\.k_proj\.bias is missing$/);
      const shape = broken('shape', qwenBf16, (d) => {
        const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
        writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, intermediate_size: 40 }));
      });
      oneLine(() => loadCheckpoint(ctx(), shape), /tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[44, 32\], the config needs \[40, 32\]$/);
    });

    it('a truncated shard, an unsupported dtype, a config of another architecture', () => {
      const cut = broken('cut', qwenBf16, (d) => {
        const b = readFileSync(join(d, shard1));
        writeFileSync(join(d, shard1), b.subarray(0, b.length - 100));
      });
      oneLine(() => readCheckpoint(cut), /inconsistent data offsets/);
      const fp8 = broken('fp8', qwenBf16, (d) => {
        const b = Buffer.from(readFileSync(join(d, shard1)));
        const n = Number(b.readBigUInt64LE(0));
        const header = b
          .subarray(8, 8 + n)
          .toString()
          .replace('"BF16"', '"F8_E4M3"');
        b.write(header, 8);
        writeFileSync(join(d, shard1), b);
      });
      oneLine(() => readCheckpoint(fp8), /unsupported dtype F8_E4M3/);
      const mistral = broken('mistral', qwenBf16, (d) => {
        const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
        writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, model_type: 'gemma' }));
      });
      oneLine(() => readCheckpoint(mistral), /model_type "gemma" is not supported/);
    });

    it('a tensor the config does not use (a tied lm_head is the one exception, dropped as transformers does)', () => {
      const extra = broken('extra', qwenBf16, (d) => {
        const t = readCheckpoint(d).tensors;
        t.set('model.layers.0.self_attn.o_proj.bias', { shape: [32], data: new Float32Array(32) });
        for (const f of ['model.safetensors.index.json', shard1, 'model-00002-of-00002.safetensors']) unlinkSync(join(d, f));
        writeFileSync(join(d, 'model.safetensors'), encodeTyped(t, 'BF16'));
      });
      oneLine(() => readCheckpoint(extra), /tensor model\.layers\.0\.self_attn\.o_proj\.bias is not used by this config$/);
      const tiedHead = broken('tied-head', qwenBf16, (d) => {
        const t = readCheckpoint(d).tensors;
        t.set('lm_head.weight', t.get('model.embed_tokens.weight')!);
        for (const f of ['model.safetensors.index.json', shard1, 'model-00002-of-00002.safetensors']) unlinkSync(join(d, f));
        writeFileSync(join(d, 'model.safetensors'), encodeTyped(t, 'BF16'));
      });
      expect(readCheckpoint(tiedHead).tensors.has('lm_head.weight')).toBe(false);
    });

    it('a tokenizer.json of an unsupported kind (SentencePiece-style BPE)', () => {
      const dir = broken('spm', qwenBf16, (d) => {
        const tok = JSON.parse(readFileSync(join(d, 'tokenizer.json'), 'utf8'));
        writeFileSync(join(d, 'tokenizer.json'), JSON.stringify({ ...tok, model: { ...tok.model, byte_fallback: true }, pre_tokenizer: { type: 'Metaspace' } }));
      });
      oneLine(() => loadTokenizer(join(dir, 'tokenizer.json')), /^unsupported tokenizer.json: BPE with byte_fallback/);
    });
  });

  it('an embedding larger than one storage binding loads and scores identically; one below its smallest piece is refused', async () => {
    const c = ctx();
    const ck = readCheckpoint(qwenBf16.dir);
    const { vocab } = ck.config;
    const ids = loadTokenizer(JSON.parse(ck.tokenizerJson!)).encode(HF_CORPUS[1]).ids.slice(0, 20);
    // the same device with a binding limit below the (vocab x 32 floats) embedding, above every layer tensor
    const limit = Math.ceil((vocab * 32 * 4) / 3 / 256) * 256;
    const split = new GpuContext(c.gpu, { maxBindingBytes: limit });
    const want = await new Model(c, Parameters.fromTensors(c, ck.config, ck.tensors)).score({ batch: 1, seqLen: ids.length, ids });
    const got = await new Model(split, Parameters.fromTensors(split, ck.config, ck.tensors)).score({ batch: 1, seqLen: ids.length, ids });
    expect(got.logits).toEqual(want.logits);
    split.destroy();
    // below 64 embedding rows (8 KiB), the smallest piece the embedding splits into
    const tiny = new GpuContext(c.gpu, { maxBindingBytes: 64 * 32 * 4 - 256 });
    expect(() => Parameters.fromTensors(tiny, ck.config, ck.tensors)).toThrow(DeviceLimitError);
    expect(() => Parameters.fromTensors(tiny, ck.config, ck.tensors)).toThrow(
      new RegExp(
        `^tensor model\\.embed_tokens\\.weight \\[${vocab}, 32\\]: 64 row\\(s\\) of 32 floats \\(8\\.0 KiB\\) is the smallest piece it splits into, and it exceeds one storage binding of 7\\.8 KiB$`,
      ),
    );
    tiny.destroy();
  });
});
