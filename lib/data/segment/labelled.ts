// The labelled set of real R1 traces (test/data/fixtures/r1/*.jsonl): each trace with v and the
// first sentence of its final verification judged by reading, its source and its license. This
// module turns the set into OpenR1-style rows plus external labels, so that the project's own
// `data.ts ingest --labels` and `data.ts stats` measure the rules labeller against it, and computes
// the same agreement report in one call (`data.ts labelled-report`). How the set was built and
// what it measured: docs/labelling.md.
import { buildWorldTokenizer, loadTokenizer } from '../../tokenizer/index.ts';
import { datasetTexts } from '../dataset.ts';
import { ingestRows, type ExternalLabel, labelKey, type RowResult } from '../openr1.ts';
import type { Example } from '../types.ts';
import { ruleLabeller } from './labeller.ts';
import { detectVerification } from './rules.ts';
import { compareStarts, referenceAgreement, responseLossShare, type ReferenceAgreement } from './score.ts';
import { parseJsonLines } from '../jsonl.ts';

export type LabelledSplit = 'dev' | 'heldout';

export interface LabelledTrace {
  id: string;
  problem: string;
  /** The row's answer (used only when the trace boxes none). */
  answer: string;
  trace: string;
  v: 0 | 1;
  /** The first sentence of the final verification, verbatim; null when v=0. */
  tLastSentence: string | null;
  /** 'dev' traces may be looked at while changing the rules; 'heldout' ones may not. */
  split: LabelledSplit;
  /** Where the trace came from: its data set and license. */
  source: { dataset: string; license: string };
}

/** The labeller name recorded for these labels. */
export const READING_LABELLER = { labeller: 'reading', version: '1' } as const;

/** Parse a labelled-set JSONL file; a bad line is an error naming the file and line. A trace
 *  without a split is a development trace (the set's first, pre-split file). */
export function parseLabelledSet(text: string, name: string): LabelledTrace[] {
  const out: LabelledTrace[] = [];
  for (const { value: o, where } of parseJsonLines(text, name)) {
    for (const k of ['id', 'problem', 'answer', 'trace'] as const)
      if (typeof o[k] !== 'string' || !(o[k] as string).trim()) throw new Error(`${where}: "${k}" must be a non-empty string`);
    if (o.v !== 0 && o.v !== 1) throw new Error(`${where}: "v" must be 0 or 1`);
    const s = o.tLastSentence ?? null;
    if (o.v === 1 && (typeof s !== 'string' || !(o.trace as string).includes(s))) throw new Error(`${where}: v=1 needs "tLastSentence", a sentence found verbatim in "trace"`);
    const split = o.split ?? 'dev';
    if (split !== 'dev' && split !== 'heldout') throw new Error(`${where}: "split" must be "dev" or "heldout"`);
    const src = o.source as Record<string, unknown> | undefined;
    if (typeof src?.dataset !== 'string' || typeof src?.license !== 'string') throw new Error(`${where}: "source" needs "dataset" and "license" (a trace without a known license does not belong in the set)`);
    out.push({ id: o.id as string, problem: o.problem as string, answer: o.answer as string, trace: o.trace as string, v: o.v, tLastSentence: o.v === 1 ? (s as string) : null, split, source: { dataset: src.dataset, license: src.license } });
  }
  const seen = new Set<string>();
  for (const t of out) {
    if (seen.has(t.id)) throw new Error(`${name}: id ${t.id} appears twice`);
    seen.add(t.id);
  }
  return out;
}

/** One OpenR1-style row per trace (uuid = id, one verified generation). */
export function labelledRow(t: LabelledTrace): Record<string, unknown> {
  return { uuid: t.id, problem: t.problem, answer: t.answer, source: 'labelled-set', generations: [t.trace], correctness_math_verify: [true] };
}

