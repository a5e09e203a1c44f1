// Batched generation with a KV cache. Prompts of different lengths are prefilled together (right-
// padded; causal attention keeps the padding out of every real position), then one decode step
// per new token: each sequence appends its k/v at its own position and attends to its own prefix.
// The decode loop never waits on the device per token: sampled ids, log-probs and entropies go to
// device tables, read back every `readEvery` steps to check for EOS.
//
// Compaction: rows that emitted EOS would otherwise cost a full decode step each until the last
// row ends. At a readback where enough rows have finished, the rows still decoding move into a
// smaller batch (their KV-cache rows, PRNG states and positions copied over) and the decode goes on
// with that batch. Every kernel of a decode step computes each row from that row's own data alone
// (matmul rows in k order, per-row norms, attention, sampling and cross-entropy), so a row's tokens,
// log-probs and entropies are bit-identical to those of the uncompacted batch.
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
import type { AttentionStep, Model } from './model.ts';

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
  /** Move the rows still decoding into a smaller batch once enough have finished (default true; the output is the same either way). */
  compact?: boolean;
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
// A compacted batch is a multiple of COMPACT_ROWS rows (topped up with finished rows, whose output
// past EOS is discarded anyway): the model caches activations per batch size, so this bounds the
// shapes one evaluation leaves behind to batch / 8. It is made only when it has at most COMPACT_AT
// of the current rows: each compaction costs new caches, the live rows' cache copies and first-use
// bind groups, which a saving of at least a quarter of every later step repays within a few steps.
const COMPACT_ROWS = 8;
const COMPACT_AT = 0.75;

/**
 * The device state of one batch layout, for decode steps `from` onwards: step j's row of a table
 * starts at (j - from) * stride. The first layout holds every prompt from step 0; a compacted one
 * starts at the step before its first decode (whose token that decode feeds).
 */
