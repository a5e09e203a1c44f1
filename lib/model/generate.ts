// Batched generation with a KV cache. Prompts of different lengths are prefilled together (right-
// padded; causal attention keeps the padding out of every real position), then one decode step
// per new token: each sequence appends its k/v at its own position and attends to its own prefix.
// The decode loop never waits on the device per token: sampled ids, log-probs and entropies go to
// device tables, read back every `readEvery` steps to check for EOS.
//
// Budget forcing and continuations: generate() returns each sequence's new tokens and why it
// stopped; a caller that wants to override an end ("Wait" instead of EOS) appends its forced
// tokens to prompt + output and calls generate() again from that prefix. `suppressTokens` keeps
// tokens (e.g. EOS) from being sampled at all, for a minimum thinking budget.
import { alignedOffset, read, readInts, write, type Tensor } from '../gpu/index.ts';
import { attentionDecode } from '../ops/attention.ts';
import { crossEntropy } from '../ops/crossentropy.ts';
import { sample } from '../ops/sample.ts';
import { Rng } from '../util/rng.ts';
import { headDim } from './config.ts';
import type { Activations, AttentionStep, Model } from './model.ts';

export interface GenerateOptions {
  maxNewTokens: number;
  /** Greedy (argmax) decoding; otherwise sample at `temperature` with top-k / top-p. */
  greedy?: boolean;
  temperature?: number;
  /** 0 = no top-k cut. */
  topK?: number;
  /** 1 = no nucleus cut. */
  topP?: number;
  /** Sequences stop (individually) after emitting this token. */
  eosTokenId?: number;
  /** Token ids never sampled (their logits get -1e9). */
  suppressTokens?: readonly number[];
  seed?: number;
  /** Read back and check for EOS every this many tokens (default 16). */
  readEvery?: number;
  /** Also return log-prob and entropy (at temperature 1) of each generated token's distribution. */
  returnStats?: boolean;
}

export interface Generation {
  /** New tokens, EOS included when the sequence stopped on it. */
  tokens: number[];
  stop: 'eos' | 'length';
  /** Per new token: log p(token) and the entropy of the model's next-token distribution. */
  logprob?: number[];
  entropy?: number[];
}

const SUBMIT_EVERY = 2;

