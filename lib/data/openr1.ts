// Ingestion of OpenR1-Math-220k (open-r1/OpenR1-Math-220k: problem, solution, answer, uuid,
// source, generations[], correctness_math_verify[], finish_reasons[], ...) from parquet or JSONL.
// Keeps the generations that math-verify marked correct (as the paper's data did), segments each
// with a labeller, and yields Examples in the same normalised form as the world. Malformed rows
// and generations are counted and skipped with a reason; nothing in the input can crash a run.
import { createReadStream } from 'node:fs';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { lastBoxed } from './prompts.ts';
import { labelTrace, type LabelCache, type Labeller } from './segment/labeller.ts';
import { locateLabel, rewriteAt } from './segment/rules.ts';
import type { Example, LabelRecord, Provenance } from './types.ts';
import { parseJsonLines } from './jsonl.ts';

export type RowResult = { index: number; row: Record<string, unknown> } | { index: number; error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Longest JSONL line read by default: OpenR1-Math rows run to a few hundred KB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

function parseLine(bytes: Uint8Array, index: number): RowResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { index, error: 'invalid UTF-8' };
  }
  try {
    const row = JSON.parse(text);
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return { index, error: 'not a JSON object' };
    return { index, row };
  } catch {
    return { index, error: 'not JSON' };
  }
}

/**
 * Rows of a JSONL file, streamed: a line is held in memory only up to `maxLineBytes`; a longer one
 * is skipped unread (counted, with the limit and how to raise it), so no input line can exhaust
 * memory. Lines that are not valid UTF-8 or not a JSON object come back as errors.
 */
export async function* readJsonlRows(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<RowResult> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let index = 0;
  const finish = function* (): Generator<RowResult> {
    if (tooLong) yield { index: index++, error: `line longer than ${maxLineBytes} bytes (--max-line-bytes)` };
    else if (size > 0) {
      const line = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      const body = line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
      if (body.length) yield parseLine(body, index++);
    }
    parts = []; size = 0; tooLong = false;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); ; nl = chunk.indexOf(0x0a, from)) {
      const end = nl < 0 ? chunk.length : nl;
      if (!tooLong) {
        if (size + end - from > maxLineBytes) { tooLong = true; parts = []; size = 0; }
        else if (end > from) { parts.push(Buffer.from(chunk.subarray(from, end))); size += end - from; }
      }
      if (nl < 0) break;
      yield* finish();
      from = nl + 1;
    }
  }
  yield* finish();
}

/** Rows of a parquet file (hyparquet, with the usual compressors). */
export async function readParquetRows(path: string): Promise<RowResult[]> {
  const file = await asyncBufferFromFile(path);
  let rows: Record<string, unknown>[];
  try {
    rows = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  } catch (e) {
    throw new Error(`${path}: not a readable parquet file (${(e as Error).message.split('\n')[0]})`);
  }
  return rows.map((row, index) => ({ index, row }));
}

export async function readOpenR1Rows(path: string, opts: { maxLineBytes?: number } = {}): Promise<Iterable<RowResult> | AsyncIterable<RowResult>> {
  if (/\.parquet$/i.test(path)) return readParquetRows(path);
  if (/\.jsonl?$/i.test(path)) return readJsonlRows(path, opts.maxLineBytes);
  throw new Error(`${path}: expected a .parquet or .jsonl file`);
}

export interface IngestReport {
  rows: number;
  rowsKept: number;
  generations: number;
  kept: number;
  /** Skipped rows or generations, by reason. */
  skipped: Record<string, number>;
  /** The first few skips, for the log: where and why. */
  examples: { row: number; generation?: number; reason: string }[];
}

// Decoders replace bad bytes with U+FFFD; a parquet string holding one was not valid UTF-8.
const BAD_UTF8 = /\uFFFD/;