interface Layout {
  /** The prompt (index into `prompts`) each batch row decodes, ascending. */
  rows: number[];
  from: number;
  /** Elements per table row: rows.length rounded up so that every row view can be bound. */
  stride: number;
  /** Per step: each row's attended length (prompt length + step), u32; one row more than the steps. */
  positions: Tensor;
  /** Per step: sampled tokens (u32). */
  tokens: Tensor;
  /** With returnStats: per step, log-prob and entropy, and the cross-entropy's unused weights and loss. */
  stats?: { logprob: Tensor; entropy: Tensor; zeroWeights: Tensor; loss: Tensor };
  kCache: Tensor[];
  vCache: Tensor[];
  rngState: Tensor;
  owned: Tensor[];
}

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
  const owned = new Set<Tensor>();
  const alloc = (shape: number[], name: string, dtype: 'f32' | 'u32' = 'f32') => {
    const t = pool.alloc(shape, `gen.${name}`, dtype);
    owned.add(t);
    return t;
  };
  const release = (ts: Tensor[]) => {
    for (const t of ts) {
      owned.delete(t);
      pool.free(t);
    }
  };

  // A layout of `rows` from step `from`: its positions written, its caches and other tables empty.
  const layout = (rows: number[], from: number): Layout => {
    const n = rows.length;
    const stride = alignedOffset(n);
    const mine: Tensor[] = [];
    const a = (shape: number[], name: string, dtype: 'f32' | 'u32' = 'f32') => {
      const t = alloc(shape, name, dtype);
      mine.push(t);
      return t;
    };
    const tableRows = steps - from;
    const positions = a([(tableRows + 1) * stride], 'positions', 'u32');
    const posHost = new Uint32Array((tableRows + 1) * stride);
    for (let j = from; j <= steps; j++) rows.forEach((b, i) => (posHost[(j - from) * stride + i] = lens[b] + j));
    write(gpu, positions, posHost);
    return {
      rows,
      from,
      stride,
      positions,
      tokens: a([tableRows * stride], 'tokens', 'u32'),
      stats: opts.returnStats
        ? { logprob: a([tableRows * stride], 'logprob'), entropy: a([tableRows * stride], 'entropy'), zeroWeights: a([n], 'zeroWeights'), loss: a([n], 'ceLoss') }
        : undefined,
      kCache: Array.from({ length: c.layers }, (_, l) => a([n, maxLen, kvd], `kcache${l}`)),
      vCache: Array.from({ length: c.layers }, (_, l) => a([n, maxLen, kvd], `vcache${l}`)),
      rngState: a([n], 'rng', 'u32'),
      owned: mine,
    };
  };
  // Step j's row of one of L's tables, a view so that each step binds its own slice.
  const row = (L: Layout, t: Tensor, j: number) => pool.view(t, (j - L.from) * L.stride, [L.rows.length], `${t.name}[${j}]`);

  let L = layout(
    prompts.map((_, b) => b),
    0,
  );
  const rng = new Rng(opts.seed ?? 0);
  write(
    gpu,
    L.rngState,
    Uint32Array.from({ length: B }, () => (rng.next() * 2 ** 32) >>> 0),
  );
  const lastLogits = alloc([B, c.vocab], 'lastLogits');
  let bias: Tensor | undefined;
  if (opts.suppressTokens?.length) {
    const b = new Float32Array(c.vocab);
    for (const t of opts.suppressTokens) b[t] = -1e9;
    bias = alloc([c.vocab], 'logitBias');
    write(gpu, bias, b);
  }

  // Sample step j from `logits` [rows, V] and record its statistics.
  const sampleInto = (logits: Tensor, j: number) => {
    const n = L.rows.length;
    sample(ctx, logits, row(L, L.tokens, j), L.rngState, {
      batch: n,
      vocab: c.vocab,
      temperature: opts.temperature ?? 1,
      topK: opts.topK ?? 0,
      topP: opts.topP ?? 1,
      greedy: opts.greedy ?? false,
    });
    if (L.stats) {
      const s = L.stats;
      crossEntropy(
        ctx,
        logits,
        row(L, L.tokens, j),
        s.zeroWeights,
        { loss: s.loss, logprob: row(L, s.logprob, j), entropy: row(L, s.entropy, j) },
        {
          rows: n,
          vocab: c.vocab,
          temperature: 1,
          gradScale: 1,
        },
      );
    }
  };

  // What the host has read back, by prompt: step j of prompt b at [j * B + b].
  const tokens = new Int32Array(steps * B);
  const logprob = opts.returnStats ? new Float32Array(steps * B) : undefined;
  const entropy = opts.returnStats ? new Float32Array(steps * B) : undefined;
  const collect = (src: ArrayLike<number>, dst: Int32Array | Float32Array, start: number, end: number) => {
    for (let j = start; j < end; j++) L.rows.forEach((b, i) => (dst[j * B + b] = src[(j - L.from) * L.stride + i]));
  };
  const collectStats = async (start: number, end: number) => {
    if (!L.stats || !logprob || !entropy) return;
    const n = (end - L.from) * L.stride;
    collect(await read(gpu, L.stats.logprob, n), logprob, start, end);
    collect(await read(gpu, L.stats.entropy, n), entropy, start, end);
  };
  const finished = new Array<boolean>(B).fill(false);

  // The rows of L still decoding, in a smaller layout from decode step `done` on (L itself is left
  // for the caller to read and free), or undefined when too few have finished for that to pay.
  const compacted = (done: number): Layout | undefined => {
    const live = L.rows.flatMap((b, i) => (finished[b] ? [] : [i]));
    const size = Math.ceil(live.length / COMPACT_ROWS) * COMPACT_ROWS;
    if (size > COMPACT_AT * L.rows.length) return undefined;
    const keep = new Set(live);
    for (let i = 0; keep.size < size; i++) keep.add(i);
    const old = [...keep].sort((x, y) => x - y);
    const next = layout(
      old.map((i) => L.rows[i]),
      done - 1,
    );
    // The cache holds positions 0 .. len + done - 2 (the prompt, then decode steps 1 .. done-1).
    old.forEach((i, k) => {
      const filled = (lens[L.rows[i]] + done - 1) * kvd;
      for (let l = 0; l < c.layers; l++) {
        rec.copy(L.kCache[l], next.kCache[l], filled, i * maxLen * kvd, k * maxLen * kvd);
        rec.copy(L.vCache[l], next.vCache[l], filled, i * maxLen * kvd, k * maxLen * kvd);
      }
      rec.copy(L.rngState, next.rngState, 1, i, k);
    });
    // Step done-1's tokens, which decode step `done` feeds, are known on the host.
    write(
      gpu,
      next.tokens,
      next.rows.map((b) => tokens[(done - 1) * B + b]),
    );
    rec.submit();
    return next;
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
        rec.copy(pre.layers[l].k, L.kCache[l], lens[b] * kvd, b * Tp * kvd, b * maxLen * kvd);
        rec.copy(pre.layers[l].v, L.vCache[l], lens[b] * kvd, b * Tp * kvd, b * maxLen * kvd);
      }
    }
    for (let b = 0; b < B; b++) rec.copy(pre.logits, lastLogits, c.vocab, (b * Tp + lens[b] - 1) * c.vocab, b * c.vocab);
    sampleInto(lastLogits, 0);

    // Decode: step j feeds token j-1 at position len+j-1, appends its k/v there and attends to
    // positions 0..len+j-1 (the lengths row j).
    let decodeRow = 0;
    // The new token's k/v go into the caches inside the attention dispatch (one dispatch per layer
    // fewer than a separate kvAppend): decode row j's lengths already count the token at len+j-1.
    const decodeAttention: AttentionStep = (l, la) => {
      attentionDecode(
        ctx,
        la.q,
        L.kCache[l],
        L.vCache[l],
        row(L, L.positions, decodeRow),
        la.att,
        {
          batch: L.rows.length,
          maxLen,
          heads: c.heads,
          kvHeads: c.kvHeads,
          headDim: headDim(c),
        },
        { k: la.k, v: la.v },
      );
    };
    // The first step sampled in layout L (a compacted layout's table row 0 is the token it feeds).
    let sampledFrom = 0;
    let done = 1;
    for (;;) {
      // Check every readEvery steps (and at the end) whether every sequence has emitted EOS.
      if (done % readEvery === 0 || done === steps) {
        rec.submit();
        collect(await readInts(gpu, L.tokens, (done - L.from) * L.stride), tokens, sampledFrom, done);
        if (opts.eosTokenId !== undefined) {
          for (let b = 0; b < B; b++) for (let j = 0; j < done && !finished[b]; j++) finished[b] = tokens[j * B + b] === opts.eosTokenId;
        }
        if (done === steps || finished.every(Boolean)) break;
        // The host has just learned which rows finished: the place to drop them from the batch.
        const next = opts.compact === false ? undefined : compacted(done);
        if (next) {
          await collectStats(sampledFrom, done);
          release(L.owned);
          L = next;
          sampledFrom = done;
        }
      }
      decodeRow = done;
      const dec = model.activations(L.rows.length, 1);
      rec.copy(row(L, L.tokens, done - 1), dec.ids);
      rec.copy(row(L, L.positions, done - 1), dec.positions);
      model.forwardLogits(dec, decodeAttention, bias);
      sampleInto(dec.logits, done);
      // Submitting every few steps lets the device run them while the next ones are recorded (on
      // lavapipe the recording thread and the device threads share the cores). Measured on the cpu
      // model, batch 8, variants interleaved: every 2 steps ~20% more tokens/s than only at each
      // readback; every step no better than every 2.
      if (done % SUBMIT_EVERY === 0) rec.submit();
      done++;
    }
    await collectStats(sampledFrom, done);

    return prompts.map((_, b) => {
      const g: Generation = { tokens: [], stop: 'length' };
      const stats = { logprob: [] as number[], entropy: [] as number[] };
      for (let j = 0; j < done; j++) {
        const t = tokens[j * B + b];
        g.tokens.push(t);
        if (logprob && entropy) {
          stats.logprob.push(logprob[j * B + b]);
          stats.entropy.push(entropy[j * B + b]);
        }
        if (t === opts.eosTokenId) {
          g.stop = 'eos';
          break;
        }
      }
      return opts.returnStats ? { ...g, ...stats } : g;
    });
  } finally {
    release([...owned]);
    rec.resetBindGroups();
  }
}