/** Generate continuations of `prompts` (token arrays) in one batch. */
export async function generate(model: Model, prompts: readonly (readonly number[])[], opts: GenerateOptions): Promise<Generation[]> {
  const { ctx, config: c } = model;
  const { gpu, pool, rec } = ctx;
  const B = prompts.length;
  if (B === 0) return [];
  const lens = prompts.map((p) => p.length);
  if (lens.some((n) => n === 0)) throw new Error('generate: every prompt needs at least one token');
  const longest = Math.max(...lens);
  const maxLen = Math.min(c.context, longest + opts.maxNewTokens);
  const steps = maxLen - longest;
  if (steps <= 0) throw new Error(`generate: prompt of ${longest} tokens leaves no room in the context of ${c.context}`);
  // The prefill width is rounded up to a multiple of 32 so that prompts of many lengths share a few
  // cached activation shapes (padding is harmless: causal attention never looks right).
  const Tp = Math.min(c.context, Math.ceil(longest / 32) * 32);
  const readEvery = opts.readEvery ?? 16;
  const kvd = c.kvHeads * headDim(c);
  const Ba = alignedOffset(B);
  const owned: Tensor[] = [];
  const alloc = (shape: number[], name: string, dtype: 'f32' | 'u32' = 'f32') => {
    const t = pool.alloc(shape, `gen.${name}`, dtype);
    owned.push(t);
    return t;
  };

  // Device tables, one aligned row per step: positions (row j = prompt length + j), sampled
  // tokens, their log-probs and entropies. Row views let each step bind its own slice.
  const posTable = alloc([(steps + 1) * Ba], 'positions', 'u32');
  const tokTable = alloc([steps * Ba], 'tokens', 'u32');
  const lpTable = alloc([steps * Ba], 'logprob');
  const entTable = alloc([steps * Ba], 'entropy');
  const posHost = new Uint32Array((steps + 1) * Ba);
  for (let j = 0; j <= steps; j++) for (let b = 0; b < B; b++) posHost[j * Ba + b] = lens[b] + j;
  write(gpu, posTable, posHost);
  const row = (t: Tensor, j: number) => pool.view(t, j * Ba, [B], `${t.name}[${j}]`);

  const kCache = Array.from({ length: c.layers }, (_, l) => alloc([B, maxLen, kvd], `kcache${l}`));
  const vCache = Array.from({ length: c.layers }, (_, l) => alloc([B, maxLen, kvd], `vcache${l}`));
  const rng = new Rng(opts.seed ?? 0);
  const rngState = alloc([B], 'rng', 'u32');
  write(
    gpu,
    rngState,
    Uint32Array.from({ length: B }, () => (rng.next() * 2 ** 32) >>> 0),
  );
  const lastLogits = alloc([B, c.vocab], 'lastLogits');
  const zeroWeights = alloc([B], 'zeroWeights');
  const ceLoss = alloc([B], 'ceLoss');
  let bias: Tensor | undefined;
  if (opts.suppressTokens?.length) {
    const b = new Float32Array(c.vocab);
    for (const t of opts.suppressTokens) b[t] = -1e9;
    bias = alloc([c.vocab], 'logitBias');
    write(gpu, bias, b);
  }

  // Sample row j from `logits` [B, V] and record its statistics.
  const sampleInto = (logits: Tensor, j: number) => {
    sample(ctx, logits, row(tokTable, j), rngState, {
      batch: B,
      vocab: c.vocab,
      temperature: opts.temperature ?? 1,
      topK: opts.topK ?? 0,
      topP: opts.topP ?? 1,
      greedy: opts.greedy ?? false,
    });
    if (opts.returnStats) {
      crossEntropy(
        ctx,
        logits,
        row(tokTable, j),
        zeroWeights,
        { loss: ceLoss, logprob: row(lpTable, j), entropy: row(entTable, j) },
        {
          rows: B,
          vocab: c.vocab,
          temperature: 1,
          gradScale: 1,
        },
      );
    }
  };

  try {
    // Prefill: the padded prompts through the causal forward, then copy each layer's k/v rows into
    // the caches and each prompt's last logits into lastLogits.
    const pre = model.activations(B, Tp);
    const ids = new Uint32Array(B * Tp);
    prompts.forEach((p, b) => ids.set(p, b * Tp));
    model.setBatch(pre, { ids });
    model.forwardLogits(pre, model.causalAttention, bias);
    for (let l = 0; l < c.layers; l++) {
      for (let b = 0; b < B; b++) {
        rec.copy(pre.layers[l].k, kCache[l], lens[b] * kvd, b * Tp * kvd, b * maxLen * kvd);
        rec.copy(pre.layers[l].v, vCache[l], lens[b] * kvd, b * Tp * kvd, b * maxLen * kvd);
      }
    }
    for (let b = 0; b < B; b++) rec.copy(pre.logits, lastLogits, c.vocab, (b * Tp + lens[b] - 1) * c.vocab, b * c.vocab);
    sampleInto(lastLogits, 0);

    // Decode: step j feeds token j-1 at position len+j-1, appends its k/v there and attends to
    // positions 0..len+j-1 (the lengths row j).
    const dec = model.activations(B, 1);
    let decodeRow = 0;
    // The new token's k/v go into the caches inside the attention dispatch (one dispatch per layer
    // fewer than a separate kvAppend): decode row j's lengths already count the token at len+j-1.
    const decodeAttention: AttentionStep = (l, la) => {
      attentionDecode(
        ctx,
        la.q,
        kCache[l],
        vCache[l],
        row(posTable, decodeRow),
        la.att,
        {
          batch: B,
          maxLen,
          heads: c.heads,
          kvHeads: c.kvHeads,
          headDim: headDim(c),
        },
        { k: la.k, v: la.v },
      );
    };
    const finished = new Array<boolean>(B).fill(false);
    let tokens: Int32Array = new Int32Array(0);
    let done = 1;
    for (;;) {
      // Check every readEvery steps (and at the end) whether every sequence has emitted EOS.
      if (done % readEvery === 0 || done === steps) {
        rec.submit();
        tokens = await readInts(gpu, tokTable, done * Ba);
        if (opts.eosTokenId !== undefined) {
          for (let b = 0; b < B; b++) for (let j = 0; j < done && !finished[b]; j++) finished[b] = tokens[j * Ba + b] === opts.eosTokenId;
        }
        if (done === steps || finished.every(Boolean)) break;
      }
      decodeRow = done;
      rec.copy(row(tokTable, done - 1), dec.ids);
      rec.copy(row(posTable, done - 1), dec.positions);
      model.forwardLogits(dec, decodeAttention, bias);
      sampleInto(dec.logits, done);
      // Submitting every few steps lets the device run them while the next ones are recorded (on
      // lavapipe the recording thread and the device threads share the cores). Measured on the cpu
      // model, batch 8, variants interleaved: every 2 steps ~20% more tokens/s than only at each
      // readback; every step no better than every 2.
      if (done % SUBMIT_EVERY === 0) rec.submit();
      done++;
    }

    const lp = opts.returnStats ? await read(gpu, lpTable, done * Ba) : undefined;
    const ent = opts.returnStats ? await read(gpu, entTable, done * Ba) : undefined;
    return prompts.map((_, b) => {
      const g: Generation = { tokens: [], stop: 'length' };
      const stats = { logprob: [] as number[], entropy: [] as number[] };
      for (let j = 0; j < done; j++) {
        const t = tokens[j * Ba + b];
        g.tokens.push(t);
        if (lp && ent) {
          stats.logprob.push(lp[j * Ba + b]);
          stats.entropy.push(ent[j * Ba + b]);
        }
        if (t === opts.eosTokenId) {
          g.stop = 'eos';
          break;
        }
      }
      return opts.returnStats ? { ...g, ...stats } : g;
    });
  } finally {
    for (const t of owned) pool.free(t);
    rec.resetBindGroups();
  }
}
