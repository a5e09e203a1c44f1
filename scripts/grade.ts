// Grade answers line by line with the same extraction and equivalence as the GRPO reward.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { extractAnswer, isEquivalent } from '../lib/eval/answer.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';

const HELP = `Reads JSONL lines {"gold": ..., "pred": ...} from FILE (or stdin when FILE is omitted or "-") and
writes one JSON line per input line, in order: {"equal": true|false}.

gold and pred may each be a bare answer ("\\frac{1}{2}", "x = 3", "27.0") or a whole text that
holds one (\\boxed{...}, "#### N", "the answer is ...", $...$); both are extracted exactly as the
reward extracts a response's answer (lib/eval/answer.ts extractAnswer), then compared gold first
(isEquivalent). Numbers are accepted as well as strings. A pred with no answer is not equal.

A malformed line (not JSON, not an object, gold/pred missing or not a string/number, or blank)
still gets its output line, {"equal": false, "error": "<why>"}, so the output stays aligned with
the input; at the end a one-line summary goes to stderr and the exit code is 1 (2 for a bad
command line or an unreadable FILE).
With --explain each output line also holds the extracted "gold_answer" and "pred_answer".`;

interface Line { equal: boolean; error?: string; gold_answer?: string | null; pred_answer?: string | null }

function field(row: Record<string, unknown>, key: string): string {
  const v = row[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new Error(v === undefined ? `missing "${key}"` : `"${key}" must be a string or a number`);
}

function gradeLine(line: string, explain: boolean): Line {
  if (line.trim() === '') return { equal: false, error: 'blank line' };
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return { equal: false, error: 'not valid JSON' };
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return { equal: false, error: 'expected a JSON object' };
  let gold: string;
  let pred: string;
  try {
    gold = field(row as Record<string, unknown>, 'gold');
    pred = field(row as Record<string, unknown>, 'pred');
  } catch (e) {
    return { equal: false, error: (e as Error).message };
  }
  const g = extractAnswer(gold) ?? gold.trim();
  const p = extractAnswer(pred);
  const out: Line = { equal: p !== null && isEquivalent(g, p) };
  if (explain) {
    out.gold_answer = g;
    out.pred_answer = p;
  }
  return out;
}

await runMain(async () => {
  const args = await scriptYargs('grade', `$0 [FILE] [--explain]\n\n${HELP}`)
    .option('explain', { type: 'boolean', default: false, describe: 'add the extracted gold_answer and pred_answer to each line' })
    .strictOptions()
    .wrap(null)
    .parseAsync();
  const files = args._.map(String);
  if (files.length > 1) throw new UsageError(`expected at most one FILE, got ${files.length}`);
  const file = files[0] ?? '-';
  let input: NodeJS.ReadableStream = process.stdin;
  if (file !== '-') {
    const stream = createReadStream(file);
    // Surface a missing/unreadable file as one usage line before any output is written.
    await new Promise<void>((resolve, reject) => {
      stream.once('error', (e: Error) => reject(new UsageError(`cannot read ${file}: ${e.message}`)));
      stream.once('open', () => resolve());
    });
    input = stream;
  }
  // A closed pipe (grade ... | head) ends the run quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });
  let n = 0;
  let bad = 0;
  let firstBad = '';
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    const out = gradeLine(line, args.explain);
    if (out.error) {
      bad++;
      if (!firstBad) firstBad = `line ${n}: ${out.error}`;
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  // runMain exits the process: let stdout drain first.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  if (bad > 0) throw new Error(`${bad} of ${n} input lines malformed (first: ${firstBad})`);
});
