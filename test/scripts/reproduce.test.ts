// The five reproduction scripts end to end at smoke scale, as CI runs them: each writes
// <name>.json/.md/.vl.json/.svg/.png, the JSON validates, every number in the markdown equals the
// JSON's (parsed back from the tables, not re-formatted), and the scripts share one model cache:
// what table1 trained, figure1 and budget-forcing only load; what table1 evaluated, table2 reuses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compactNumber, readResults, type ResultSet, type ResultsFile } from '../../lib/report/results.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vggm-repro-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = join(tmp, 'results');

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, '--scale', 'smoke', '--seeds', '1', '--out', out, ...args], {
    env: { ...process.env, VGGM_CACHE: join(tmp, 'cache'), VGGM_PROGRESS: 'plain' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0)
    throw new Error(
      `${script} exited ${r.status}: ${(r.stderr ?? '')
        .split('\n')
        .filter((l) => !l.startsWith('Warning'))
        .slice(-5)
        .join(' | ')}`,
    );
  return r;
}

/** The markdown table under "## <title>": header cells and body rows. */
function mdTable(md: string, title: string): { header: string[]; rows: string[][] } {
  const lines = md.split('\n');
  const at = lines.indexOf(`## ${title}`);
  if (at < 0) throw new Error(`no section '## ${title}'`);
  const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
  const table: string[][] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) table.push(lines[i].slice(2, -2).split(' | '));
  return { header: table[0], rows: table.slice(2) };
}

/** "83.1 ± 1.2", or "4.7 [1.2, 8.3] above 0" (a point with its own interval) → the numbers and their decimals. */
function cell(s: string): { mean: number; ci: number | null; d: number; lo?: number; hi?: number; verdict?: string } {
  const iv = /^(-?\d+(?:\.(\d+))?) \[(-?\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?)\](?: (above 0|below 0|inconclusive))?$/.exec(s);
  if (iv) return { mean: Number(iv[1]), ci: null, d: iv[2]?.length ?? 0, lo: Number(iv[3]), hi: Number(iv[4]), verdict: iv[5] };
  const m = /^(-?\d+(?:\.(\d+))?)(?: ± (\d+(?:\.\d+)?))?$/.exec(s);
  if (!m) throw new Error(`cell '${s}' is not a number`);
  return { mean: Number(m[1]), ci: m[3] === undefined ? null : Number(m[3]), d: m[2]?.length ?? 0 };
}

const VERDICT_WORDS: Record<string, string> = { positive: 'above 0', negative: 'below 0', inconclusive: 'inconclusive' };

function close(shown: number, exact: number, d: number): boolean {
  return Math.abs(shown - exact) <= 0.5 * 10 ** -d + 1e-9;
}

const lbl = (axis: ResultSet['group'], k: string | number) => axis.labels?.[String(k)] ?? String(k);

/** Check every point of every set shown in the markdown; returns the number of cells checked. */
function checkMarkdown(f: ResultsFile, md: string): number {
  let checked = 0;
  for (const [id, set] of Object.entries(f.sets)) {
    if (id.endsWith('Spikes') && f.sets[id.slice(0, -6)]?.chart === 'loss') continue; // drawn on the loss panel
    const { header, rows } = mdTable(md, set.title);
    const categorical = set.points.some((p) => typeof p.x === 'string');
    for (const p of set.points) {
      let shown: string | undefined, paper: string | undefined;
      if (categorical) {
        const row = rows.find((r) => r[0] === lbl(set.group, p.group));
        shown = row?.[header.indexOf(`${lbl(set.x, p.x)} ours`)];
        const pc = header.indexOf(`${lbl(set.x, p.x)} paper`);
        paper = pc >= 0 ? row?.[pc] : undefined;
      } else {
        const key = typeof p.x === 'number' && Number.isInteger(p.x) && Math.abs(p.x) >= 1000 ? compactNumber(p.x) : String(p.x);
        const row = rows.find((r) => r[0] === key);
        if (!row) continue; // long series are thinned in the markdown (all rows are in the JSON)
        shown = row[header.indexOf(lbl(set.group, p.group))];
      }
      expect(shown, `${f.name}/${id} (${p.group}, ${p.x}) missing from the markdown`).toBeDefined();
      const c = cell(shown!);
      expect(close(c.mean, p.mean, c.d), `${f.name}/${id} (${p.group}, ${p.x}): markdown ${shown} vs JSON ${p.mean}`).toBe(true);
      if (p.interval) {
        expect(close(c.lo!, p.interval.lo, c.d) && close(c.hi!, p.interval.hi, c.d), `${f.name}/${id} (${p.group}, ${p.x}) interval`).toBe(true);
        expect(c.verdict).toBe(VERDICT_WORDS[p.verdict!]);
      } else if (p.ci95 !== null) expect(c.ci !== null && close(c.ci, p.ci95, c.d)).toBe(true);
      else expect(c.ci).toBeNull();
      if (p.paper != null) expect(close(cell(paper!).mean, p.paper, cell(paper!).d), `${f.name}/${id} paper cell`).toBe(true);
      checked++;
    }
  }
  return checked;
}

