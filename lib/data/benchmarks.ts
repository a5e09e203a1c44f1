// Loaders for the real benchmark files as published (copies in data/benchmarks/, SOURCES.md there):
//   GSM8K test.jsonl   {question, answer: worked solution ending in "#### N"}
//   MATH(-500) jsonl   {problem, solution (answer in \boxed{}), answer?, unique_id?, ...}
//   AMC'23 jsonl       {id?, problem | question, answer: a number such as 27.0}
// Each returns EvalProblem records {id, tier, problem, answer}, in file order.
//
// Bad input: these are fixed published files, so a line that is not JSON or lacks a field means
// the wrong file (or a damaged copy), and silently skipping it would change the benchmark. Any
// such line throws an Error naming the file and line; blank lines are ignored.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractAnswer } from '../eval/answer.ts';
import type { EvalProblem, Tier } from './types.ts';

type Row = Record<string, unknown>;

function str(row: Row, keys: string[], where: string): string {
  for (const k of keys) {
    const v = row[k];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  throw new Error(`${where}: missing string field ${keys.join(' or ')}`);
}

function rows(text: string, source: string): { row: Row; where: string; n: number }[] {
  const out: { row: Row; where: string; n: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not valid JSON`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${where}: expected a JSON object`);
    out.push({ row: row as Row, where, n: out.length });
  });
  return out;
}

/** GSM8K: the gold is what follows the last "####", with thousands commas removed (2,125 → 2125). */
export function parseGsm8k(text: string, source = 'gsm8k'): EvalProblem[] {
  return rows(text, source).map(({ row, where, n }) => {
    const solution = str(row, ['answer'], where);
    const m = /####\s*([^\n]+?)\s*$/.exec(solution);
    if (!m) throw new Error(`${where}: answer has no "#### N" line`);
    const answer = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(m[1]) ? m[1].replace(/,/g, '') : m[1];
    return { id: `gsm8k/${n}`, tier: 'gsm8k', problem: str(row, ['question', 'problem'], where), answer };
  });
}

/** MATH: the `answer` field when present, else the last \boxed{} of the solution. */
export function parseMath(text: string, source = 'math'): EvalProblem[] {
  return rows(text, source).map(({ row, where, n }) => {
    const problem = str(row, ['problem'], where);
    let answer = typeof row.answer === 'string' && row.answer.trim() !== '' ? row.answer.trim() : null;
    if (answer === null) {
      const boxed = /\\(?:boxed|fbox)/.test(String(row.solution ?? '')) ? extractAnswer(String(row.solution)) : null;
      if (boxed === null) throw new Error(`${where}: no answer field and no \\boxed{} in solution`);
      answer = boxed;
    }
    const id = typeof row.unique_id === 'string' ? row.unique_id : `math/${n}`;
    return { id, tier: 'math', problem, answer };
  });
}

/** AMC'23: answers are JSON numbers (27.0) or strings; integral floats are written as integers. */
export function parseAmc23(text: string, source = 'amc23'): EvalProblem[] {
  return rows(text, source).map(({ row, where, n }) => {
    const problem = str(row, ['problem', 'question'], where);
    const a = row.answer;
    let answer: string;
    if (typeof a === 'number' && Number.isFinite(a)) answer = String(a);
    else if (typeof a === 'string' && a.trim() !== '') answer = a.trim();
    else throw new Error(`${where}: missing answer (number or string)`);
    const id = typeof row.id === 'number' || typeof row.id === 'string' ? `amc23/${row.id}` : `amc23/${n}`;
    return { id, tier: 'amc23', problem, answer };
  });
}

/** Where the published copies live: $VGGM_BENCHMARKS, else the repository's data/benchmarks. */
export function benchmarkDir(): string {
  return process.env.VGGM_BENCHMARKS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../data/benchmarks');
}

export const BENCHMARK_FILES: Record<Tier, string> = {
  gsm8k: 'gsm8k_test.jsonl',
  math: 'math500_test.jsonl',
  amc23: 'amc23_test.jsonl',
};

const PARSERS: Record<Tier, (text: string, source: string) => EvalProblem[]> = {
  gsm8k: parseGsm8k,
  math: parseMath,
  amc23: parseAmc23,
};

/** Read one benchmark file of the given tier (default: the published copy in benchmarkDir()). */
export function loadBenchmark(tier: Tier, path = join(benchmarkDir(), BENCHMARK_FILES[tier])): EvalProblem[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${tier} benchmark ${path}: ${(e as Error).message}`);
  }
  const out = PARSERS[tier](text, path);
  if (out.length === 0) throw new Error(`${path}: no records`);
  return out;
}
