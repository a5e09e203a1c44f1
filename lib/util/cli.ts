// What every script shares: the common options (--scale, --seed/--seeds, --out, --force), a main
// wrapper that turns errors into one line and a non-zero exit and always lets the process exit
// (a live Dawn device keeps Node alive), and a progress reporter (bar with ETA on a terminal,
// plain periodic lines in CI logs).
import cliProgress from 'cli-progress';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runCleanups } from './cleanup.ts';
import { InterruptedError, requestInterrupt } from './interrupt.ts';

export const SCALES = ['smoke', 'cpu', 'paper'] as const;
export type Scale = (typeof SCALES)[number];

export interface CommonArgs {
  scale: Scale;
  /** The seeds to run: --seeds wins, then --seed, then the scale's default (smoke: [1], else [1, 2, 3]). */
  seeds: number[];
  /** Output folder (default results/). */
  out: string;
  /** Recompute even when cached models or results exist. */
  force: boolean;
}

/** Bad command-line input or a precondition the user can fix: reported as one line, exit code 2. */
export class UsageError extends Error {}

export function defaultSeeds(scale: Scale): number[] {
  return scale === 'smoke' ? [1] : [1, 2, 3];
}

function parseSeeds(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v])
    .flatMap((x) => String(x).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const seeds = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isInteger(seeds[i]) || seeds[i] < 0);
  if (bad !== undefined || seeds.length === 0) throw new UsageError(`--seeds: expected non-negative integers like 1,2,3, got '${parts.join(',')}'`);
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`--seeds: duplicate seed in '${parts.join(',')}'`);
  return seeds;
}

/** Add the common options to a yargs instance (for scripts that build their own). */
export function withCommonOptions<T>(y: Argv<T>) {
  return y
    .option('scale', {
      choices: SCALES,
      default: 'cpu' as Scale,
      describe: "smoke: seconds, for CI; cpu: the default experiment on a 2-core CPU; paper: the paper's counts, for a real GPU",
    })
    .option('seed', { type: 'number', describe: 'run a single seed' })
    .option('seeds', { type: 'string', array: true, describe: 'seeds to run, e.g. --seeds 1,2,3 (default: 1 at smoke scale, 1,2,3 otherwise)' })
    .option('out', { type: 'string', default: 'results', describe: 'folder for <name>.json/.md/.vl.json/.svg/.png' })
    .option('force', { type: 'boolean', default: false, describe: 'recompute what this script makes even when it is cached (models it starts from are reused)' })
    .conflicts('seed', 'seeds');
}

/**
 * A yargs instance with what every script's command line shares: its name and usage text,
 * --help/-h, no --version, and parse errors raised as UsageError (one line, exit code 2 in
 * runMain). Scripts add their options and their strictness (.strict() or .strictOptions()).
 */
export function scriptYargs(name: string, usage: string, argv: string[] = hideBin(process.argv)): Argv<{}> {
  return yargs(argv)
    .scriptName(name)
    .usage(usage)
    .help()
    .alias('h', 'help')
    .version(false)
    .fail((msg, err) => {
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: …"): keep one line.
      throw new UsageError((msg || err?.message || 'invalid command line').replace(/\s*\n\s*/g, ' '));
    });
}

/**
 * Parse the command line of a script: common options plus those `extend` adds, --help, strict
 * (unknown options are an error). Errors become UsageError so runMain prints one line.
 */
export async function parseCli<E = {}>(
  opts: { name: string; describe: string; argv?: string[]; defaultSeeds?: (scale: Scale) => number[] },
  extend: (y: Argv<{}>) => Argv<E> = (y) => y as unknown as Argv<E>,
): Promise<CommonArgs & Omit<E, 'seed' | 'seeds' | 'scale' | 'out' | 'force'>> {
  const y = extend(
    withCommonOptions(
      scriptYargs(opts.name, `$0 [options]\n\n${opts.describe}`, opts.argv)
        .strict()
        .wrap(Math.min(110, process.stdout.columns || 100)),
    ) as unknown as Argv<{}>,
  );
  const a = (await y.parseAsync()) as Record<string, unknown>;
  const scale = a.scale as Scale;
  const seeds = parseSeeds(a.seeds) ?? (a.seed !== undefined ? parseSeeds(a.seed) : undefined) ?? (opts.defaultSeeds ?? defaultSeeds)(scale);
  const { _: _pos, $0: _bin, seed: _seed, ...rest } = a;
  return { ...(rest as object), scale, seeds, out: a.out as string, force: a.force as boolean } as CommonArgs & Omit<E, 'seed' | 'seeds' | 'scale' | 'out' | 'force'>;
}

