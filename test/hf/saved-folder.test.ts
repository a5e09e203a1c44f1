// A folder the project saves is read back by the independent PyTorch reader and forward pass of
// test/golden/make_hf_golden.py (transformers itself is not installed here; the reader takes
// config.json's fields and the tensor names as transformers does): its logits equal ours within
// 1e-4 relative, so what we write in config.json (rope_scaling, head_dim, attention_bias,
// tie_word_embeddings, rms_norm_eps) and model.safetensors means to a Hugging Face reader what it
// means to us. Skipped (and counted) where /usr/bin/python3 has no torch (npm run bench:setup
// installs it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../lib/model/checkpoint.ts';
import { Model } from '../../lib/model/model.ts';
import { decodeSafetensors } from '../../lib/model/safetensors.ts';
import { useGpu } from '../helpers/gpu.ts';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-saved-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('saved folders read by the independent PyTorch reader', () => {
  it.skipIf(!hasTorch).each(['llama31-rope', 'rope-parameters', 'llama-attention-bias', 'llama-head-dim', 'qwen25-bf16-window'])(
    '%s: saved by us, its logits in PyTorch equal ours',
    async (name) => {
      const src = join('test/golden/hf', name);
      const ids = [...decodeSafetensors(readFileSync(join(src, 'expected.safetensors'))).tensors.get('ids')!.data];
      const ck = loadCheckpoint(ctx(), src);
      const out = join(tmp, name);
      await saveCheckpoint(out, { config: ck.config, params: ck.params, special: ck.special });
      const ours = (await new Model(ctx(), loadCheckpoint(ctx(), out).params).score({ batch: 1, seqLen: ids.length, ids })).logits;
      const r = spawnSync('/usr/bin/python3', ['test/golden/make_hf_golden.py', '--logits', out, ...ids.map(String)], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const ref: number[] = JSON.parse(r.stdout);
      expect(ref.length).toBe(ours.length);
      let diff = 0;
      let scale = 0;
      ref.forEach((x, i) => {
        diff = Math.max(diff, Math.abs(ours[i] - x));
        scale = Math.max(scale, Math.abs(x));
      });
      expect(diff / scale).toBeLessThan(1e-4);
    },
  );
});
