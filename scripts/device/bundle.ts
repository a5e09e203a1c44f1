// `npm run device:bundle`: everything a machine with an NVIDIA GPU, a Vulkan loader and Python
// (torch, transformers) but no Node needs to check this project there, in one tar under 64 MiB:
// this machine's node binary (xz), the linux-x64 dawn.node only, the kernels, the device scripts
// and the benchmark's own half bundled with esbuild, the PyTorch peers, and run.sh (docs/gpu.md).
// Writes .cache/device/vggm-device.tar and prints its size; refuses (exit 1) when it is over 64 MiB.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { writeFileAtomic } from '../../lib/util/atomic.ts';
import { runMain } from '../../lib/util/cli.ts';

const LIMIT = 64 * 2 ** 20;
const root = resolve(new URL('../..', import.meta.url).pathname);

async function main(): Promise<void> {
  const outDir = join(root, '.cache', 'device');
  const dir = join(outDir, 'vggm-device');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'scripts', 'device'), { recursive: true });
  // Entry points land in scripts/device/, two levels below the bundle root, where lib/gpu/pipelines.ts
  // looks for ../../kernels/ relative to the (bundled) module.
  await build({
    entryPoints: ['scripts/device/subgroup-check.ts', 'scripts/device/gpu-train.ts', 'scripts/bench-ours.ts'].map((e) => ({ in: join(root, e), out: basename(e, '.ts') })),
    outdir: join(dir, 'scripts', 'device'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu'],
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins
    banner: { js: "import { createRequire as __vggmRequire } from 'node:module'; const require = __vggmRequire(import.meta.url);" },
  });
  mkdirSync(join(dir, 'kernels'));
  for (const f of readdirSync(join(root, 'kernels')).filter((f) => f.endsWith('.wgsl'))) copyFileSync(join(root, 'kernels', f), join(dir, 'kernels', f));
  const webgpu = join(dir, 'node_modules', 'webgpu');
  mkdirSync(join(webgpu, 'dist'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(root, 'node_modules', 'webgpu', f), join(webgpu, f));
  copyFileSync(join(root, 'node_modules', 'webgpu', 'dist', 'linux-x64.dawn.node'), join(webgpu, 'dist', 'linux-x64.dawn.node'));
  cpSync(join(root, 'scripts', 'peers'), join(dir, 'peers'), { recursive: true, filter: (p) => !p.includes('__pycache__') });
  for (const f of ['compare_logits.py', 'run.sh']) copyFileSync(join(root, 'scripts', 'device', f), join(dir, f));
  // xz -9 of the ~95 MiB binary takes minutes on 2 cores: kept beside the bundle per node version
  const nodeXz = join(outDir, `node-${process.version}-${statSync(process.execPath).size}.xz`);
  if (!existsSync(nodeXz)) writeFileAtomic(nodeXz, execFileSync('xz', ['-T0', '-9', '-c', process.execPath], { maxBuffer: 2 ** 30 }));
  copyFileSync(nodeXz, join(dir, 'node.xz'));
  writeFileAtomic(join(dir, 'NODE_VERSION'), `${process.version} ${process.platform}-${process.arch}\n`);
  const tar = join(outDir, 'vggm-device.tar');
  execFileSync('tar', ['-cf', tar, '-C', outDir, 'vggm-device']);
  const bytes = statSync(tar).size;
  const mib = (bytes / 2 ** 20).toFixed(1);
  console.log(
    `device:bundle: ${tar} ${mib} MiB (limit 64 MiB; node ${process.version} xz ${(statSync(join(dir, 'node.xz')).size / 2 ** 20).toFixed(1)} MiB, dawn.node ${(statSync(join(webgpu, 'dist', 'linux-x64.dawn.node')).size / 2 ** 20).toFixed(1)} MiB)`,
  );
  if (bytes > LIMIT) throw new Error(`device bundle is ${mib} MiB, over the 64 MiB a device call carries`);
}

await runMain(main);