function rowProblem(row: Record<string, unknown>): string | null {
  const p = row.problem;
  if (typeof p !== 'string' || !p.trim()) return 'missing or non-string problem';
  if (typeof row.answer !== 'string' || !row.answer.trim()) return 'missing or non-string answer';
  const g = row.generations, c = row.correctness_math_verify;
  if (!Array.isArray(g)) return 'generations is not a list';
  if (!Array.isArray(c)) return 'correctness_math_verify is not a list';
  if (g.length !== c.length) return 'generations and correctness_math_verify differ in length';
  if (BAD_UTF8.test(p) || BAD_UTF8.test(row.answer)) return 'invalid UTF-8';
  return null;
}

/** Why a verified generation is unusable, or null. */
function generationProblem(g: unknown, finish: unknown): string | null {
  if (typeof g !== 'string') return 'generation is not a string';
  if (BAD_UTF8.test(g)) return 'invalid UTF-8';
  if (finish === 'length') return 'unfinished (finish_reason length)';
  if (g.includes('<think>') && !g.includes('</think>')) return 'unfinished (no </think>)';
  return null;
}

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** A label from outside (an LLM, a person): T_last as a raw character offset or a quoted sentence. */
export interface ExternalLabel {
  uuid: string;
  generation: number;
  v: 0 | 1;
  tLast: number | string | null;
  labeller: string;
  version: string;
  /** "file:line" it was read from. */
  source: string;
}

export const labelKey = (uuid: string, generation: number) => `${uuid}#${generation}`;

/** How external labels compared with the rules labeller on the traces both labelled. */
export interface LabelComparison {
  n: number;
  vAgree: number;
  /** Both v=1: same start, and starts within 80 characters. */
  bothV1: number;
  tLastExact: number;
  tLastWithin80: number;
  /** External labels whose T_last could not be placed (offset out of range, sentence not found). */
  unplaced: number;
  disagreements: { id: string; external: number | null; rules: number | null; vExternal: 0 | 1; vRules: 0 | 1 }[];
}

/** Normalise rows into Examples (split 'unused'; the caller assigns splits). With `external`,
 *  a generation that has an external label trains with it; the rules label is kept beside it. */
export async function ingestRows(rows: Iterable<RowResult> | AsyncIterable<RowResult>, labeller: Labeller, cache?: LabelCache, external?: Map<string, ExternalLabel>): Promise<{ examples: Example[]; report: IngestReport; comparison: LabelComparison }> {
  const report: IngestReport = { rows: 0, rowsKept: 0, generations: 0, kept: 0, skipped: {}, examples: [] };
  const comparison: LabelComparison = { n: 0, vAgree: 0, bothV1: 0, tLastExact: 0, tLastWithin80: 0, unplaced: 0, disagreements: [] };
  const skip = (reason: string, row: number, generation?: number) => {
    report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
    if (report.examples.length < 20) report.examples.push({ row, generation, reason });
  };
  const examples: Example[] = [];
  for await (const r of rows) {
    report.rows++;
    if ('error' in r) { skip(r.error, r.index); continue; }
    const row = r.row;
    const bad = rowProblem(row);
    if (bad) { skip(bad, r.index); continue; }
    const gens = row.generations as unknown[];
    const ok = row.correctness_math_verify as unknown[];
    const finish = Array.isArray(row.finish_reasons) ? row.finish_reasons : [];
    const uuid = typeof row.uuid === 'string' ? row.uuid : `row${r.index}`;
    const gold = row.answer as string;
    let any = false;
    for (let i = 0; i < gens.length; i++) {
      report.generations++;
      if (ok[i] !== true) { skip(typeof ok[i] === 'boolean' ? 'not verified by math-verify' : 'correctness_math_verify entry is not a boolean', r.index, i); continue; }
      const why = generationProblem(gens[i], finish[i]);
      if (why) { skip(why, r.index, i); continue; }
      const raw = gens[i] as string;
      const rules = await labelTrace(labeller, raw, cache, gold);
      const rulesRecord: LabelRecord = { ...rules.provenance, v: rules.v, tLastRaw: rawOffset(rules) };
      let used = { v: rules.v, tLast: rules.tLast, response: rules.rewritten, provenance: rules.provenance as Provenance };
      const labels: LabelRecord[] = [rulesRecord];
      const ext = external?.get(labelKey(uuid, i));
      if (ext) {
        const placed = placeExternal(raw, ext);
        if (!placed) { comparison.unplaced++; skip('external label: T_last not found in the trace', r.index, i); continue; }
        const extRecord: LabelRecord = { labeller: ext.labeller, version: ext.version, v: ext.v, tLastRaw: placed.tLastRaw, source: ext.source };
        labels.unshift(extRecord);
        used = { v: ext.v, tLast: placed.tLast, response: placed.response, provenance: { labeller: ext.labeller, version: ext.version } };
        compare(comparison, `${uuid}-g${i}`, extRecord, rulesRecord);
      }
      examples.push({
        id: `${uuid}-g${i}`, tier: 'openr1', problem: row.problem as string, answer: gold,
        raw, response: used.response, v: used.v, tLast: used.tLast, split: 'unused', label: used.provenance, labels,
        meta: { uuid: str(row.uuid), source: str(row.source), problem_type: str(row.problem_type), question_type: str(row.question_type), generation: i, boxed: lastBoxed(raw) },
      });
      report.kept++;
      any = true;
    }
    if (any) report.rowsKept++;
  }
  return { examples, report, comparison };
}

