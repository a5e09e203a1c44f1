// The first command to run on a downloaded model folder: what it is, what we honour of its
// config.json, and the device memory each scale would need, against the adapter's limits.
//   npx tsx scripts/inspect.ts MODEL_DIR [--json]
// Reads config.json, the safetensors headers (not the weights) and tokenizer.json; a folder we
// cannot load fails with one line (the loader's own refusal) and exit 1.
import { existsSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { acquireGpu, GpuUnavailableError, releaseGpu } from '../lib/gpu/index.ts';
import { headDim, readHfConfig, type ModelConfig } from '../lib/model/config.ts';
import { paramLayout } from '../lib/model/params.ts';
import { loadTokenizer } from '../lib/tokenizer/index.ts';
import { SCALE_TABLE } from '../lib/train/scales.ts';
import { runMain, scriptYargs, SCALES, UsageError } from '../lib/util/cli.ts';

const GiB = 2 ** 30;
const fmt = (b: number): string => (b >= GiB ? `${(b / GiB).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

function parse(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: not valid JSON`);
  }
}

/** Tensor names, dtypes and shapes from the safetensors headers (the weights are not read). */
function headerTensors(dir: string): Map<string, { dtype: string; shape: number[] }> {
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  let files: string[];
  if (existsSync(single)) files = [single];
  else if (existsSync(index)) files = [...new Set(Object.values((parse(readFileSync(index, 'utf8'), index).weight_map ?? {}) as Record<string, string>))].map((f) => join(dir, f));
  else throw new Error(`${dir}: neither model.safetensors nor model.safetensors.index.json found`);
  const out = new Map<string, { dtype: string; shape: number[] }>();
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`${dir}: shard ${f} not found`);
    const fd = openSync(f, 'r');
    try {
      const len = Buffer.alloc(8);
      readSync(fd, len, 0, 8, 0);
      const n = Number(len.readBigUInt64LE(0));
      if (n > 100 * 2 ** 20) throw new Error(`${f}: safetensors header of ${n} bytes is not plausible`);
      const h = Buffer.alloc(n);
      readSync(fd, h, 0, n, 8);
      for (const [name, e] of Object.entries(parse(h.toString('utf8'), `${f} header`) as Record<string, any>))
        if (name !== '__metadata__') out.set(name, { dtype: e.dtype, shape: e.shape });
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

interface ScaleMemory {
  scale: string;
  batch: number;
  seqLen: number;
  weights: number;
  /** gradients + AdamW m and v (training only) */
  adamw: number;
  activations: number;
  kvCache: number;
  /** the largest tensor bound whole by one kernel (must fit one storage binding) */
  largestBinding: { what: string; bytes: number };
  /** the largest single buffer (must fit maxBufferSize; the launchers split it into bindings) */
  largestBuffer: { what: string; bytes: number };
}

/** Device bytes of one training step's activations (lib/model/model.ts Activations, with gradients). */
function activationBytes(c: ModelConfig, rows: number): number {
  const qd = c.heads * headDim(c);
  const kvd = c.kvHeads * headDim(c);
  const perLayer = 3 * c.dModel + 2 * qd + 2 * kvd + 3 * c.ffn + 2 + c.heads;
  const forward = c.layers * perLayer + (c.layers + 1) * c.dModel + 2 * c.dModel + c.vocab + 8;
  const grads = c.vocab + 2 * c.dModel + 2 * qd + 2 * kvd + 3 * c.ffn;
  return 4 * rows * (forward + grads);
}

function memory(c: ModelConfig, scale: (typeof SCALES)[number]): ScaleMemory {
  // the scale's own shapes (a budget file changes step counts only)
  const t = SCALE_TABLE[scale];
  const seqLen = Math.min(t.context, c.context);
  const batch = Math.max(t.sft.batch, t.grpo.microBatch);
  const layout = paramLayout(c);
  const weights = layout.total * 4;
  const kvd = c.kvHeads * headDim(c);
  const kvCache = 2 * c.layers * t.eval.batch * Math.min(c.context, seqLen + t.eval.maxNewTokens) * kvd * 4;
  const rows = batch * seqLen;
  const widest = Math.max(c.dModel, c.heads * headDim(c), c.ffn);
  const layerTensors = layout.entries.filter((e) => e.name !== 'model.embed_tokens.weight' && e.name !== 'lm_head.weight');
  const bigLayer = layerTensors.reduce((a, e) => (e.size > a.size ? e : a));
  const bindings = [
    { what: `${bigLayer.name} [${bigLayer.shape.join(', ')}]`, bytes: bigLayer.size * 4 },
    { what: `activation [${rows}, ${widest}]`, bytes: rows * widest * 4 },
  ];
  const buffers = [
    { what: 'flat parameter buffer', bytes: weights },
    { what: `logits [${rows}, ${c.vocab}]`, bytes: rows * c.vocab * 4 },
  ];
  const max = (xs: { what: string; bytes: number }[]) => xs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    scale,
    batch,
    seqLen,
    weights,
    adamw: 3 * weights,
    activations: activationBytes(c, rows),
    kvCache,
    largestBinding: max(bindings),
    largestBuffer: max(buffers),
  };
}

