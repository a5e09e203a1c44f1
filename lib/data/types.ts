// The records the data layer hands to training and evaluation. One JSON object per line in the
// JSONL files that scripts/data.ts writes (pool.jsonl, eval.jsonl, base.jsonl).
import type { SlipKind, Tier } from './world/config.ts';

export type { Tier } from './world/config.ts';

/** Which use an example is reserved for: the paper's 12 : 8 : 9.848 split of the labelled pool,
 *  'unused' for the rest of the raw pool. */
export type Split = 'sft_v1' | 'sft_v0' | 'grpo' | 'unused';

/** Where a label came from (a rule detector or an LLM), with its version. */
export interface Provenance {
  labeller: string;
  version: string;
}

/** One label a trace received and where it came from. An example keeps every label it was given
 *  (an external labeller's and the rules'), the one it trains with first. */
export interface LabelRecord extends Provenance {
  v: 0 | 1;
  /** T_last as a UTF-16 offset into the RAW trace (the start of the cue); null when v=0. */
  tLastRaw: number | null;
  /** Where an external label was read from ("labels.jsonl:12"). */
  source?: string;
}

/** One segment of a world trace, as the generator wrote it (raw text offsets). */
export interface TruthSegment {
  kind: 'step' | 'tentative' | 'early_check' | 'cue' | 'correction' | 'recheck' | 'answer';
  start: number;
  end: number;
  /** Index of the problem step this segment computes, where it computes one. */
  step?: number;
  /** The segment states a wrong value (the slip, or a step computed from it). */
  wrong?: boolean;
}

/** The world's ground truth of a trace. Used ONLY to score the segmenter, never by it. */
export interface TraceTruth {
  v: 0 | 1;
  /** none: no verification; recheck: re-checks a correct first pass; correct: fixes a slip. */
  kind: 'none' | 'recheck' | 'correct';
  slip: { kind: SlipKind; step: number; wrong: string; right: string } | null;
  /** The answer the first pass reached (null when the slip was caught before the pass ended). */
  firstPassAnswer: string | null;
  /** The final verification cue in the raw text ("" with start=end for a bare recomputation). */
  cue: { start: number; end: number; text: string } | null;
  /** T_last in the raw text and in the rewritten response; null when v=0. */
  tLastRaw: number | null;
  tLast: number | null;
  /** The raw text with the final cue replaced by "Wait!". */
  rewritten: string;
  segments: TruthSegment[];
}

/** One teacher example (world or OpenR1). */
export interface Example {
  id: string;
  tier: Tier | 'openr1';
  problem: string;
  /** Gold answer as written inside \boxed{} (e.g. "9", "7/3"). */
  answer: string;
  /** The teacher's raw R1-style text. */
  raw: string;
  /** The standardised response: raw with the final verification cue rewritten to "Wait!". */
  response: string;
  /** 1 when the response holds a verification segment (as labelled, not the world's truth). */
  v: 0 | 1;
  /** Start of the final verification segment: UTF-16 offset of the "W" of "Wait!" in `response`;
   *  null when v=0. */
  tLast: number | null;
  split: Split;
  label: Provenance;
  /** Every label the trace received, with provenance (ingested OpenR1 traces). */
  labels?: LabelRecord[];
  /** World ground truth (world examples only). */
  truth?: TraceTruth;
  /** Anything the source carried that is worth keeping (OpenR1: uuid, source, ...). */
  meta?: Record<string, unknown>;
}

/** A held-out evaluation problem. */
export interface EvalProblem {
  id: string;
  tier: Tier;
  problem: string;
  answer: string;
  /** The world problem's mathematical identity (kind and numbers, see problemKey). */
  key?: string;
}

/** One record of the clean Base pretraining corpus: a terse worked answer, no verification. */
export interface BaseRecord {
  id: string;
  tier: Tier | 'drill';
  problem: string;
  answer: string;
  /** Completion after basePrompt(problem): one line of work (or none) and the \boxed answer. */
  solution: string;
  key?: string;
}
