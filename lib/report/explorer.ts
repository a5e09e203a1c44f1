// The trace explorer's data: a small sample of teacher traces with each method's per-token loss
// weights, and the trained models' own generations with per-token entropy and the grader's
// verdict. Weights come from lib/train/weights.ts's weightExample on lib/data's encodeExample, the
// same two calls the training data path makes (lib/train/data.ts sftItems), so the colours the
// report draws ARE the training mask.
//
// Generations are read from what the methods already write: beside each cached model
// (.cache/models/<key>/) entropy-<scale>.jsonl (scripts/entropy.ts: text, per-token entropy,
// T_last) and eval-<scale>.jsonl (scripts/eval.ts: greedy text and verdict, every tier); and the
// reproduction scripts' evaluation cache (.cache/evals/: entropy-<hash>.json with the rollouts in
// `result`, acc-<hash>.json beside acc-<hash>.jsonl of generations), for the files that name
// their model's cache key in a `model` field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeExample, charToToken } from '../data/encode.ts';
import type { Dataset } from '../data/dataset.ts';
import { tracePrompt } from '../data/prompts.ts';
import type { Example } from '../data/types.ts';
import { gradeResponse } from '../eval/answer.ts';
import { canonicalJson } from '../util/json.ts';
import { METHODS, weightExample, type Method } from '../train/weights.ts';

export const EXPLORER_VERSION = 1;

/** One teacher trace and what each method makes of it. */
export interface ExplorerTrace {
  id: string;
  tier: string;
  split: string;
  v: 0 | 1;
  problem: string;
  answer: string;
  /** World truth: no verification, a re-check of a right first pass, or the fix of a slip. */
  kind: 'none' | 'recheck' | 'correct' | null;
  /** "carry: 26 for 36" when the teacher slipped. */
  slip: string | null;
  /** [bos] prompt response eos, as encodeExample gives them. */
  ids: number[];
  responseStart: number;
  /** Token index of "Wait" (T_last), or null when v = 0. */
  tLast: number | null;
  /** Token ranges [start, end) of the segments that state a wrong value (world truth). */
  wrong: [number, number][];
  /** weightExample(method, encoded): input ids and weights[j] = loss weight of predicting ids[j]. */
  methods: Record<Method, { inputIds: number[]; weights: number[] }>;
}

export interface ExplorerRollout {
  /** greedy: the eval pass; rollout: a sampled generation of the entropy measurement. */
  mode: 'greedy' | 'rollout';
  /** Token ids of the generation; null when they could not be recovered from the saved text. */
  ids: number[] | null;
  text: string;
  /** H_t per token (nats, 3 decimals), aligned with ids; null when not measured. */
  entropy: number[] | null;
  tLast: number | null;
  pred: string | null;
  equal: boolean;
}

export interface ExplorerModel {
  method: Method;
  /** e.g. "sft-vggm qwen-like seed 1 (sft-2f0fa6d7b1882a0e)". */
  label: string;
  /** Entropy above which a token is a fork (top 20% of the model's measured tokens); null if unmeasured. */
  forkThreshold: number | null;
  /** Generations by eval problem id. */
  problems: Record<string, ExplorerRollout[]>;
}

export interface ExplorerData {
  version: number;
  scale: string;
  dataset: string;
  /** Token text by id. */
  vocab: string[];
  eosId: number;
  bosId: number | null;
  methods: Method[];
  tiers: string[];
  traces: ExplorerTrace[];
  evalProblems: { id: string; tier: string; problem: string; answer: string }[];
  models: ExplorerModel[];
  /** What was not found, in words (shown on the page). */
  missing: string[];
}

/** A trained SFT model's folder and the generation files found in it. */
export interface ModelRun {
  method: Method;
  family: string;
  seed: number;
  dir: string;
  /** Files of entropy rollouts: JSONL of EntropyRollout, or JSON whose `result` is an array of them. */
  entropyJsonl: string | null;
  /** JSONL of evaluate()'s GenRecords (greedy ones are shown). */
  evalJsonl: string | null;
}