/** A label's T_last in the raw trace: the rewrite only changes text from T_last on. */
function rawOffset(l: { v: 0 | 1; tLast: number | null }): number | null {
  return l.v === 1 ? l.tLast : null;
}

/** Apply an external label to the raw trace: the trigger at its T_last, or the raw text (v=0). */
export function placeExternal(raw: string, ext: Pick<ExternalLabel, 'v' | 'tLast'>): { tLastRaw: number | null; tLast: number | null; response: string } | null {
  if (ext.v === 0) return { tLastRaw: null, tLast: null, response: raw };
  if (ext.tLast === null) return null;
  const span = locateLabel(raw, ext.tLast);
  if (!span) return null;
  return { tLastRaw: span.start, tLast: span.start, response: rewriteAt(raw, span) };
}

function compare(c: LabelComparison, id: string, ext: LabelRecord, rules: LabelRecord): void {
  c.n++;
  if (ext.v === rules.v) c.vAgree++;
  let close = ext.v === rules.v;
  if (ext.v === 1 && rules.v === 1) {
    c.bothV1++;
    const d = Math.abs(ext.tLastRaw! - rules.tLastRaw!);
    if (d === 0) c.tLastExact++;
    if (d <= 80) c.tLastWithin80++;
    else close = false;
  }
  if (!close) c.disagreements.push({ id, external: ext.tLastRaw, rules: rules.tLastRaw, vExternal: ext.v, vRules: rules.v });
}

/** Read an external labels JSONL file: {uuid, generation, v, tLast (offset or quoted sentence),
 *  labeller?, version?} per line; a bad line is an error naming the line. */
export function parseExternalLabels(text: string, name: string, defaults: { labeller: string; version: string }): Map<string, ExternalLabel> {
  const out = new Map<string, ExternalLabel>();
  for (const { value: o, where } of parseJsonLines(text, name)) {
    const gen = o.generation ?? o.generation_index;
    if (typeof o.uuid !== 'string' || !Number.isInteger(gen)) throw new Error(`${where}: needs "uuid" (string) and "generation" (integer)`);
    if (o.v !== 0 && o.v !== 1) throw new Error(`${where}: "v" must be 0 or 1`);
    const t = o.tLast ?? o.t_last ?? o.t_last_sentence ?? null;
    if (o.v === 1 && !(typeof t === 'string' ? t.trim() : Number.isInteger(t) && (t as number) >= 0)) throw new Error(`${where}: v=1 needs "tLast", a character offset or a quoted sentence`);
    out.set(labelKey(o.uuid, gen as number), {
      uuid: o.uuid, generation: gen as number, v: o.v, tLast: o.v === 1 ? (t as number | string) : null,
      labeller: typeof o.labeller === 'string' ? o.labeller : defaults.labeller,
      version: typeof o.version === 'string' ? o.version : defaults.version, source: where,
    });
  }
  return out;
}
