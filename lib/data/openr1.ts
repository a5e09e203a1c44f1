// Ingestion of OpenR1-Math-220k (open-r1/OpenR1-Math-220k: problem, solution, answer, uuid,
// source, generations[], correctness_math_verify[], finish_reasons[], ...) from parquet or JSONL.
// Keeps the generations that math-verify marked correct (as the paper's data did), segments each
// with a labeller, and yields Examples in the same normalised form as the world. Malformed rows
// and generations are counted and skipped with a reason; nothing in the input can crash a run.
import { readFileSync } from 'node:fs';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { lastBoxed } from './prompts.ts';
import { labelTrace, type LabelCache, type Labeller } from './segment/labeller.ts';
import type { Example } from './types.ts';

export type RowResult = { index: number; row: Record<string, unknown> } | { index: number; error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Rows of a JSONL file: lines that are not valid UTF-8 or not a JSON object come back as errors. */
export function readJsonlRows(path: string): RowResult[] {
  const buf = readFileSync(path);
  const out: RowResult[] = [];
  let start = 0;
  let index = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x0a) continue;
    const bytes = buf.subarray(start, i);
    start = i + 1;
    if (bytes.length === 0 || (bytes.length === 1 && bytes[0] === 0x0d)) continue;
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      out.push({ index: index++, error: 'invalid UTF-8' });
      continue;
    }
    try {
      const row = JSON.parse(text);
      if (row === null || typeof row !== 'object' || Array.isArray(row)) out.push({ index: index++, error: 'not a JSON object' });
      else out.push({ index: index++, row });
    } catch {
      out.push({ index: index++, error: 'not JSON' });
    }
  }
  return out;
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

export async function readOpenR1Rows(path: string): Promise<RowResult[]> {
  if (/\.parquet$/i.test(path)) return readParquetRows(path);
  if (/\.jsonl?$/i.test(path)) return readJsonlRows(path);
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
  if (lastBoxed(g) === null) return 'no \\boxed{}';
  return null;
}

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** Normalise rows into Examples (split 'unused'; the caller assigns splits). */
export async function ingestRows(rows: Iterable<RowResult>, labeller: Labeller, cache?: LabelCache): Promise<{ examples: Example[]; report: IngestReport }> {
  const report: IngestReport = { rows: 0, rowsKept: 0, generations: 0, kept: 0, skipped: {}, examples: [] };
  const skip = (reason: string, row: number, generation?: number) => {
    report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
    if (report.examples.length < 20) report.examples.push({ row, generation, reason });
  };
  const examples: Example[] = [];
  for (const r of rows) {
    report.rows++;
    if ('error' in r) { skip(r.error, r.index); continue; }
    const row = r.row;
    const bad = rowProblem(row);
    if (bad) { skip(bad, r.index); continue; }
    const gens = row.generations as unknown[];
    const ok = row.correctness_math_verify as unknown[];
    const finish = Array.isArray(row.finish_reasons) ? row.finish_reasons : [];
    const uuid = typeof row.uuid === 'string' ? row.uuid : `row${r.index}`;
    let any = false;
    for (let i = 0; i < gens.length; i++) {
      report.generations++;
      if (ok[i] !== true) { skip(typeof ok[i] === 'boolean' ? 'not verified by math-verify' : 'correctness_math_verify entry is not a boolean', r.index, i); continue; }
      const why = generationProblem(gens[i], finish[i]);
      if (why) { skip(why, r.index, i); continue; }
      const raw = gens[i] as string;
      const l = await labelTrace(labeller, raw, cache);
      examples.push({
        id: `${uuid}-g${i}`, tier: 'openr1', problem: row.problem as string, answer: row.answer as string,
        raw, response: l.rewritten, v: l.v, tLast: l.tLast, split: 'unused', label: l.provenance,
        meta: { uuid: str(row.uuid), source: str(row.source), problem_type: str(row.problem_type), question_type: str(row.question_type), generation: i, boxed: lastBoxed(raw) },
      });
      report.kept++;
      any = true;
    }
    if (any) report.rowsKept++;
  }
  return { examples, report };
}
