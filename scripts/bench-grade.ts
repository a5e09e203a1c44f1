// Pairs per second of the grader (lib/eval/answer.ts gradeResponse: extraction + equivalence, what
// GRPO's reward calls once per rollout) on a realistic mix, beside a peer measured in the same
// run: a string-equality baseline (the last \boxed{...} of the response, else its last number,
// compared to the gold as trimmed strings). The old grader is not available at run time, so the
// baseline is the peer; the ratio says what the Math-Verify rules cost over the cheapest grader.
// Also measured: the bounded-work cases (a line over 1 MiB, a 1 MB response, deep nesting).
// Writes results/bench-grade.json (atomically) and prints one line per measure.
//   npx tsx scripts/bench-grade.ts [--seconds 2] [--out results/bench-grade.json]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCHMARK_FILES, benchmarkDir } from '../lib/data/benchmarks.ts';
import { gradeResponse } from '../lib/eval/answer.ts';
import { readLines } from '../lib/eval/grade/lines.ts';
import { writeJsonAtomic } from '../lib/util/atomic.ts';
import { runMain, scriptYargs } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

interface Pair {
  gold: string;
  response: string;
}

const ROOT = resolve(import.meta.dirname, '..');

/** World-style rollouts: a first-pass boxed answer, "Wait!", a final boxed answer (integers and fractions). */
function worldPairs(n: number, rng: Rng): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const a = 1 + Math.floor(rng.next() * 90);
    const b = 2 + Math.floor(rng.next() * 9);
    const gold = i % 3 === 0 ? `${a}/${b}` : String(a);
    const first = i % 2 === 0 ? gold : String(a + 1);
    const final = i % 4 === 0 ? String(a + 2) : gold;
    out.push({
      gold,
      response: `Ava has ${a} coins and finds ${b} more. ${a} + ${b} = ${a + b}. So the answer is \\boxed{${first}}. Wait! Let me check: ${a + b} - ${b} = ${a}. The answer is \\boxed{${final}}.`,
    });
  }
  return out;
}

function jsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

function baseline(gold: string, response: string): boolean {
  const at = response.lastIndexOf('\\boxed{');
  let ans: string | null = null;
  if (at >= 0) {
    let depth = 0;
    for (let j = at + 6; j < response.length; j++) {
      if (response[j] === '{') depth++;
      else if (response[j] === '}' && --depth === 0) {
        ans = response.slice(at + 7, j);
        break;
      }
    }
  }
  ans ??= response.match(/-?\d+(?:\.\d+)?(?:\/\d+)?/g)?.pop() ?? null;
  return ans !== null && ans.trim() === gold.trim();
}

/** Pairs per second (wall and per CPU-second of this process) of `grade` over `pairs`, repeated for ≥ `seconds`. */
function rate(pairs: Pair[], grade: (g: string, r: string) => boolean, seconds: number): { wall: number; cpu: number; equal: number } {
  let equal = 0;
  for (const p of pairs) if (grade(p.gold, p.response)) equal++; // warm-up, and the verdict count
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const p of pairs) grade(p.gold, p.response);
    n += pairs.length;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall: n / wall, cpu: n / ((c.user + c.system) / 1e6), equal };
}

function ms(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

async function msAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

await runMain(async () => {
  const args = await scriptYargs('bench-grade', '$0 [--seconds S] [--out FILE]')
    .option('seconds', { type: 'number', default: 2, describe: 'time per measure' })
    .option('out', { type: 'string', default: join(ROOT, 'results/bench-grade.json') })
    .strictOptions()
    .parseAsync();
  const rng = new Rng(1);
  const math = jsonl(join(benchmarkDir(), BENCHMARK_FILES.math)).map((r) => ({ gold: String(r.answer), response: String(r.solution) }));
  const gsm = jsonl(join(benchmarkDir(), BENCHMARK_FILES.gsm8k))
    .slice(0, 500)
    .map((r) => ({ gold: String(r.answer).split('####').pop()!.trim(), response: String(r.answer) }));
  const mv = (JSON.parse(readFileSync(join(ROOT, 'test/eval/fixtures/math-verify-cases.json'), 'utf8')).cases as { gold: string; pred: string }[]).map((c) => ({
    gold: c.gold,
    response: c.pred,
  }));
  const mixes: Record<string, Pair[]> = {
    'world rollouts (GRPO reward)': worldPairs(2000, rng),
    'MATH-500 solutions': math,
    'GSM8K solutions': gsm,
    'Math-Verify test pairs': mv,
  };
  const ours = (g: string, r: string) => gradeResponse(g, r).equal;
  const rows: Record<string, unknown>[] = [];
  for (const [name, pairs] of Object.entries(mixes)) {
    const a = rate(pairs, ours, args.seconds);
    const b = rate(pairs, baseline, args.seconds);
    rows.push({ mix: name, pairs: pairs.length, grader: a, string_baseline: b, cpu_ratio: a.cpu / b.cpu });
    console.log(
      `${name.padEnd(30)} ${pairs.length} pairs: grader ${a.wall.toFixed(0)} pairs/s (${a.cpu.toFixed(0)} per cpu-s, ${a.equal} equal), string baseline ${b.wall.toFixed(0)} pairs/s (${b.cpu.toFixed(0)} per cpu-s, ${b.equal} equal), grader/baseline per cpu-s ${(a.cpu / b.cpu).toFixed(3)}`,
    );
  }
  // Bounded work.
  const big = new Uint8Array(50 * (1 << 20)).fill(40);
  big[big.length - 1] = 10;
  const bounds = {
    'line of 50 MiB through the line reader (ms)': await msAsync(async () => {
      for await (const line of readLines([big])) void line;
    }),
    'response of 1 MB, no answer (ms)': ms(() => gradeResponse('1', 'x '.repeat(500_000))),
    'response of 1 MB of numbers (ms)': ms(() => gradeResponse('1', '7 '.repeat(500_000))),
    'response of 1 MB of "answer" words (ms)': ms(() => gradeResponse('1', 'answer '.repeat(140_000))),
    'response of 1 MB of $...$ spans (ms)': ms(() => gradeResponse('1', '$\\zzz$ '.repeat(120_000))),
    'response of 1 MB of alternating $n$ spans and numbers (ms)': ms(() => gradeResponse('1', '$1$ 2 '.repeat(170_000))),
    'response of 1 MB of unclosed boxes (ms)': ms(() => gradeResponse('1', '\\boxed{('.repeat(120_000))),
    'boxed answer nested 10000 deep (ms)': ms(() => gradeResponse('1', `\\boxed{${'('.repeat(10_000)}1${')'.repeat(10_000)}}`)),
    'response over 1 MiB (ms)': ms(() => gradeResponse('1', `\\boxed{1}${' '.repeat(1 << 20)}`)),
  };
  for (const [k, v] of Object.entries(bounds)) console.log(`${k}: ${v.toFixed(1)}`);
  writeJsonAtomic(args.out, {
    when: new Date().toISOString(),
    peer: 'string equality of the last \\boxed{} (else last number) with the gold, same run',
    mixes: rows,
    bounds_ms: bounds,
  });
  console.log(`wrote ${args.out}`);
});