/** The trace's reading label as an `ingest --labels` line (a quoted sentence for T_last). */
export function labelledLabel(t: LabelledTrace): { uuid: string; generation: number; v: 0 | 1; t_last_sentence?: string; labeller: string; version: string } {
  return { uuid: t.id, generation: 0, v: t.v, ...(t.v === 1 ? { t_last_sentence: t.tLastSentence! } : {}), ...READING_LABELLER };
}

export interface LabelledSubsetReport {
  n: number;
  agreement: ReferenceAgreement | null;
  /** Share of response tokens that get loss (VGGM) under the reading labels and under the rules. */
  lossShare: { reading: number; rules: number };
  /** Traces whose rules label is confident (Detection.confident) and the others: how many, and
   *  on how many the rules agree with the reading (same v and, where both are 1, T_last in the
   *  same sentence). */
  byConfidence: { confident: { n: number; agree: number }; uncertain: { n: number; agree: number } };
}

export interface LabelledReport {
  labeller: string;
  subsets: Record<'heldout' | 'dev' | 'all', LabelledSubsetReport>;
  /** Per trace: the reading and the rules T_last (raw offsets) and the sentence each starts. */
  traces: { id: string; split: LabelledSplit; vReading: 0 | 1; vRules: 0 | 1; reading: number | null; rules: number | null; readingSentence: string | null; rulesSentence: string | null }[];
  /** Response tokens are counted with a world tokenizer built from these traces (as `stats` does). */
  tokens: string;
}

/** Ingest the set through the OpenR1 path with the reading labels as external labels (exactly
 *  what `ingest --labels` does), then score the rules against them per split. */
