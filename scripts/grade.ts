// Grade answers line by line with the same extraction and equivalence as the GRPO reward.
import { closeSync, openSync } from 'node:fs';
import { gradePair } from '../lib/eval/answer.ts';
import { fileChunks, MAX_LINE_BYTES, readLines, type RawLine } from '../lib/eval/grade/lines.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';

const HELP = `Reads JSONL lines {"gold": ..., "pred": ...} from FILE (or stdin when FILE is omitted or "-") and
writes one JSON line per input line, in order: {"equal": true|false}.

gold and pred may each be a bare answer ("\\frac{1}{2}", "x = 3", "27.0") or a whole text that
holds one (\\boxed{...}, "#### N", "the answer is ...", $...$); both are extracted as the reward
extracts a response's answer, following Math-Verify's rules (docs/grader.md), then compared gold
first. Numbers are accepted as well as strings. A pred with no answer is not equal.

A line longer than ${MAX_LINE_BYTES} bytes is not read: it gets {"equal": false, "unparseable": "..."}
and is counted. A line that is not valid UTF-8, not JSON, not an object, lacks gold/pred (string
or number) or is blank gets {"equal": false, "error": "<why>"}, so the output stays aligned with
the input; at the end a one-line summary goes to stderr and the exit code is 1 (2 for a bad
command line or an unreadable FILE).
With --explain each output line also holds, per side, the extracted answer, the extraction rule
and the canonical form, and the rule that decided. A line with a boolean "expected" is counted
towards an agreement summary on stderr ("agreement: k/n").`;

interface Side {
  answer: string | null;
  rule: string | null;
  form: string | null;
}
interface Out {
  equal: boolean;
  error?: string;
  unparseable?: string;
  gold?: Side;
  pred?: Side;
  rule?: string;
}

function field(row: Record<string, unknown>, key: string): string {
  const v = row[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new Error(v === undefined ? `missing "${key}"` : `"${key}" must be a string or a number`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function gradeLine(raw: RawLine, explain: boolean): { out: Out; expected?: boolean } {
  if (raw.overflow) return { out: { equal: false, unparseable: `line over ${MAX_LINE_BYTES} bytes` } };
  let line: string;
  try {
    line = utf8.decode(raw.bytes);
  } catch {
    return { out: { equal: false, error: 'invalid UTF-8' } };
  }
  if (line.trim() === '') return { out: { equal: false, error: 'blank line' } };
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return { out: { equal: false, error: 'not valid JSON' } };
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return { out: { equal: false, error: 'expected a JSON object' } };
  const obj = row as Record<string, unknown>;
  let gold: string;
  let pred: string;
  try {
    gold = field(obj, 'gold');
    pred = field(obj, 'pred');
  } catch (e) {
    return { out: { equal: false, error: (e as Error).message } };
  }
  const g = gradePair(gold, pred);
  const out: Out = { equal: g.equal };
  if (explain) {
    out.gold = { answer: g.gold?.answer ?? null, rule: g.gold?.rule ?? null, form: g.comparison?.goldForm ?? null };
    out.pred = { answer: g.pred?.answer ?? null, rule: g.pred?.rule ?? null, form: g.comparison?.predForm ?? null };
    out.rule = g.comparison?.rule ?? (g.gold === null ? 'no-gold-answer' : 'no-pred-answer');
  }
  return { out, expected: typeof obj.expected === 'boolean' ? obj.expected : undefined };
}

await runMain(async () => {
  const args = await scriptYargs('grade', `$0 [FILE] [--explain]\n\n${HELP}`)
    .option('explain', { type: 'boolean', default: false, describe: "add each side's extracted answer, extraction rule and canonical form, and the deciding rule" })
    .strictOptions()
    .wrap(null)
    .parseAsync();
  const files = args._.map(String);
  if (files.length > 1) throw new UsageError(`expected at most one FILE, got ${files.length}`);
  const file = files[0] ?? '-';
  let input: AsyncIterable<Buffer> | Iterable<Uint8Array> = process.stdin;
  if (file !== '-') {
    // Surface a missing/unreadable file as one usage line before any output is written.
    try {
      closeSync(openSync(file, 'r'));
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    input = fileChunks(file);
  }
  // A closed pipe (grade ... | head) ends the run quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  let n = 0;
  let bad = 0;
  let unparseable = 0;
  let firstBad = '';
  let judged = 0;
  let agreed = 0;
  for await (const raw of readLines(input)) {
    n++;
    const { out, expected } = gradeLine(raw, args.explain);
    if (out.error) {
      bad++;
      if (!firstBad) firstBad = `line ${n}: ${out.error}`;
    }
    if (out.unparseable) unparseable++;
    if (expected !== undefined) {
      judged++;
      if (expected === out.equal) agreed++;
    }
    if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
  // runMain exits the process: let stdout drain first.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  if (judged > 0) process.stderr.write(`agreement: ${agreed}/${judged} (${((100 * agreed) / judged).toFixed(1)}%) with the "expected" verdicts\n`);
  if (unparseable > 0) process.stderr.write(`unparseable: ${unparseable} of ${n} lines over ${MAX_LINE_BYTES} bytes\n`);
  if (bad > 0) throw new Error(`${bad} of ${n} input lines malformed (first: ${firstBad})`);
});