await runMain(async () => {
  const args = await scriptYargs('inspect', '$0 MODEL_DIR [--json]\n\nWhat a Hugging Face model folder is, what of its config.json we honour, and the memory each scale needs.')
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object instead of text' })
    .strictOptions()
    .parse();
  const dir = args._[0];
  if (args._.length !== 1 || typeof dir !== 'string') throw new UsageError('give one MODEL_DIR');
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`${dir}: config.json not found (not a Hugging Face model folder)`);
  const report = readHfConfig(readFileSync(join(dir, 'config.json'), 'utf8'));
  const c = report.config;
  const tensors = headerTensors(dir);
  const layout = paramLayout(c);
  const used = new Set(layout.entries.map((e) => e.name));
  for (const e of layout.entries) {
    const t = tensors.get(e.name);
    if (!t) throw new Error(`${dir}: tensor ${e.name} is missing`);
    if (t.shape.join(',') !== e.shape.join(',')) throw new Error(`${dir}: tensor ${e.name} has shape [${t.shape.join(', ')}], the config needs [${e.shape.join(', ')}]`);
  }
  const unused = [...tensors.keys()].filter((n) => !used.has(n) && !(n === 'lm_head.weight' && c.tieEmbeddings));
  if (unused.length) throw new Error(`${dir}: tensor ${unused[0]} is not used by this config`);
  const dtypes = [...new Set([...tensors.values()].map((t) => t.dtype))];
  const tokPath = join(dir, 'tokenizer.json');
  const tok = existsSync(tokPath) ? loadTokenizer(tokPath) : undefined;
  let limits: { adapter: string; maxStorageBufferBindingSize: number; maxBufferSize: number } | undefined;
  try {
    const gpu = await acquireGpu();
    limits = { adapter: gpu.adapterName, maxStorageBufferBindingSize: gpu.limits.maxStorageBufferBindingSize, maxBufferSize: gpu.limits.maxBufferSize };
    releaseGpu();
  } catch (err) {
    if (!(err instanceof GpuUnavailableError)) throw err;
  }
  const scales = SCALES.map((s) => memory(c, s));
  const out = {
    dir,
    architecture: report.architecture,
    parameters: layout.count,
    dtype: report.dtype ?? null,
    tensorDtypes: dtypes,
    config: c,
    honoured: report.honoured,
    tokenizer: tok ? { vocab: tok.vocabSize, eos: tok.eosId, bos: tok.bosId ?? null } : null,
    limits: limits ?? null,
    scales,
  };
  if (args.json) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  const fits = (bytes: number, max: number | undefined) => (max === undefined ? '' : bytes <= max ? ' (fits)' : ` (OVER the adapter's ${fmt(max)})`);
  console.log(
    `${dir}: ${report.architecture}, ${(layout.count / 1e6).toFixed(2)}M parameters, config dtype ${report.dtype ?? 'unset'}, tensors ${dtypes.join('/')} (computed in f32)`,
  );
  console.log(`shape: ${c.layers} layers, d_model ${c.dModel}, ${c.heads} heads x ${headDim(c)} (${c.kvHeads} kv), ffn ${c.ffn}, vocab ${c.vocab}, context ${c.context}`);
  console.log(`honoured: ${report.honoured.join('; ')}`);
  console.log(tok ? `tokenizer.json: vocabulary ${tok.vocabSize}, eos ${tok.eosId}${tok.bosId !== undefined ? `, bos ${tok.bosId}` : ''}` : 'tokenizer.json: none');
  console.log(
    limits
      ? `adapter: ${limits.adapter}, one binding ${fmt(limits.maxStorageBufferBindingSize)}, one buffer ${fmt(limits.maxBufferSize)}`
      : 'adapter: none found (limits not checked)',
  );
  for (const m of scales) {
    console.log(
      `${m.scale}: batch ${m.batch} x ${m.seqLen}: weights ${fmt(m.weights)}, gradients+AdamW ${fmt(m.adamw)}, activations ${fmt(m.activations)}, ` +
        `KV cache ${fmt(m.kvCache)}, total ${fmt(m.weights + m.adamw + m.activations)} training; largest binding ${m.largestBinding.what} ` +
        `${fmt(m.largestBinding.bytes)}${fits(m.largestBinding.bytes, limits?.maxStorageBufferBindingSize)}, largest buffer ${m.largestBuffer.what} ` +
        `${fmt(m.largestBuffer.bytes)}${fits(m.largestBuffer.bytes, limits?.maxBufferSize)}`,
    );
  }
});