export async function labelledReport(set: readonly LabelledTrace[]): Promise<LabelledReport> {
  const rows: RowResult[] = set.map((t, index) => ({ index, row: labelledRow(t) }));
  const external = new Map<string, ExternalLabel>(set.map((t, i) => {
    const l = labelledLabel(t);
    return [labelKey(l.uuid, 0), { uuid: l.uuid, generation: 0, v: l.v, tLast: l.t_last_sentence ?? null, ...READING_LABELLER, source: `labelled set:${i + 1}` }];
  }));
  const { examples, comparison } = await ingestRows(rows, ruleLabeller, undefined, external);
  if (comparison.unplaced || examples.length !== set.length) throw new Error(`labelled set: ${set.length - examples.length} of ${set.length} traces could not be ingested with their reading label`);
  const tok = loadTokenizer(buildWorldTokenizer(datasetTexts(examples, [], [])));
  const splitOf = new Map(set.map((t) => [t.id, t.split]));
  const idOf = (e: Example) => e.meta!.uuid as string;
  // The rules' own detection of each trace, made once: its rewrite (for the loss share) and its
  // confidence mark, which the ingested label does not carry.
  const detected = new Map(examples.map((e) => [e, detectVerification(e.raw, e.answer)]));
  const asRules = (e: Example): Example => {
    const d = detected.get(e)!;
    return { ...e, v: d.v, tLast: d.tLast, response: d.rewritten };
  };
  const byConfidence = (pool: readonly Example[]): LabelledSubsetReport['byConfidence'] => {
    const out = { confident: { n: 0, agree: 0 }, uncertain: { n: 0, agree: 0 } };
    for (const e of pool) {
      const d = detected.get(e)!;
      const reading = e.labels!.find((l) => l.labeller === READING_LABELLER.labeller)!;
      const agree = d.v === reading.v && (d.v === 0 || compareStarts(e.raw, reading.tLastRaw!, d.cue!.start).sameSentence);
      const c = d.confident ? out.confident : out.uncertain;
      c.n++;
      if (agree) c.agree++;
    }
    return out;
  };
  const subset = (pick: (e: Example) => boolean): LabelledSubsetReport => {
    const pool = examples.filter(pick);
    return {
      n: pool.length,
      agreement: referenceAgreement(pool, ruleLabeller.name),
      lossShare: { reading: responseLossShare(pool, tok), rules: responseLossShare(pool.map(asRules), tok) },
      byConfidence: byConfidence(pool),
    };
  };
  const sentenceAt = (raw: string, at: number | null) => (at === null ? null : raw.slice(at, at + 100).split('\n')[0]);
  return {
    labeller: `${READING_LABELLER.labeller}@${READING_LABELLER.version}`,
    subsets: { heldout: subset((e) => splitOf.get(idOf(e)) === 'heldout'), dev: subset((e) => splitOf.get(idOf(e)) === 'dev'), all: subset(() => true) },
    traces: examples.map((e) => {
      const reading = e.labels!.find((l) => l.labeller === READING_LABELLER.labeller)!, rules = e.labels!.find((l) => l.labeller === ruleLabeller.name)!;
      return { id: idOf(e), split: splitOf.get(idOf(e))!, vReading: reading.v, vRules: rules.v, reading: reading.tLastRaw, rules: rules.tLastRaw, readingSentence: sentenceAt(e.raw, reading.tLastRaw), rulesSentence: sentenceAt(e.raw, rules.tLastRaw) };
    }),
    tokens: 'world tokenizer built from the set (lib/data/dataset.ts), as data.ts stats counts them',
  };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}% (${a}/${b})` : 'n/a (0)');

/** The report as markdown; `command` is the command line that produced it. */
export function renderLabelledReport(r: LabelledReport, set: readonly LabelledTrace[], command: string, note?: string): string {
  const sources = new Map<string, number>();
  for (const t of set) sources.set(`${t.source.dataset} | ${t.source.license}`, (sources.get(`${t.source.dataset} | ${t.source.license}`) ?? 0) + 1);
  const row = (name: string, s: LabelledSubsetReport) => {
    const a = s.agreement;
    return `| ${name} | ${s.n} | ${a ? pct(a.vAgree, a.n) : 'n/a'} | ${a ? pct(a.sameSentence, a.bothV1) : 'n/a'} | ${a ? pct(a.within80, a.bothV1) : 'n/a'} | ${(100 * s.lossShare.reading).toFixed(1)}% | ${(100 * s.lossShare.rules).toFixed(1)}% |`;
  };
  const cell = (x: string | null) => (x === null ? '-' : '`' + x.replace(/`/g, "'").replace(/\|/g, '\\|').slice(0, 70) + '`');
  return [
    '# The rules labeller on the labelled set of real R1 traces',
    '',
    `Produced by \`${command}\` (do not edit by hand). The set, how it was judged and what the numbers mean: docs/labelling.md.`,
    `Reference labels: ${r.labeller} (v and T_last judged by reading each trace before the rules were run on it); compared labeller: ${ruleLabeller.name}@${ruleLabeller.version}.`,
    '',
    ...(note ? [`Note: ${note}`, ''] : []),
    `Traces: ${set.length} (${set.filter((t) => t.split === 'heldout').length} held out, ${set.filter((t) => t.split === 'dev').length} development). Acceptance (issue 25): T_last agreement >= 90%, v agreement >= 95%, on >= 40 traces.`,
    '',
    '| source | license | traces |',
    '|---|---|---|',
    ...[...sources].map(([k, n]) => `| ${k} | ${n} |`),
    '',
    '| subset | traces | v agreement | T_last same sentence (both v=1) | T_last within 80 chars | response tokens with loss, reading labels | same, rules labels |',
    '|---|---|---|---|---|---|---|',
    row('held out', r.subsets.heldout),
    row('development', r.subsets.dev),
    row('all', r.subsets.all),
    '',
    'Where the rules mark their label confident (v=1 and the start sentence names a check of the result; `Detection.confident`, lib/data/segment/rules.ts) and where not; agreement = same v and, where both are 1, T_last in the same sentence. `data.ts label-export --uncertain-only` exports the others for a language-model labeller.',
    '',
    '| subset | confident: traces | confident: agree | others: traces | others: agree |',
    '|---|---|---|---|---|',
    ...(['heldout', 'dev', 'all'] as const).map((k) => {
      const c = r.subsets[k].byConfidence;
      return `| ${{ heldout: 'held out', dev: 'development', all: 'all' }[k]} | ${c.confident.n} | ${pct(c.confident.agree, c.confident.n)} | ${c.uncertain.n} | ${pct(c.uncertain.agree, c.uncertain.n)} |`;
    }),
    '',
    `Tokens: ${r.tokens}.`,
    '',
    '| trace | split | v reading / rules | T_last reading (offset: sentence) | T_last rules (offset: sentence) | same start |',
    '|---|---|---|---|---|---|',
    ...r.traces.map((t) => `| ${t.id} | ${t.split} | ${t.vReading} / ${t.vRules} | ${t.reading ?? '-'}: ${cell(t.readingSentence)} | ${t.rules ?? '-'}: ${cell(t.rulesSentence)} | ${t.vReading === t.vRules && t.reading === t.rules ? 'yes' : t.reading !== null && t.rules !== null && Math.abs(t.reading - t.rules) <= 80 ? 'within 80' : 'no'} |`),
    '',
  ].join('\n');
}