// Error classes whose message is written for the user: printed alone, no stack trace. Plain
// `Error`s are what lib/ throws for bad input (one-line messages by convention), so they count
// too; TypeError, RangeError & co. are bugs and keep their stack.
function isExpected(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  if (err instanceof UsageError || err instanceof InterruptedError) return true;
  const name = err.constructor?.name ?? '';
  return err.constructor === Error || /^(GpuUnavailable|DeviceLimit)Error$/.test(name) || (err as NodeJS.ErrnoException).code !== undefined;
}

/**
 * Run a script's main function and exit explicitly: 0 on success (or process.exitCode if something
 * set it, e.g. a WebGPU validation error), 2 on UsageError, 1 on any other error, 130 on Ctrl-C
 * (a training loop first writes a checkpoint at its step boundary).
 * Expected errors print `<script>: error: <message>` on one line; set VGGM_DEBUG=1 for stacks.
 */
export async function runMain(main: () => Promise<unknown> | unknown): Promise<never> {
  const name = process.argv[1]?.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '') ?? 'script';
  const onSigint = () => {
    // A training loop stops at its next step boundary with a checkpoint (lib/util/interrupt.ts);
    // otherwise, or on a second Ctrl-C, quit now.
    if (requestInterrupt()) {
      process.stderr.write(`\n${name}: stopping after the current step (Ctrl-C again to quit now)\n`);
      return;
    }
    process.off('SIGINT', onSigint);
    process.stderr.write(`\n${name}: interrupted\n`);
    runCleanups();
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  let code = 0;
  try {
    await main();
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    code = err instanceof UsageError ? 2 : err instanceof InterruptedError ? 130 : 1;
    const debug = !!process.env.VGGM_DEBUG;
    if (isExpected(err) && !debug) {
      const firstLine = err.message.split('\n')[0];
      process.stderr.write(`${name}: error: ${firstLine}\n`);
    } else {
      process.stderr.write(`${name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  runCleanups();
  process.exit(code);
}

// ---- progress ------------------------------------------------------------------------------

export interface Progress {
  /** Advance by `n` (default 1); `fields` (loss=…, acc=…) are shown beside the count. */
  tick(n?: number, fields?: Record<string, string | number>): void;
  /** Finish: the bar is completed, a final line is printed in plain mode. */
  done(): void;
}

export interface ProgressOptions {
  /** 'bar' on a terminal, 'plain' when stderr is not a TTY or CI is set; 'off' prints nothing. */
  mode?: 'bar' | 'plain' | 'off';
  /** Plain mode prints at most one line per this many ms (default 15 s), plus the final one. */
  intervalMs?: number;
  stream?: NodeJS.WritableStream;
  /** Clock (ms); injectable for tests. */
  now?: () => number;
  /** units already done before this process (a resumed run): shown in the count, left out of the ETA's rate */
  start?: number;
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.round(sec);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatFields(fields: Record<string, string | number> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : Number(v.toPrecision(4))) : v}`)
    .join(' ');
}

/** A progress reporter for `total` units of work, written to stderr (stdout stays for data). */
export function progress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = (stream as NodeJS.WriteStream).isTTY === true && !process.env.CI;
  const mode = opts.mode ?? (process.env.VGGM_PROGRESS as ProgressOptions['mode']) ?? (tty ? 'bar' : 'plain');
  const now = opts.now ?? Date.now;
  const t0 = now();
  const start = opts.start ?? 0;
  let value = start;
  let fields: Record<string, string | number> | undefined;
  let finished = false;

  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted} {fields}`,
        stream: stream as NodeJS.WriteStream,
        etaBuffer: 50,
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: true, // mode 'bar' was chosen (or forced): draw even when the stream says it is no TTY
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start, { fields: '' });
    return {
      tick(n = 1, f) {
        value += n;
        if (f) fields = f;
        bar.update(Math.min(value, total), { fields: formatFields(fields) });
      },
      done() {
        if (finished) return;
        finished = true;
        bar.update(Math.min(value, total), { fields: formatFields(fields) });
        bar.stop();
      },
    };
  }

  const interval = opts.intervalMs ?? 15_000;
  let lastPrint = t0;
  const line = (final: boolean) => {
    if (mode === 'off') return;
    const el = (now() - t0) / 1000;
    const pct = total > 0 ? Math.floor((100 * value) / total) : 100;
    const eta = final ? '' : `, ETA ${value > start ? formatDuration((el / (value - start)) * (total - value)) : '?'}`;
    const f = formatFields(fields);
    stream.write(`${label}: ${value}/${total} (${pct}%) ${formatDuration(el)} elapsed${eta}${final ? ', done' : ''}${f ? ' | ' + f : ''}\n`);
  };
  return {
    tick(n = 1, f) {
      value += n;
      if (f) fields = f;
      const t = now();
      if (t - lastPrint >= interval && value < total) {
        lastPrint = t;
        line(false);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      line(true);
    },
  };
}