function outputs(name: string): { file: ResultsFile; md: string } {
  for (const ext of ['json', 'md', 'vl.json', 'svg', 'png']) expect(existsSync(join(out, `${name}.${ext}`)), `${name}.${ext}`).toBe(true);
  const file = readResults(join(out, `${name}.json`)); // validates means/CIs against the values
  expect(file.scale).toBe('smoke');
  expect(file.seeds).toEqual([1]);
  expect(file.wallTimeSec).toBeGreaterThan(0);
  JSON.parse(readFileSync(join(out, `${name}.vl.json`), 'utf8'));
  expect(readFileSync(join(out, `${name}.svg`), 'utf8')).toMatch(/^<svg/);
  expect(
    readFileSync(join(out, `${name}.png`))
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
  return { file, md: readFileSync(join(out, `${name}.md`), 'utf8') };
}

const trainedHere = (f: ResultsFile) => (f.config.modelsTrainedHere as string[]).map((k) => k.replace(/-.*/, ''));

describe('reproduction scripts at smoke scale', () => {
  it('table1 writes all six rows × three tiers with the paper beside them, the paired differences and the diagnostics', () => {
    const r = run('table1');
    expect(r.stderr).toMatch(/^table1: (ETA|no cost model)/m); // the line before anything trains
    const { file, md } = outputs('table1');
    expect(file.sets.accuracy.points).toHaveLength(18);
    expect(file.sets.accuracy.points.every((p) => p.paper != null && p.values[0] >= 0 && p.values[0] <= 100)).toBe(true);
    expect(trainedHere(file).sort()).toEqual(['grpo', 'grpo', 'grpo', 'pretrain', 'sft', 'sft']);
    // every held-out problem the smoke plan asks for, plus the supplementary set, recorded
    expect(file.config.evalSets).toEqual({ heldOut: { gsm8k: 4, math: 4, amc23: 3 }, supplementary: { gsm8k: 4, math: 0, amc23: 3 } });
    expect(file.config.problems).toBe(18);
    const diffs = file.sets.differences;
    expect(diffs.points).toHaveLength(5 * 3);
    for (const p of diffs.points) {
      expect(p.interval!.lo).toBeLessThanOrEqual(p.mean);
      expect(p.interval!.hi).toBeGreaterThanOrEqual(p.mean);
      expect(p.mde).toBeGreaterThanOrEqual(0);
    }
    expect(md).toMatch(/Smallest VGGM − SFT difference this design detects with 80% power/);
    expect(md).not.toMatch(/\b(tie|ties|tied|level)\b/i);
    expect(checkMarkdown(file, md)).toBe(18 + 15);

    const diag = outputs('diagnostics');
    expect(diag.file.createdBy).toBe(file.createdBy);
    expect(diag.file.sets.answers.points).toHaveLength(6 * 5);
    expect(diag.file.sets.entropy.points).toHaveLength(6);
    expect(diag.file.sets.entropy.points.every((p) => p.mean > 0)).toBe(true);
    expect(diag.file.config.mechanismTraces).toBe(8);
    expect(checkMarkdown(diag.file, diag.md)).toBeGreaterThanOrEqual(36);
  }, 400_000);

  it('figure1 and budget-forcing reuse table1 models; table2 trains only what table1 did not', () => {
    run('figure1');
    const f1 = outputs('fig1');
    expect(trainedHere(f1.file)).toEqual([]);
    const shares = f1.file.sets.entropy.points.filter((p) => p.group === 'sft').reduce((s, p) => s + p.mean, 0);
    expect(shares).toBeCloseTo(100, 6);
    expect(checkMarkdown(f1.file, f1.md)).toBeGreaterThan(0);

    run('budget-forcing');
    const bf = outputs('budget_forcing');
    expect(trainedHere(bf.file)).toEqual([]);
    expect(bf.file.sets.delta.points).toHaveLength(6);
    expect(checkMarkdown(bf.file, bf.md)).toBeGreaterThan(6);

    const evaluated = () =>
      new Map(
        readdirSync(join(tmp, 'cache', 'evals'))
          .filter((f) => /^acc-.*\.json$/.test(f))
          .map((f) => [f, (JSON.parse(readFileSync(join(tmp, 'cache', 'evals', f), 'utf8')) as { model: string }).model]),
      );
    const before = evaluated();
    run('table2');
    const t2 = outputs('table2');
    // qwen-like Base/SFT/VGGM come from table1's cache; llama-like's and both distill runs are new
    expect(trainedHere(t2.file).sort()).toEqual(['distill', 'distill', 'pretrain', 'sft', 'sft']);
    // ... and so do their evaluations: Table 2 asks for Table 1's problems, so only the 5 new models are evaluated
    const t1models = outputs('table1').file.config.models as Record<string, string[]>;
    const t2models = t2.file.config.models as Record<string, string[]>;
    for (const row of ['base', 'sft', 'vggm']) expect(t2models[`qwen-like:${row}`]).toEqual(t1models[row]);
    const added = [...evaluated()].filter(([f]) => !before.has(f)).map(([, model]) => model);
    expect(added.sort()).toEqual(['llama-like:base', 'llama-like:sft', 'llama-like:vggm', 'llama-like:distill', 'qwen-like:distill'].flatMap((g) => t2models[g]).sort());
    expect(t2.file.config.problems).toBe(outputs('table1').file.config.problems);
    expect(t2.file.sets.accuracy.points).toHaveLength(24);
    // paired differences per family (VGGM − SFT, distill − SFT, VGGM − distill) on each tier, with
    // Table 1's bootstrap intervals and verdicts
    expect(t2.file.sets.differences.points).toHaveLength(18);
    expect(t2.file.sets.differences.points.every((p) => p.interval && p.verdict)).toBe(true);
    expect(checkMarkdown(t2.file, t2.md)).toBeGreaterThanOrEqual(24);
    expect(t2.md).toContain('trained 2× the SFT steps'); // the smoke scale's distill budget

    // --distill-steps replaces that budget: only the two distill runs are new, and the file says so.
    run('table2', '--distill-steps', '1');
    const half = outputs('table2');
    expect(trainedHere(half.file)).toEqual(['distill', 'distill']);
    expect((half.file.config.distill as { stepsFactor: number }).stepsFactor).toBe(1);
    expect(half.md).toContain('trained 1× the SFT steps');
    expect(() => run('table2', '--distill-steps', '0')).toThrow(/exited 2: .*--distill-steps must be a positive number, got 0/);
  }, 600_000);

  it('figure2 writes curves at every point, per-step losses and gradient variance', () => {
    run('figure2');
    const { file, md } = outputs('fig2');
    const cfg = file.config as { steps: number[] };
    expect(file.sets.gsm8k.points).toHaveLength(2 * cfg.steps.length);
    expect(file.sets.loss.points).toHaveLength(2 * cfg.steps[cfg.steps.length - 1]);
    expect(file.sets.stability.points.some((p) => p.x === 'variance')).toBe(true);
    expect(checkMarkdown(file, md)).toBeGreaterThan(10);

    // --sft-steps: new SFT runs of that length, the curve along them, and the results say so
    run('figure2', '--sft-steps', '4');
    const longer = outputs('fig2');
    expect(trainedHere(longer.file)).toEqual(['sft', 'sft']);
    expect((longer.file.config.steps as number[]).at(-1)).toBe(4);
    expect((longer.file.config.training as { sft: { steps: number } }).sft.steps).toBe(4);
    expect(() => run('figure2', '--sft-steps', '0')).toThrow(/exited 2: .*--sft-steps must be a positive integer, got 0/);
    // --sft-lr: new SFT runs at that peak learning rate, recorded in the results' config
    run('figure2', '--sft-lr', '3e-3');
    const faster = outputs('fig2');
    expect(trainedHere(faster.file)).toEqual(['sft', 'sft']);
    expect((faster.file.config.training as { sft: { lr: number } }).sft.lr).toBe(3e-3);
    expect(() => run('figure2', '--sft-lr', '0')).toThrow(/exited 2: .*--sft-lr must be a positive number, got 0/);
  }, 600_000);
});