export interface ExtractOptions {
  /** Teacher traces and eval problems per tier. */
  perTier?: number;
  /** Sampled rollouts kept per problem and model (beside the greedy one). */
  rollouts?: number;
  runs?: ModelRun[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Records of a JSONL file, or of the `result` array of a JSON file (the evaluation cache). */
function readRecords<T>(path: string): T[] {
  if (path.endsWith('.json')) {
    const v = JSON.parse(readFileSync(path, 'utf8')) as { result?: unknown };
    if (!Array.isArray(v.result)) throw new Error(`${path}: no result array`);
    return v.result as T[];
  }
  return readJsonlFile<T>(path);
}

function readJsonlFile<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch (err) {
        throw new Error(`${path}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

/**
 * The SFT models in a model cache that were trained on this dataset's tokenizer and wrote
 * generations at `scale`; one per method: qwen-like before llama-like, lowest seed, newest.
 */
export function findModelRuns(cacheModels: string, ds: Dataset, scale: string, evalsDir = join(dirname(cacheModels), 'evals')): ModelRun[] {
  if (!existsSync(cacheModels)) return [];
  const cached = evalCacheByModel(evalsDir);
  const tokJson = canonicalJson(ds.tokenizer.json);
  const found: (ModelRun & { finished: string })[] = [];
  for (const key of readdirSync(cacheModels)) {
    const dir = join(cacheModels, key);
    const donePath = join(dir, 'done.json');
    if (!existsSync(donePath)) continue;
    const done = JSON.parse(readFileSync(donePath, 'utf8')) as Record<string, unknown>;
    if (done.stage !== 'sft' || !METHODS.includes(done.method as Method)) continue;
    const bfs = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.startsWith(`eval-${scale}-bf`) && f.endsWith('.jsonl'))
          .sort()
      : [];
    const beside = (f: string | undefined) => (f && existsSync(join(dir, f)) ? join(dir, f) : null);
    // a budget-forcing run holds the same greedy generations (mode 'greedy') as a plain one
    const ent = beside(`entropy-${scale}.jsonl`) ?? cached.get(key)?.entropy ?? null;
    const ev = beside(`eval-${scale}.jsonl`) ?? beside(bfs[0]) ?? cached.get(key)?.acc ?? null;
    if (!ent && !ev) continue;
    const tokPath = join(dir, 'tokenizer.json');
    if (!existsSync(tokPath) || canonicalJson(JSON.parse(readFileSync(tokPath, 'utf8'))) !== tokJson) continue;
    found.push({
      method: done.method as Method,
      family: String(done.family),
      seed: Number(done.seed),
      dir,
      entropyJsonl: ent,
      evalJsonl: ev,
      finished: String(done.finishedAt ?? ''),
    });
  }
  const rank = (r: (typeof found)[number]) => [r.family === 'qwen-like' ? 0 : 1, r.seed, r.entropyJsonl ? 0 : 1];
  const cmp = (a: (typeof found)[number], b: (typeof found)[number]) => {
    const ra = rank(a),
      rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return b.finished.localeCompare(a.finished);
  };
  return METHODS.flatMap((m) => {
    const best = found.filter((r) => r.method === m).sort(cmp)[0];
    if (!best) return [];
    const { finished: _f, ...run } = best;
    return [run];
  });
}

/** Evaluation-cache files (.cache/evals) by the model key they name: entropy JSON, acc JSONL. */
function evalCacheByModel(dir: string): Map<string, { entropy?: string; acc?: string }> {
  const out = new Map<string, { entropy?: string; acc?: string }>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const kind = f.startsWith('entropy-') ? 'entropy' : f.startsWith('acc-') ? 'acc' : null;
    if (!kind) continue;
    let model: unknown;
    try {
      model = (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { model?: unknown }).model;
    } catch {
      continue; // a file being written
    }
    if (typeof model !== 'string') continue;
    const e = out.get(model) ?? {};
    const path = kind === 'acc' ? join(dir, f.replace(/\.json$/, '.jsonl')) : join(dir, f);
    if (kind === 'acc' && !existsSync(path)) continue;
    e[kind] ??= path;
    out.set(model, e);
  }
  return out;
}

/** The sample of teacher traces: per tier, 60% v=1 (slip fixes first) and 40% v=0, the SFT mix. */
function sampleTraces(pool: readonly Example[], tiers: readonly string[], perTier: number): Example[] {
  const out: Example[] = [];
  for (const tier of tiers) {
    const sft = pool.filter((e) => e.tier === tier && (e.split === 'sft_v1' || e.split === 'sft_v0'));
    const v1 = sft.filter((e) => e.v === 1);
    const fixes = v1.filter((e) => e.truth?.kind === 'correct');
    const ordered1 = [...fixes, ...v1.filter((e) => e.truth?.kind !== 'correct')];
    const n1 = Math.min(ordered1.length, Math.round(perTier * 0.6));
    const v0 = sft.filter((e) => e.v === 0).slice(0, perTier - n1);
    // Interleave in proportion so that the first few of a tier show both kinds.
    const a = ordered1.slice(0, n1);
    let i = 0,
      j = 0;
    while (i < a.length || j < v0.length) {
      if (j >= v0.length || (i < a.length && i * v0.length <= j * a.length)) out.push(a[i++]);
      else out.push(v0[j++]);
    }
  }
  return out;
}

export function traceOf(ds: Dataset, e: Example): ExplorerTrace {
  // Exactly the training path (lib/train/data.ts sftItems): the tLast of a v=0 trace is ignored.
  const enc = encodeExample(ds.tokenizer, tracePrompt(e.problem), e.response, e.v === 1 ? e.tLast : null);
  const methods = Object.fromEntries(
    METHODS.map((m) => {
      const w = weightExample(m, enc);
      return [m, { inputIds: w.inputIds, weights: Array.from(w.weights) }];
    }),
  ) as ExplorerTrace['methods'];
  // Wrong segments (raw-text offsets) → token ranges in the response. Truth offsets index `raw`;
  // they index `response` too where the two agree up to T_last (the rewrite only swaps the cue).
  const wrong: [number, number][] = [];
  const segs = e.truth?.segments ?? [];
  const agree = e.truth && (e.truth.tLastRaw === null || e.raw.slice(0, e.truth.tLastRaw) === e.response.slice(0, e.truth.tLastRaw));
  if (agree) {
    const offsets = ds.tokenizer.encode(e.response).offsets;
    for (const s of segs) {
      if (!s.wrong || (e.truth!.tLastRaw !== null && s.end > e.truth!.tLastRaw)) continue;
      wrong.push([enc.responseStart + charToToken(offsets, s.start), enc.responseStart + charToToken(offsets, Math.max(s.start, s.end - 1)) + 1]);
    }
  }
  const slip = e.truth?.slip;
  return {
    id: e.id,
    tier: e.tier,
    split: e.split,
    v: e.v,
    problem: e.problem,
    answer: e.answer,
    kind: e.truth?.kind ?? null,
    slip: slip ? `${slip.kind}: ${slip.wrong} instead of ${slip.right}` : null,
    ids: enc.ids,
    responseStart: enc.responseStart,
    tLast: enc.tLastToken,
    wrong,
    methods,
  };
}

interface EntropyLine {
  id: string;
  text: string;
  entropy: number[];
  tLast: number | null;
  tokens?: number[];
}
interface EvalLine {
  id: string;
  mode: string;
  text: string;
  pred: string | null;
  equal: boolean;
}

/**
 * Token ids of a saved generation. The entropy file keeps the decoded text, not the ids: re-encode
 * it and accept the result only when it has as many tokens as there are entropies (one more: the
 * eos the text does not show). Two generated tokens that decode into one word break this.
 */
function recoverIds(ds: Dataset, text: string, count: number | null): number[] | null {
  const ids = ds.tokenizer.encode(text).ids;
  if (count === null || ids.length === count) return ids;
  if (ids.length + 1 === count) return [...ids, ds.tokenizer.eosId];
  return null;
}

/** Build the explorer's data from a dataset and the model runs found for it. */
export function extractExplorer(ds: Dataset, scale: string, o: ExtractOptions = {}): ExplorerData {
  const perTier = o.perTier ?? 20;
  const keep = o.rollouts ?? 3;
  const tok = ds.tokenizer;
  const tiers = [...new Set([...ds.pool.map((e) => e.tier), ...ds.eval.map((p) => p.tier)])].filter((t) => t !== 'openr1');
  const order = ['gsm8k', 'math', 'amc23'];
  tiers.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const traces = sampleTraces(ds.pool, tiers, perTier).map((e) => traceOf(ds, e));
  const missing: string[] = [];
  const runs = o.runs ?? [];
  for (const m of METHODS) if (!runs.some((r) => r.method === m)) missing.push(`no trained sft-${m} model with saved generations at scale ${scale}`);

  const evalById = new Map(ds.eval.map((p) => [p.id, p]));
  const models: ExplorerModel[] = [];
  const wanted = new Set<string>();
  const perTierIds = new Map<string, string[]>();
  for (const p of ds.eval) {
    const list = perTierIds.get(p.tier) ?? [];
    if (list.length < perTier) list.push(p.id);
    perTierIds.set(p.tier, list);
  }
  for (const list of perTierIds.values()) for (const id of list) wanted.add(id);

  let unrecovered = 0;
  for (const run of runs) {
    const problems: Record<string, ExplorerRollout[]> = {};
    const add = (id: string, r: ExplorerRollout) => (problems[id] ??= []).push(r);
    if (run.evalJsonl) {
      for (const g of readJsonlFile<EvalLine>(run.evalJsonl)) {
        if (g.mode !== 'greedy' || !wanted.has(g.id)) continue;
        add(g.id, { mode: 'greedy', ids: recoverIds(ds, g.text, null), text: g.text, entropy: null, tLast: null, pred: g.pred, equal: g.equal });
      }
    } else missing.push(`${basename(run.dir)} (sft-${run.method}): no greedy generations (eval-${scale}.jsonl beside it, or an acc evaluation in .cache/evals naming it)`);
    let threshold: number | null = null;
    if (run.entropyJsonl) {
      const lines = readRecords<EntropyLine>(run.entropyJsonl);
      // The fork cut of forks.ts: the entropy of the ⌈20%·N⌉-th highest token of all rollouts.
      const all = lines.flatMap((l) => l.entropy).sort((a, b) => b - a);
      threshold = all.length ? all[Math.ceil(0.2 * all.length) - 1] : null;
      const kept = new Map<string, number>();
      for (const l of lines) {
        if (!wanted.has(l.id) || (kept.get(l.id) ?? 0) >= keep) continue;
        const p = evalById.get(l.id);
        if (!p) continue;
        kept.set(l.id, (kept.get(l.id) ?? 0) + 1);
        const ids = l.tokens ?? recoverIds(ds, l.text, l.entropy.length);
        if (!ids) unrecovered++;
        const v = gradeResponse(p.answer, l.text);
        add(l.id, { mode: 'rollout', ids, text: l.text, entropy: ids ? l.entropy.map(r3) : null, tLast: l.tLast, pred: v.pred, equal: v.equal });
      }
    } else missing.push(`${basename(run.dir)} (sft-${run.method}): no entropy rollouts (entropy-${scale}.jsonl beside it, or an entropy evaluation in .cache/evals naming it)`);
    models.push({
      method: run.method,
      label: `sft-${run.method} ${run.family} seed ${run.seed} (${basename(run.dir)})`,
      forkThreshold: threshold === null ? null : r3(threshold),
      problems,
    });
  }
  if (unrecovered)
    missing.push(
      `${unrecovered} rollouts shown without entropies: their token ids are not saved (entropy jsonl has no 'tokens') and re-encoding the text gave a different token count`,
    );

  const used = new Set(models.flatMap((m) => Object.keys(m.problems)));
  const evalProblems = ds.eval
    .filter((p) => wanted.has(p.id) && (used.size === 0 || used.has(p.id)))
    .map((p) => ({ id: p.id, tier: p.tier, problem: p.problem, answer: p.answer }));
  const vocab: string[] = [];
  for (let i = 0; i < tok.vocabSize; i++) vocab.push(tok.idToToken(i) ?? '');
  return {
    version: EXPLORER_VERSION,
    scale,
    dataset: basename(ds.dir),
    vocab,
    eosId: tok.eosId,
    bosId: tok.bosId ?? null,
    methods: [...METHODS],
    tiers,
    traces,
    evalProblems,
    models,
    missing,
  };
}

/**
 * Throws a one-line Error when `v` is not explorer data this page can show: every field the page
 * reads has its type (strings are strings, numbers finite numbers), so the browser side never
 * meets a number that is not one.
 */
export function validateExplorer(v: unknown, where: string): asserts v is ExplorerData {
  const d = v as ExplorerData;
  if (!d || typeof d !== 'object' || d.version !== EXPLORER_VERSION || !Array.isArray(d.traces) || !Array.isArray(d.vocab) || !Array.isArray(d.models)) {
    throw new Error(`${where}: not explorer data of version ${EXPLORER_VERSION}`);
  }
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  const isStr = (x: unknown) => typeof x === 'string';
  const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const nums = (x: unknown) => Array.isArray(x) && x.every(isNum);
  const strs = (x: unknown) => Array.isArray(x) && x.every(isStr);
  if (!strs(d.vocab) || !strs(d.methods) || !strs(d.tiers) || !strs(d.missing)) fail('vocab, methods, tiers and missing must be arrays of strings');
  if (!isNum(d.eosId) || !(d.bosId === null || isNum(d.bosId))) fail('eosId and bosId must be numbers');
  for (const t of d.traces) {
    if (![t.id, t.tier, t.split, t.problem, t.answer].every(isStr) || !(t.slip === null || isStr(t.slip)) || !(t.kind === null || isStr(t.kind)))
      fail(`trace ${String(t.id)}: text fields must be strings`);
    if (!nums(t.ids) || !isNum(t.responseStart) || !(t.tLast === null || isNum(t.tLast)) || !Array.isArray(t.wrong) || !t.wrong.every(nums))
      fail(`trace ${t.id}: positions must be numbers`);
    for (const m of d.methods) {
      const w = t.methods?.[m];
      if (!w || !nums(w.inputIds) || !nums(w.weights)) fail(`trace ${t.id} method ${m}: input ids and weights must be numbers`);
      if (w.inputIds.length !== w.weights.length) fail(`trace ${t.id} method ${m}: ids and weights differ in length`);
    }
  }
  if (!Array.isArray(d.evalProblems) || !d.evalProblems.every((p) => [p.id, p.tier, p.problem, p.answer].every(isStr)))
    fail('eval problems need string id, tier, problem and answer');
  for (const m of d.models) {
    if (!isStr(m.method) || !isStr(m.label) || !(m.forkThreshold === null || isNum(m.forkThreshold)) || !m.problems || typeof m.problems !== 'object')
      fail(`model ${String(m.label)}: method, label, forkThreshold and problems`);
    for (const [id, gens] of Object.entries(m.problems)) {
      const ok =
        Array.isArray(gens) &&
        gens.every(
          (g) =>
            isStr(g.text) &&
            isStr(g.mode) &&
            typeof g.equal === 'boolean' &&
            (g.pred === null || isStr(g.pred)) &&
            (g.ids === null || nums(g.ids)) &&
            (g.entropy === null || nums(g.entropy)) &&
            (g.tLast === null || isNum(g.tLast)),
        );
      if (!ok) fail(`model ${m.label} problem ${id}: generations need text, mode, verdict, and numbers for ids, entropy and tLast`);
    }
  }
}
