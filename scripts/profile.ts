// Where the time goes: one training step by kernel, one batch of KV-cache decoding by kernel, and a
// reproduction run by phase. Writes results/profile.json and results/profile.md (docs/speed.md
// says what was decided from them).
//
//   step:   the cpu model's SFT step (16 rows x 192 tokens) and Base step (16 x 128), as the
//           training loop runs them (TrainStep.run, then the stats readback); per-kernel GPU time from
//           timestamp queries (each dispatch in its own pass: lib/bench/profiler.ts), host time
//           spent recording, the readback, and the process's CPU time over wall time (cores busy).
//   decode: generate() of the evaluation's batch (64 rows) on the same model, the same way.
//   phases: `--phases run` runs table1 at `--phases-scale` (default smoke) in a fresh cache under
//           .cache/profile/ and sums its models' done.json / metrics.jsonl and its evaluation log
//           lines by phase (lib/bench/phases.ts), with its children's CPU time against wall x cores;
//           `--phases DIR` reads an existing cache (logs from DIR/logs); `--phases none` skips it.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { byClass, type ClassTime } from '../lib/bench/kernel-classes.ts';
import { phaseTimes, type PhaseTime } from '../lib/bench/phases.ts';
import { byKernel, DispatchProfiler, type KernelTime } from '../lib/bench/profiler.ts';
import { spread, type Spread } from '../lib/bench/summary.ts';
import { createContext, type GpuContext } from '../lib/gpu/index.ts';
import { presetConfig, type Family, families } from '../lib/model/config.ts';
import { generate } from '../lib/model/generate.ts';
import { Model } from '../lib/model/model.ts';
import { TrainStep } from '../lib/train/step.ts';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

interface PartProfile {
  what: string;
  /** wall time of the part as the code runs it (no profiler attached), ms */
  wallMs: Spread;
  /** host (JavaScript) time recording and submitting the work, ms (absent where host and device interleave) */
  hostMs?: Spread;
  /** wall time of the readback that ends it, after the device is idle, ms (absent likewise) */
  readbackMs?: Spread;
  /** process CPU seconds per wall second over the timed repetitions (2 = both cores busy) */
  coresBusy: number;
  dispatches: number;
  /** GPU time per kernel class and per kernel of one profiled repetition, ms */
  classes: ClassTime[];
  kernels: KernelTime[];
  gpuMs: number;
  /** wall time of the profiled run itself, ms */
  profiledWallMs: number;
  /** profiledWallMs - gpuMs: dispatch, barriers, host time and readbacks not overlapped with a kernel */
  overheadMs: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Times `run` (host part, returning a promise for the device part and its readback) `reps` times
 * after `warmup`, then once more with every dispatch timed.
 */
async function profilePart(ctx: GpuContext, what: string, warmup: number, reps: number, run: () => { readback: () => Promise<unknown> }, separable = true): Promise<PartProfile> {
  const once = async () => {
    const t0 = performance.now();
    const r = run();
    const t1 = performance.now();
    await ctx.gpu.device.queue.onSubmittedWorkDone();
    const t2 = performance.now();
    await r.readback();
    const t3 = performance.now();
    return { wall: t3 - t0, host: t1 - t0, readback: t3 - t2 };
  };
  for (let i = 0; i < warmup; i++) await once();
  const wall: number[] = [],
    host: number[] = [],
    readback: number[] = [];
  const c0 = cpuSeconds(),
    w0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = await once();
    wall.push(r.wall);
    host.push(r.host);
    readback.push(r.readback);
  }
  const coresBusy = (cpuSeconds() - c0) / ((performance.now() - w0) / 1000);
  const d0 = ctx.rec.stats.dispatches;
  await once();
  const dispatches = ctx.rec.stats.dispatches - d0;
  const prof = new DispatchProfiler(ctx.gpu);
  ctx.rec.timer = prof;
  await once(); // the first profiled run pays one-off costs (new passes, query sets): dropped
  await prof.read();
  const profiledWallMs = (await once()).wall;
  ctx.rec.timer = undefined;
  const kernels = await prof.read();
  const gpuMs = kernels.reduce((s, k) => s + k.ms, 0);
  return {
    what,
    wallMs: spread(wall),
    ...(separable ? { hostMs: spread(host), readbackMs: spread(readback) } : {}),
    coresBusy,
    dispatches,
    classes: byClass(kernels),
    kernels: byKernel(kernels),
    gpuMs,
    profiledWallMs,
    overheadMs: profiledWallMs - gpuMs,
  };
}

function trainPart(trainer: TrainStep, batch: number, seqLen: number, seed: number) {
  const { model } = trainer;
  const acts = model.activations(batch, seqLen);
  const rng = new Rng(seed);
  const ids = Uint32Array.from({ length: acts.rows + 1 }, () => rng.int(0, model.config.vocab - 1));
  const b = { ids: ids.subarray(0, acts.rows), targets: ids.subarray(1), weights: new Float32Array(acts.rows).fill(1 / acts.rows) };
  return () => {
    const s = trainer.run(acts, b, 1e-3);
    return { readback: () => s.stats() };
  };
}

