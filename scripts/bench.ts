// `npm run bench`: our WebGPU kernels and model side by side with the same work in numpy/PyTorch.
//   (a) matmul GFLOP/s at 1024^3 and at every shape the model's training step uses, vs numpy sgemm
//       (OpenBLAS) on the CPU, or torch.mm on CUDA where PyTorch sees a GPU;
//   (b) training tokens/s (forward + backward + AdamW) vs the same model, batch and length in PyTorch;
//   (c) sampling tokens/s with a KV cache vs PyTorch decoding with a KV cache;
//   (d) peak memory of each (process RSS; device memory too on a discrete GPU).
// Each measurement runs in its own child process (its peak memory is its own): ours through
// scripts/bench-ours.ts, the peer through scripts/peers/*.py with the system python. Both sides
// get the same thread count (--threads): LP_NUM_THREADS for lavapipe, torch.set_num_threads and
// OPENBLAS_NUM_THREADS / OMP_NUM_THREADS for the peer; OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are
// removed from the peer's environment (they pin OpenBLAS to a slower kernel), and set to the CPU's
// strongest core where OpenBLAS does not recognise the CPU (lib/bench/peer-core.ts).
// Writes <out>/bench.json ({rows: [{name, ours, peer, ratio, unit, better, ...}], meta}) and a chart.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matmulRows, modelRows, type MatmulReading, type ModelReading } from '../lib/bench/compare.ts';
import { benchChartSpec } from '../lib/bench/chart.ts';
import { checkResult, formatTable, writeBenchResult, type BenchResult, type BenchRow } from '../lib/bench/results.ts';
import { cpuFlags, peerCoreOverride } from '../lib/bench/peer-core.ts';
import { formatProfile, type KernelTime } from '../lib/bench/profiler.ts';
import { modelMatmuls, shapeArg } from '../lib/bench/shapes.ts';
import { families, presetConfig, toHfConfig, type Family, type Size } from '../lib/model/config.ts';
import { parseCli, runMain, UsageError, type Scale } from '../lib/util/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PARTS = ['matmul', 'train', 'sample'] as const;
type Part = (typeof PARTS)[number];

const sizeOf: Record<Scale, Size> = { smoke: 'tiny', cpu: 'cpu', paper: 'paper' };
// Work per scale: smoke only proves the path; cpu is the default model's training batch.
const defaults: Record<Scale, { batch: number; seqLen: number; sampleBatch: number; promptLen: number; newTokens: number; warmup: number; reps: number }> = {
  smoke: { batch: 2, seqLen: 16, sampleBatch: 2, promptLen: 4, newTokens: 8, warmup: 1, reps: 2 },
  cpu: { batch: 8, seqLen: 256, sampleBatch: 8, promptLen: 16, newTokens: 64, warmup: 2, reps: 5 },
  paper: { batch: 1, seqLen: 1024, sampleBatch: 1, promptLen: 64, newTokens: 128, warmup: 2, reps: 5 },
};

interface ChildResult {
  json: Record<string, unknown>;
  seconds: number;
}

