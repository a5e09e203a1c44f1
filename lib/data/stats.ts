// What `scripts/data.ts stats` reports about a data folder.
import { encodeExample } from './encode.ts';
import type { Dataset } from './dataset.ts';
import { tracePrompt, basePrompt } from './prompts.ts';
import { scoreLabels, type Agreement } from './segment/score.ts';
import type { Split } from './types.ts';

export interface Quantiles { n: number; mean: number; p50: number; p90: number; max: number }

function quantiles(xs: number[]): Quantiles {
  if (!xs.length) return { n: 0, mean: 0, p50: 0, p90: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, p50: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
}

export interface DataStats {
  source: string;
  pool: number;
  byTier: Record<string, number>;
  /** Fraction of the raw pool labelled v=1 (and, for the world, truly v=1). */
  vRatio: number;
  truthVRatio: number | null;
  splits: Record<Split, number>;
  /** Split sizes scaled so that sft_v1 = 12 (the paper: 12 : 8 : 9.848). */
  splitRatio: { sft_v1: number; sft_v0: number; grpo: number };
  agreement: Agreement | null;
  /** Slip kinds in the pool (world truth). */
  slips: Record<string, number>;
  /** Tokens of bos + prompt + response + eos over the SFT and GRPO splits; Base records likewise. */
  lengths: { train: Quantiles; base: Quantiles | null };
  /** Response tokens VGGM gives zero weight (before T_last): over the sft_v1 split, and over the
   *  whole SFT mix (sft_v1 + sft_v0). */
  masked: { sftV1: number; sftMix: number };
  eval: Record<string, number>;
  /** Evaluation problems whose key or text occurs among training problems (must be 0). */
  evalLeaks: number;
  /** Problem keys shared between the SFT splits and the GRPO reserve. */
  sftGrpoSharedKeys: number;
}

export function datasetStats(d: Dataset): DataStats {
  const byTier: Record<string, number> = {};
  const splits: Record<Split, number> = { sft_v1: 0, sft_v0: 0, grpo: 0, unused: 0 };
  const slips: Record<string, number> = {};
  let v1 = 0, tv1 = 0, withTruth = 0;
  const train: number[] = [];
  let maskedV1 = 0, respV1 = 0, respMix = 0;
  const sftKeys = new Set<string>(), grpoKeys = new Set<string>();
  for (const e of d.pool) {
    byTier[e.tier] = (byTier[e.tier] ?? 0) + 1;
    splits[e.split]++;
    v1 += e.v;
    if (e.truth) {
      withTruth++;
      tv1 += e.truth.v;
      const k = e.truth.slip?.kind ?? (e.truth.kind === 'none' ? 'none (v=0)' : 'none (re-check)');
      slips[k] = (slips[k] ?? 0) + 1;
    }
    const key = (e.meta?.key as string | undefined) ?? e.problem;
    if (e.split === 'grpo') grpoKeys.add(key);
    if (e.split === 'sft_v1' || e.split === 'sft_v0') sftKeys.add(key);
    if (e.split === 'unused') continue;
    const enc = encodeExample(d.tokenizer, tracePrompt(e.problem), e.response, e.tLast);
    train.push(enc.ids.length);
    const resp = enc.eos - enc.responseStart; // response tokens, eos excluded
    if (e.split === 'sft_v1' || e.split === 'sft_v0') {
      respMix += resp;
      if (e.split === 'sft_v1') {
        respV1 += resp;
        maskedV1 += (enc.tLastToken ?? enc.responseStart) - enc.responseStart;
      }
    }
  }
  const base = d.base.length ? d.base.map((b) => encodeExample(d.tokenizer, basePrompt(b.problem), b.solution).ids.length) : null;
  const trainKeys = new Set<string>();
  const trainTexts = new Set<string>();
  for (const e of d.pool) { trainKeys.add((e.meta?.key as string | undefined) ?? ''); trainTexts.add(e.problem); }
  for (const b of d.base) { if (b.key) trainKeys.add(b.key); trainTexts.add(b.problem); }
  const evalCounts: Record<string, number> = {};
  let evalLeaks = 0;
  for (const p of d.eval) {
    evalCounts[p.tier] = (evalCounts[p.tier] ?? 0) + 1;
    if ((p.key && trainKeys.has(p.key)) || trainTexts.has(p.problem)) evalLeaks++;
  }
  const u = splits.sft_v1 / 12 || 1;
  return {
    source: d.manifest.source,
    pool: d.pool.length,
    byTier,
    vRatio: d.pool.length ? v1 / d.pool.length : 0,
    truthVRatio: withTruth ? tv1 / withTruth : null,
    splits,
    splitRatio: { sft_v1: splits.sft_v1 / u, sft_v0: splits.sft_v0 / u, grpo: splits.grpo / u },
    agreement: withTruth ? scoreLabels(d.pool.filter((e) => e.truth).map((e) => ({ truth: e.truth!, label: { v: e.v, tLast: e.tLast, rewritten: e.response } }))) : null,
    slips,
    lengths: { train: quantiles(train), base: base && quantiles(base) },
    masked: { sftV1: respV1 ? maskedV1 / respV1 : 0, sftMix: respMix ? maskedV1 / respMix : 0 },
    eval: evalCounts,
    evalLeaks,
    sftGrpoSharedKeys: [...grpoKeys].filter((k) => sftKeys.has(k)).length,
  };
}