async function decodeProfile(ctx: GpuContext, model: Model, batch: number, promptLen: number, newTokens: number, warmup: number, reps: number): Promise<PartProfile> {
  const rng = new Rng(3);
  const prompts = Array.from({ length: batch }, () => Array.from({ length: promptLen }, () => rng.int(0, model.config.vocab - 1)));
  // generate() records, submits and reads back (every 16 tokens) inside one call: no separate host or readback time.
  return profilePart(
    ctx,
    `generate ${batch} x (${promptLen} prompt + ${newTokens} new tokens)`,
    warmup,
    reps,
    () => {
      const p = generate(model, prompts, { maxNewTokens: newTokens, temperature: 1, seed: 1 });
      return { readback: () => p };
    },
    false,
  );
}

interface PhaseProfile {
  source: string;
  command?: string;
  /** set when the run failed: its exit code and last log line (the phases are those it finished) */
  failed?: string;
  wallSec?: number;
  cpuSec?: number;
  cores: number;
  /** 1 - cpu / (wall x cores): the share of the machine's core-seconds nobody used */
  idleCoreShare?: number;
  phases: PhaseTime[];
}

/** CPU seconds of this process's waited-for children (Linux /proc/self/stat cutime + cstime). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
}

async function runTable1(scale: string, root: string): Promise<PhaseProfile> {
  const cache = join(root, `table1-${scale}`);
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const logPath = join(cache, 'run.log');
  const args = ['tsx', 'scripts/table1.ts', '--scale', scale, '--out', join(cache, 'results')];
  const log = createWriteStream(logPath);
  const c0 = childCpuSeconds();
  const t0 = performance.now();
  const code = await new Promise<number>((res, rej) => {
    const child = spawn('npx', args, { env: { ...process.env, VGGM_CACHE: cache }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', rej);
    child.on('close', (c) => res(c ?? 1));
  });
  const wallSec = (performance.now() - t0) / 1000;
  const cpuSec = childCpuSeconds() - c0;
  await new Promise<void>((r) => log.end(r));
  let failed: string | undefined;
  if (code !== 0) {
    failed = `exit ${code}: ${readFileSync(logPath, 'utf8').trim().split('\n').at(-1)}`;
    process.stderr.write(`profile: table1 --scale ${scale} failed (${failed}); profiling the phases it finished (log: ${logPath})\n`);
  }
  const cores = availableParallelism();
  return {
    source: `fresh cache ${cache}`,
    command: `VGGM_CACHE=${cache} npx ${args.join(' ')}`,
    ...(failed ? { failed } : {}),
    wallSec,
    cpuSec,
    cores,
    idleCoreShare: 1 - cpuSec / (wallSec * cores),
    phases: phaseTimes(cache, logsOf(cache, logPath)),
  };
}

function logsOf(cache: string, ...extra: string[]): string[] {
  const dir = join(cache, 'logs');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => join(dir, f))
    : [];
  return [...files, ...extra].filter(existsSync).map((f) => readFileSync(f, 'utf8'));
}

const ms = (x: number) => x.toFixed(1);

function partMarkdown(p: PartProfile): string[] {
  const L = [
    `### ${p.what}`,
    '',
    `Wall ${ms(p.wallMs.median)} ms (${ms(p.wallMs.min)}–${ms(p.wallMs.max)}, ${p.wallMs.n} runs)` +
      (p.hostMs && p.readbackMs ? `; host recording ${ms(p.hostMs.median)} ms; readback after the device is idle ${ms(p.readbackMs.median)} ms` : '') +
      `; ${p.dispatches} dispatches; process CPU / wall ${p.coresBusy.toFixed(2)}. ` +
      `One profiled run (each dispatch in its own pass): wall ${ms(p.profiledWallMs)} ms, kernels ${ms(p.gpuMs)} ms, the rest ${ms(p.overheadMs)} ms.`,
    '',
    '| class | ms | share of kernel time | dispatches |',
    '|---|---:|---:|---:|',
  ];
  for (const c of p.classes) L.push(`| ${c.cls} | ${ms(c.ms)} | ${((100 * c.ms) / (p.gpuMs || 1)).toFixed(1)}% | ${c.calls} |`);
  L.push('', '<details><summary>by kernel</summary>', '', '| kernel | ms | dispatches |', '|---|---:|---:|');
  for (const k of p.kernels) L.push(`| ${k.label} | ${ms(k.ms)} | ${k.calls} |`);
  L.push('', '</details>', '');
  return L;
}

function phaseMarkdown(ph: PhaseProfile): string[] {
  const total = ph.phases.reduce((s, p) => s + p.seconds, 0);
  const L = ['## A reproduction run by phase', '', `Source: ${ph.source}.`];
  if (ph.command) L.push('', `Command: \`${ph.command}\``);
  if (ph.failed) L.push('', `**The run failed** (${ph.failed}): the phases below are those it finished.`);
  if (ph.wallSec !== undefined && ph.cpuSec !== undefined) {
    L.push(
      '',
      `Wall ${ph.wallSec.toFixed(1)} s; CPU ${ph.cpuSec.toFixed(1)} s over ${ph.cores} cores: ` + `${(100 * (ph.idleCoreShare ?? 0)).toFixed(0)}% of the core-seconds idle.`,
    );
  }
  L.push('', 'Process-seconds per phase (workers run side by side, so the sum can exceed the wall):', '', '| phase | runs | s | share |', '|---|---:|---:|---:|');
  for (const p of ph.phases) L.push(`| ${p.phase} | ${p.runs} | ${p.seconds.toFixed(1)} | ${((100 * p.seconds) / (total || 1)).toFixed(1)}% |`);
  return L;
}

async function main(): Promise<void> {
  const a = await scriptYargs('profile', '$0 [options]\n\nProfiles one training step and one decoding batch by kernel, and a table1 run by phase; writes <out>/profile.{json,md}.')
    .option('family', { choices: families, default: 'qwen-like' as Family })
    .option('vocab', { type: 'number', default: 512, describe: 'the cpu world tokenizer has ~500 ids' })
    .option('reps', { type: 'number', default: 5 })
    .option('warmup', { type: 'number', default: 2 })
    .option('phases', { type: 'string', default: 'run', describe: 'run | none | a cache directory to read' })
    .option('phases-scale', { choices: ['smoke', 'cpu'] as const, default: 'smoke' as const })
    .option('out', { type: 'string', default: 'results' })
    .strict()
    .parseAsync();
  if (!(a.reps >= 1 && a.warmup >= 0)) throw new UsageError('--reps must be >= 1 and --warmup >= 0');
  if (a.phases !== 'run' && a.phases !== 'none' && !existsSync(join(a.phases, 'models'))) {
    throw new UsageError(`--phases ${a.phases}: not a cache directory (no models/ in it)`);
  }
  const loadAtStart = loadavg()[0];
  const ctx = await createContext();
  if (!ctx.gpu.hasTimestamps) throw new UsageError(`${ctx.gpu.adapterName} has no timestamp queries: cannot time kernels`);
  const model = Model.init(ctx, presetConfig(a.family, 'cpu', a.vocab), 1);
  const trainer = new TrainStep(model);
  const parts: PartProfile[] = [];
  for (const [what, batch, seqLen] of [
    ['SFT step 16 x 192', 16, 192],
    ['Base step 16 x 128', 16, 128],
  ] as const) {
    process.stderr.write(`profile: ${what}\n`);
    parts.push(await profilePart(ctx, `${what} (${a.family} cpu model, vocab ${a.vocab})`, a.warmup, a.reps, trainPart(trainer, batch, seqLen, 1)));
    model.dropActivations();
  }
  process.stderr.write('profile: decode\n');
  parts.push(await decodeProfile(ctx, model, 64, 40, 64, 1, Math.min(a.reps, 3)));
  const meta = {
    adapter: ctx.gpu.adapterName,
    lpNumThreads: process.env.LP_NUM_THREADS ?? null,
    cores: availableParallelism(),
    subgroupSizes: ctx.gpu.subgroupSizes ?? null,
    loadavg: { start: loadAtStart, afterKernels: loadavg()[0] },
    createdAt: new Date().toISOString(),
    command: `npx tsx scripts/profile.ts ${process.argv.slice(2).join(' ')}`.trim(),
  };
  ctx.destroy();
  let phases: PhaseProfile | undefined;
  if (a.phases === 'run') {
    process.stderr.write(`profile: table1 --scale ${a['phases-scale']} in a fresh cache\n`);
    phases = await runTable1(a['phases-scale'], resolve(process.env.VGGM_CACHE ?? '.cache', 'profile'));
  } else if (a.phases !== 'none') {
    phases = { source: `cache ${a.phases}`, cores: availableParallelism(), phases: phaseTimes(a.phases, logsOf(a.phases)) };
  }
  mkdirSync(a.out, { recursive: true });
  writeJsonAtomic(join(a.out, 'profile.json'), { meta, parts, phases: phases ?? null });
  const md = [
    '# Profile',
    '',
    `\`${meta.command}\` on ${meta.adapter} (${meta.cores} cores, LP_NUM_THREADS ${meta.lpNumThreads ?? 'unset'}), ${meta.createdAt}; ` +
      `load average ${meta.loadavg.start.toFixed(1)} at the start, ${meta.loadavg.afterKernels.toFixed(1)} after the kernel part ` +
      '(other work on the machine slows every wall time and lowers CPU / wall; the kernel shares are what to read).',
    'Decisions taken from it: docs/speed.md.',
    '',
    '## One step by kernel',
    '',
    ...parts.flatMap(partMarkdown),
    ...(phases ? phaseMarkdown(phases) : []),
    '',
  ];
  writeFileAtomic(join(a.out, 'profile.md'), md.join('\n'));
  console.log(`profile: wrote ${join(a.out, 'profile.json')} and ${join(a.out, 'profile.md')}`);
}

await runMain(main);