/** Run a child, stream its stderr, and parse the last stdout line as JSON. */
function runChild(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => reject(new Error(`${what}: cannot start ${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        const msg = err.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
        reject(new Error(`${what} failed: ${msg}`));
        return;
      }
      try {
        resolve({ json: JSON.parse(last), seconds: (Date.now() - t0) / 1000 });
      } catch {
        reject(new Error(`${what}: no JSON result line in its output`));
      }
    });
  });
}

function oursEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, LP_NUM_THREADS: String(threads) };
}

function peerEnv(threads: number, core?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (core) env.OPENBLAS_CORETYPE = core;
  return env;
}

/** The OpenBLAS core the peer's numpy picks by itself (null when numpy's BLAS is not OpenBLAS). */
function openblasChoice(python: string, threads: number): string | null {
  const probe = `import sys; sys.path.insert(0, ${JSON.stringify(join(root, 'scripts/peers'))}); import numpy, peer_env; i = peer_env.openblas_info(); print(i['coretype'] if i else '')`;
  const r = spawnSync(python, ['-c', probe], { env: peerEnv(threads), encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

const ours = (args: string[]): [string, string[]] => [process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-ours.ts'), ...args]];

function matmulReadingsFromPeer(j: Record<string, unknown>): MatmulReading[] {
  return (j.shapes as Record<string, unknown>[]).map((s) => ({
    m: s.m as number,
    n: s.n as number,
    k: s.k as number,
    transA: s.transA as boolean,
    transB: s.transB as boolean,
    gflops: s.gflops as MatmulReading['gflops'],
    ms: s.ms as MatmulReading['ms'],
  }));
}

function modelReadingFromOurs(j: Record<string, unknown>, onGpu: boolean): ModelReading {
  return {
    tokensPerS: j.tokensPerS as ModelReading['tokensPerS'],
    peakRssMiB: j.peakRssMiB as number,
    params: j.params as number,
    ...(onGpu ? { deviceMiB: j.poolMiB as number } : {}),
  };
}

function modelReadingFromPeer(j: Record<string, unknown>): ModelReading {
  return {
    tokensPerS: j.tokens_per_s as ModelReading['tokensPerS'],
    peakRssMiB: j.peak_rss_mib as number,
    params: j.params as number,
    ...(typeof j.cuda_max_allocated_mib === 'number' ? { deviceMiB: j.cuda_max_allocated_mib } : {}),
  };
}

async function main(): Promise<void> {
  const a = await parseCli(
    {
      name: 'bench',
      describe:
        'Side-by-side benchmark of our WebGPU kernels and model against numpy/OpenBLAS sgemm and PyTorch (CPU, or CUDA when PyTorch sees a GPU): ' +
        'matmul GFLOP/s, training tokens/s, KV-cache sampling tokens/s, peak memory. Writes <out>/bench.json and a chart; prints the ratios (ours/peer). ' +
        'Install the peer with `npm run bench:setup`.',
    },
    (y) =>
      y
        .option('family', { choices: families, default: 'qwen-like' as Family, describe: "model family (the default model is qwen-like at the scale's size)" })
        .option('vocab', { type: 'number', default: 512, describe: 'vocabulary size of the benchmarked model' })
        .option('batch', { type: 'number', describe: 'training batch (default: per scale, cpu 8)' })
        .option('seq-len', { type: 'number', describe: 'training sequence length (default: per scale, cpu 256)' })
        .option('sample-batch', { type: 'number', describe: 'sequences decoded at once (default: per scale, cpu 8)' })
        .option('prompt-len', { type: 'number', describe: 'sampling prompt length (default: per scale, cpu 16)' })
        .option('new-tokens', { type: 'number', describe: 'tokens generated per sequence (default: per scale, cpu 64)' })
        .option('warmup', { type: 'number', describe: 'untimed repetitions first (default: per scale, cpu 2)' })
        .option('reps', { type: 'number', describe: 'timed repetitions; medians with min-max are reported (default: per scale, cpu 5)' })
        .option('threads', { type: 'number', default: availableParallelism(), describe: 'CPU threads for both sides (lavapipe LP_NUM_THREADS; torch/OpenBLAS threads)' })
        .option('parts', { type: 'string', default: PARTS.join(','), describe: 'which comparisons to run: matmul,train,sample' })
        .option('python', { type: 'string', default: '/usr/bin/python3', describe: 'python with torch and numpy for the peer' })
        .option('profile', { type: 'boolean', default: false, describe: 'also time every kernel of one training step (timestamp queries) and print the top kernels' }),
  );
  const d = defaults[a.scale];
  const opt = {
    batch: a.batch ?? d.batch,
    seqLen: a['seq-len'] ?? d.seqLen,
    sampleBatch: a['sample-batch'] ?? d.sampleBatch,
    promptLen: a['prompt-len'] ?? d.promptLen,
    newTokens: a['new-tokens'] ?? d.newTokens,
    warmup: a.warmup ?? d.warmup,
    reps: a.reps ?? d.reps,
    threads: a.threads,
  };
  for (const [k, v] of Object.entries(opt)) {
    if (!Number.isInteger(v) || v < (k === 'warmup' ? 0 : 1)) throw new UsageError(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a positive integer, got ${v}`);
  }
  const parts = a.parts
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as Part[];
  const bad = parts.find((p) => !PARTS.includes(p));
  if (bad || parts.length === 0) throw new UsageError(`--parts: expected some of ${PARTS.join(',')}, got '${a.parts}'`);

  const config = presetConfig(a.family, sizeOf[a.scale], a.vocab);
  if (opt.seqLen > config.context || opt.promptLen + opt.newTokens > config.context) {
    throw new UsageError(`sequence length ${opt.seqLen} / prompt+new ${opt.promptLen + opt.newTokens} exceed the model's context ${config.context}`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'vggm-bench-'));
  const configPath = join(tmp, 'config.json');
  writeFileSync(configPath, JSON.stringify(toHfConfig(config)));
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  // Both sides want every core; other work on the machine distorts the comparison (OpenBLAS and
  // OpenMP threads that spin-wait suffer most from being descheduled), so say so up front.
  const busy = () => loadavg()[0] > 0.5 * availableParallelism();
  if (busy())
    log(
      `warning: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores: the machine is shared, numbers will be noisy and may favour one side${opt.threads > 1 ? ' (with several threads per side, oversubscription hurts most: consider --threads 1)' : ''}`,
    );
  const rows: BenchRow[] = [];
  const meta: Record<string, unknown> = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), loadavgAtStart: loadavg() },
    threads: {
      ours: `LP_NUM_THREADS=${opt.threads} (lavapipe; ignored by a hardware GPU)`,
      peer: `torch.set_num_threads(${opt.threads}), OPENBLAS_NUM_THREADS=${opt.threads}, OMP_NUM_THREADS=${opt.threads}`,
    },
    model: { family: a.family, size: sizeOf[a.scale], ...config },
    work: opt,
    ours: {} as Record<string, unknown>,
    peer: {} as Record<string, unknown>,
  };
  // A fair peer: OpenBLAS's strongest kernels for this CPU, not a generic fallback (lib/bench/peer-core.ts).
  const coreOverride = peerCoreOverride(openblasChoice(a.python, opt.threads), cpuFlags());
  if (coreOverride) {
    log(`peer: OPENBLAS_CORETYPE=${coreOverride.core} (${coreOverride.reason})`);
    (meta.threads as Record<string, string>).peer += `, OPENBLAS_CORETYPE=${coreOverride.core} (${coreOverride.reason})`;
  }
  const peerArgsCommon = ['--warmup', String(opt.warmup), '--reps', String(opt.reps)];
  let onGpu = false;
  try {
    if (parts.includes('matmul')) {
      const modelShapes = modelMatmuls(config, opt.batch * opt.seqLen);
      const shapes = ['1024x1024x1024', ...modelShapes.map(shapeArg)].join(',');
      log(`matmul: ours (${modelShapes.length + 1} shapes)`);
      const o = await runChild('ours matmul', ...ours(['--task', 'matmul', '--shapes', shapes, ...peerArgsCommon]), oursEnv(opt.threads));
      onGpu = o.json.software === false;
      log('matmul: peer');
      const device = onGpu ? 'cuda' : 'cpu'; // sgemm.py takes cpu|cuda (no auto)
      const p = await runChild(
        'peer sgemm',
        a.python,
        [join(root, 'scripts/peers/sgemm.py'), '--shapes', shapes, '--device', device, ...peerArgsCommon],
        peerEnv(opt.threads, coreOverride?.core),
      );
      rows.push(...matmulRows(modelShapes, o.json.shapes as MatmulReading[], matmulReadingsFromPeer(p.json)));
      Object.assign(meta.ours as object, { adapter: o.json.adapter, software: o.json.software });
      Object.assign(meta.peer as object, { sgemm: p.json.peer, env: p.json.env });
    }
    for (const task of ['train', 'sample'] as const) {
      if (!parts.includes(task)) continue;
      const work =
        task === 'train'
          ? ['--batch', String(opt.batch), '--seq-len', String(opt.seqLen)]
          : ['--batch', String(opt.sampleBatch), '--prompt-len', String(opt.promptLen), '--new-tokens', String(opt.newTokens)];
      log(`${task}: ours`);
      const profile = task === 'train' && a.profile ? ['--profile'] : [];
      const o = await runChild(
        `ours ${task}`,
        ...ours(['--task', task, '--family', a.family, '--scale', a.scale, '--vocab', String(a.vocab), ...work, ...peerArgsCommon, ...profile]),
        oursEnv(opt.threads),
      );
      onGpu ||= o.json.software === false;
      log(`${task}: peer`);
      const p = await runChild(
        `peer ${task}`,
        a.python,
        [
          join(root, 'scripts/peers/torch_model.py'),
          '--config',
          configPath,
          '--task',
          task,
          '--threads',
          String(opt.threads),
          '--device',
          onGpu ? 'auto' : 'cpu',
          ...work,
          ...peerArgsCommon,
        ],
        peerEnv(opt.threads, coreOverride?.core),
      );
      rows.push(...modelRows(task, modelReadingFromOurs(o.json, onGpu), modelReadingFromPeer(p.json)));
      Object.assign(meta.ours as object, { adapter: o.json.adapter, software: o.json.software, [task]: o.json });
      Object.assign(meta.peer as object, { [task]: p.json });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  meta.machine = { ...(meta.machine as object), loadavgAtEnd: loadavg(), shared: busy() || loadavg()[1] > 0.5 * availableParallelism() };
  const result: BenchResult = { rows, meta };
  if (parts.length === PARTS.length) checkResult(result);
  const path = writeBenchResult(a.out, result);
  const who = `ours: ${(meta.ours as Record<string, unknown>).adapter} | peer: ${describePeer(meta.peer as Record<string, unknown>)} | threads ${opt.threads}`;
  // Loaded here so a --help or a bad command line never pays for Vega.
  const { renderChart } = await import('../lib/report/render.ts');
  const chart = await renderChart(benchChartSpec(rows, who), join(a.out, 'bench'));
  console.log(who);
  console.log(formatTable(rows));
  const prof = ((meta.ours as Record<string, unknown>).train as Record<string, unknown> | undefined)?.profile as KernelTime[] | undefined;
  if (prof) {
    const stepMs = (((meta.ours as Record<string, unknown>).train as Record<string, unknown>).ms as { median: number }).median;
    console.log(`\nprofile of one training step (timestamp queries; unprofiled step median ${stepMs.toFixed(1)} ms):`);
    console.log(formatProfile(prof));
  }
  console.log(`wrote ${path}, ${chart.png}, ${chart.svg}`);
}

function describePeer(p: Record<string, unknown>): string {
  const env = (p.env ?? (p.train as Record<string, unknown>)?.env) as Record<string, unknown> | undefined;
  const blas = env?.blas as Record<string, unknown> | undefined;
  const parts = [
    p.sgemm,
    (p.train as Record<string, unknown>)?.peer,
    blas?.coretype ? `OpenBLAS core ${blas.coretype}` : undefined,
    env?.device !== 'cpu' ? env?.device : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

await runMain(main);
