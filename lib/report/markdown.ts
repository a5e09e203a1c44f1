// Markdown from a results file: for tables, our "mean ± 95% CI" beside the paper's number in
// every cell; for series, one row per x (thinned when long). Numbers come straight from the
// results JSON, rounded once here. Every string from the file is text: HTML in a title, label or
// note is escaped (it shows as typed, here and on the report page), and a code span is fenced so
// that no backtick inside it can end it.
import { axisTitle, categories, compactNumber, label, type Point, type ResultSet, type ResultsFile } from './results.ts';

/** Decimals for a set: its own, else 1 for %/pp, else ~3 significant digits of its largest mean. */
export function decimalsFor(set: ResultSet): number {
  if (set.decimals !== undefined) return set.decimals;
  if (set.y.unit === '%' || set.y.unit === 'pp') return 1;
  const maxAbs = Math.max(0, ...set.points.map((p) => Math.abs(p.mean)));
  if (maxAbs === 0) return 2;
  return Math.min(4, Math.max(0, 2 - Math.floor(Math.log10(maxAbs))));
}

const VERDICT_WORDS = { positive: 'above 0', negative: 'below 0', inconclusive: 'inconclusive' } as const;

/** "83.1 ± 1.2" (or "83.1" with a single seed); a point with its own interval: "4.7 [1.2, 8.3] above 0". */
export function formatMeasured(p: Pick<Point, 'mean' | 'ci95' | 'interval' | 'verdict'>, decimals: number): string {
  const m = fixed(p.mean, decimals);
  if (p.interval) return `${m} [${fixed(p.interval.lo, decimals)}, ${fixed(p.interval.hi, decimals)}]${p.verdict ? ` ${VERDICT_WORDS[p.verdict]}` : ''}`;
  return p.ci95 === null ? m : `${m} ± ${fixed(p.ci95, decimals)}`;
}

function fixed(v: number, d: number): string {
  const s = v.toFixed(d);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s; // no "-0.0"
}

/** A string from a results file as Markdown text: HTML markup escaped, on one line. */
export function mdText(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

/** A code span holding `s` literally: a backtick fence longer than any backtick run inside it. */
export function mdCode(s: unknown): string {
  const text = String(s).replace(/\r?\n/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  const pad = /^`|`$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function esc(s: string): string {
  return mdText(s).replace(/\|/g, '\\|');
}

function table(header: string[], body: string[][], align: ('l' | 'r')[]): string {
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
  const sep = `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  return [line(header), sep, ...body.map(line)].join('\n');
}

function isCategorical(set: ResultSet): boolean {
  return set.points.some((p) => typeof p.x === 'string');
}

/**
 * One set as a markdown table. Categorical x (benchmarks): rows = groups, and per column our
 * mean ± CI then the paper's number (a paper column only where the paper has numbers). Numeric x:
 * rows = x (at most `maxRows`, evenly thinned, first and last kept), columns = groups.
 */
export function setToMarkdown(set: ResultSet, opts: { maxRows?: number } = {}): string {
  const d = decimalsFor(set);
  const groups = categories(
    set.group,
    set.points.map((p) => p.group),
  );
  const xs = categories(
    set.x,
    set.points.map((p) => p.x),
  );
  const at = new Map(set.points.map((p) => [`${p.group}\u0000${p.x}`, p]));
  const get = (g: string, x: string) => at.get(`${g}\u0000${x}`);
  if (isCategorical(set)) {
    const paperCols = new Set(xs.filter((x) => groups.some((g) => get(g, x)?.paper != null)));
    const header = [set.group.title];
    for (const x of xs) {
      header.push(`${label(set.x, x)} ours`);
      if (paperCols.has(x)) header.push(`${label(set.x, x)} paper`);
    }
    const body = groups.map((g) => {
      const r = [label(set.group, g)];
      for (const x of xs) {
        const p = get(g, x);
        r.push(p ? formatMeasured(p, d) : '–');
        if (paperCols.has(x)) r.push(p?.paper != null ? fixed(p.paper, d) : '–');
      }
      return r;
    });
    return table(
      header,
      body,
      header.map((_, i) => (i === 0 ? 'l' : 'r')),
    );
  }
  const numericXs = xs.map(Number).sort((a, b) => a - b);
  const keep = thin(numericXs, opts.maxRows ?? 15);
  const header = [axisTitle(set.x), ...groups.map((g) => label(set.group, g))];
  const body = keep.map((x) => [
    xLabel(x),
    ...groups.map((g) => {
      const p = get(g, String(x));
      return p ? formatMeasured(p, d) : '–';
    }),
  ]);
  const out = table(
    header,
    body,
    header.map((_, i) => (i === 0 ? 'l' : 'r')),
  );
  return keep.length < numericXs.length ? `${out}\n\n(${keep.length} of ${numericXs.length} rows shown; all are in the JSON.)` : out;
}

/** Sample counts as 3k, 19k; any other number (step 1490) exactly as it is. */
function xLabel(x: number): string {
  const c = compactNumber(x);
  const lossless = Number(c.replace(/k$/, 'e3').replace(/M$/, 'e6')) === x;
  return lossless && (Math.abs(x) >= 10_000 || x % 1000 === 0) && c !== String(x) ? c : String(x);
}

/** At most n values, evenly spaced by index, first and last included. */
function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
  return [...new Set(out)];
}

/** The whole results file: title, provenance line, one section per set, the paper's claims. */
export function resultsToMarkdown(file: ResultsFile, opts: { sets?: string[]; intro?: string[] } = {}): string {
  const ids = opts.sets ?? Object.keys(file.sets);
  const parts: string[] = [`# ${mdText(file.title)}`, ''];
  parts.push(
    `Scale ${mdCode(file.scale)}, seeds ${file.seeds.join(', ')} (ours: mean ± 95% CI, Student t over seeds), ` +
      `wall time ${formatWall(file.wallTimeSec)}; made by ${mdCode(file.createdBy)} on ${mdText(file.createdAt.slice(0, 10))}.`,
    '',
  );
  for (const line of opts.intro ?? []) parts.push(line, '');
  for (const id of ids) {
    const set = file.sets[id];
    if (!set) throw new Error(`${file.name}: no set '${id}' in the results file`);
    const how = set.interval ? ` Intervals: ${mdText(set.interval)}.` : '';
    parts.push(`## ${mdText(set.title)}`, '', `Values: ${mdText(axisTitle(set.y))}.${how}`, '', setToMarkdown(set), '');
    for (const n of set.notes ?? []) parts.push(`- ${mdText(n)}`);
    if (set.notes?.length) parts.push('');
  }
  if (file.paperNotes?.length) {
    parts.push('## What the paper reports', '');
    for (const n of file.paperNotes) parts.push(`- ${mdText(n)}`);
    parts.push('');
  }
  if (file.notes?.length) {
    parts.push('## Notes', '');
    for (const n of file.notes) parts.push(`- ${mdText(n)}`);
    parts.push('');
  }
  return parts.join('\n');
}

function formatWall(sec: number): string {
  if (sec < 90) return `${sec.toFixed(0)} s`;
  if (sec < 5400) return `${(sec / 60).toFixed(1)} min`;
  return `${(sec / 3600).toFixed(2)} h`;
}