/** A second reader's labels for traces of the labelled set: the same judgement, made without
 *  seeing the first reader's labels, to measure how far two careful readers agree. */
export interface SecondReading {
  id: string;
  v: 0 | 1;
  tLastSentence: string | null;
}

/** Parse a second reading (JSONL: id, v, tLastSentence; other fields are kept in the file only). */
export function parseSecondReading(text: string, name: string): SecondReading[] {
  return parseJsonLines(text, name).map(({ value: o, where }) => {
    if (typeof o.id !== 'string' || !o.id) throw new Error(`${where}: "id" must be a non-empty string`);
    if (o.v !== 0 && o.v !== 1) throw new Error(`${where}: "v" must be 0 or 1`);
    if (o.v === 1 && (typeof o.tLastSentence !== 'string' || !o.tLastSentence.trim())) throw new Error(`${where}: v=1 needs "tLastSentence"`);
    return { id: o.id, v: o.v, tLastSentence: o.v === 1 ? (o.tLastSentence as string) : null };
  });
}

export interface ReaderAgreement {
  n: number;
  vAgree: number;
  bothV1: number;
  /** T_last in the same sentence, as labelled-report counts it for the rules. */
  sameSentence: number;
  within80: number;
  /** Traces where the two readings differ in v or in T_last's sentence. */
  differ: string[];
}

/** How two readings of the same traces agree, by the measure labelled-report applies to the rules
 *  (a quoted sentence is placed at its first occurrence, as `ingest --labels` places it). Every
 *  second-reading id must be in `first`, and its sentence in that trace. */
export function readerAgreement(first: readonly LabelledTrace[], second: readonly SecondReading[]): ReaderAgreement {
  const byId = new Map(first.map((t) => [t.id, t]));
  const a: ReaderAgreement = { n: 0, vAgree: 0, bothV1: 0, sameSentence: 0, within80: 0, differ: [] };
  for (const r of second) {
    const t = byId.get(r.id);
    if (!t) throw new Error(`second reading: ${r.id} is not in the labelled set`);
    if (r.v === 1 && !t.trace.includes(r.tLastSentence!)) throw new Error(`second reading: ${r.id}: its T_last sentence is not in the trace`);
    a.n++;
    let same = r.v === t.v;
    if (same) a.vAgree++;
    if (r.v === 1 && t.v === 1) {
      a.bothV1++;
      const c = compareStarts(t.trace, t.trace.indexOf(t.tLastSentence!), t.trace.indexOf(r.tLastSentence!));
      if (c.sameSentence) a.sameSentence++;
      else same = false;
      if (c.within80) a.within80++;
    }
    if (!same) a.differ.push(r.id);
  }
  return a;
}
