// The grader against the real published benchmark files (data/benchmarks, SOURCES.md there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHMARK_FILES, benchmarkDir, loadBenchmark } from '../../lib/data/benchmarks.ts';
import { equal } from '../../lib/eval/answer-equal.ts';
import { parseAnswer } from '../../lib/eval/answer-parse.ts';
import { extractAnswer, gradeResponse, isEquivalent } from '../../lib/eval/answer.ts';

function jsonl(tier: keyof typeof BENCHMARK_FILES): Record<string, unknown>[] {
  return readFileSync(join(benchmarkDir(), BENCHMARK_FILES[tier]), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('MATH-500', () => {
  const rows = jsonl('math') as { solution: string; answer: string; unique_id: string }[];

  it('the answer extracted from each solution grades equal to its answer field (≥ 99%)', () => {
    const failing = rows.filter((r) => !gradeResponse(r.answer, r.solution).equal);
    for (const r of failing) console.log(`MATH-500 failing: ${r.unique_id} answer=${JSON.stringify(r.answer)} extracted=${JSON.stringify(extractAnswer(r.solution))}`);
    console.log(`MATH-500 agreement: ${rows.length - failing.length}/${rows.length}`);
    expect(rows.length).toBe(500);
    expect(rows.length - failing.length).toBeGreaterThanOrEqual(495);
  });

  // The solution's box equals the answer field as a string, so the check above mostly takes the
  // string path; this one forces the structural path: every answer must parse, and the parse of
  // the box must equal the parse of the answer field.
  it('every answer field parses and equals the parsed box structurally', () => {
    const unparsed = rows.filter((r) => parseAnswer(r.answer) === null).map((r) => r.answer);
    expect(unparsed).toEqual([]);
    const unequal = rows.filter((r) => {
      const a = parseAnswer(r.answer);
      const b = parseAnswer(extractAnswer(r.solution) ?? '');
      return !(a && b && equal(a, b));
    });
    expect(unequal.map((r) => r.unique_id)).toEqual([]);
  });

  it('neighbouring answers are equal only where they are the same value', () => {
    // A grader that says "equal" too easily shows up here: neighbouring answers are unrelated.
    // The three pairs below were checked by hand (rows 22/23: "5" and "x=5"; 186/187 and
    // 403/404: identical strings).
    const pairs = rows.slice(1).flatMap((r, i) => (isEquivalent(rows[i].answer, r.answer) ? [`${rows[i].answer} | ${r.answer}`] : []));
    expect(pairs).toEqual(['5 | x=5', '7 | 7', '3 | 3']);
  });
});

describe('GSM8K', () => {
  const problems = loadBenchmark('gsm8k');
  const rows = jsonl('gsm8k') as { answer: string }[];

  it('loads 1319 problems whose #### answers are plain integers', () => {
    expect(problems.length).toBe(1319);
    expect(problems.filter((p) => !/^-?\d+$/.test(p.answer))).toEqual([]);
  });

  it('#### answers round-trip: the worked solution grades equal to its own answer, not to another', () => {
    const bad = problems.filter((p, i) => !gradeResponse(p.answer, rows[i].answer).equal);
    expect(bad.map((p) => p.id)).toEqual([]);
    const cross = problems.filter((p, i) => {
      const other = problems[(i + 1) % problems.length];
      return other.answer !== p.answer && gradeResponse(other.answer, rows[i].answer).equal;
    });
    expect(cross.map((p) => p.id)).toEqual([]);
  });
});

describe("AMC'23", () => {
  const problems = loadBenchmark('amc23');

  it('loads 40 problems; "27.0" style answers equal their integers', () => {
    expect(problems.length).toBe(40);
    const raw = readFileSync(join(benchmarkDir(), BENCHMARK_FILES.amc23), 'utf8');
    // The file writes every answer as a float literal (27.0); check the gold against that text.
    const literals = [...raw.matchAll(/"answer":(-?\d+\.\d+)/g)].map((m) => m[1]);
    expect(literals.length).toBe(40);
    problems.forEach((p, i) => {
      expect(isEquivalent(literals[i], p.answer)).toBe(true);
      expect(isEquivalent(p.answer, literals[i])).toBe(true);
      expect(isEquivalent(literals[i], String(Number(literals[i]) + 1))).toBe(false);
      expect(gradeResponse(literals[i], `so the answer is $\\boxed{${p.answer}}$`).equal).toBe(true);
    });
  });
});
