// Headless execution of the notebooks in notebooks/ (one per paper table or figure) with the Deno
// Jupyter kernel: Debian's jupyter-nbconvert, its executor swapped for one that waits for Deno's
// late outputs (late_output.py), drives `deno jupyter --kernel`, whose kernelspec lives in a
// folder we choose and pass through JUPYTER_PATH, so nothing outside the repository is needed
// beyond the apt package. Used by scripts/notebooks.ts and test/notebooks/notebooks.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NOTEBOOK_DIR = join(ROOT, 'notebooks');
/** Where scripts/setup.sh registers the Deno kernel (XDG_DATA_HOME=.cache → .cache/jupyter/kernels/deno). */
export const KERNEL_PATH_DEFAULT = join(ROOT, '.cache', 'jupyter');

/** Notebook stem → the results name it reads (results/<name>.json). */
export const NOTEBOOKS: Record<string, string> = {
  table1: 'table1',
  table2: 'table2',
  figure1: 'fig1',
  figure2: 'fig2',
  'budget-forcing': 'budget_forcing',
};

export interface Tools {
  deno: string;
  nbconvert: string;
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** Runs `bin args` and returns its first output line, or null when it cannot run. */
function probe(bin: string, args: string[]): string | null {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : null;
}

/**
 * The Deno binary (npm devDependency `deno`, or $VGGM_DENO) and jupyter-nbconvert (apt, or
 * $VGGM_NBCONVERT); a one-line reason for each one missing.
 */
export function findTools(): { tools: Tools | null; missing: string[] } {
  const missing: string[] = [];
  const deno = process.env.VGGM_DENO || join(ROOT, 'node_modules', '.bin', 'deno');
  if (!probe(deno, ['--version'])) missing.push(`deno (${deno} does not run: npm install, or set VGGM_DENO)`);
  const nbconvert = process.env.VGGM_NBCONVERT || onPath('jupyter-nbconvert');
  if (!nbconvert || !probe(nbconvert, ['--version'])) missing.push('jupyter-nbconvert (apt-get install --no-install-recommends jupyter-nbconvert, or set VGGM_NBCONVERT)');
  return { tools: missing.length ? null : { deno, nbconvert: nbconvert! }, missing };
}

/**
 * Register the Deno kernel under `kernelPath`/kernels/deno unless a kernelspec there already
 * starts this Deno; returns `kernelPath` (what JUPYTER_PATH must name).
 */
export function ensureKernel(deno: string, kernelPath = KERNEL_PATH_DEFAULT): string {
  const spec = join(kernelPath, 'kernels', 'deno', 'kernel.json');
  if (existsSync(spec)) {
    try {
      const argv0 = (JSON.parse(readFileSync(spec, 'utf8')) as { argv?: string[] }).argv?.[0];
      if (argv0 && resolve(argv0) === resolve(deno)) return kernelPath;
    } catch {
      /* unreadable: reinstall below */
    }
  }
  // `deno jupyter --install` writes to $XDG_DATA_HOME/jupyter/kernels/deno.
  const r = spawnSync(deno, ['jupyter', '--install', '--force'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, XDG_DATA_HOME: dirname(kernelPath) },
  });
  if (r.status !== 0 || !existsSync(spec)) throw new Error(`deno jupyter --install failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').pop()}`);
  return kernelPath;
}

export interface Executed {
  notebook: string;
  /** The executed copy (with outputs), when nbconvert wrote one. */
  output: string | null;
  ok: boolean;
  /** One line: the failing cell's error, or why nbconvert failed. */
  error: string | null;
  seconds: number;
}

export interface ExecuteOptions {
  tools: Tools;
  kernelPath: string;
  /** Results folder the notebooks read (VGGM_RESULTS_DIR). */
  resultsDir: string;
  outDir: string;
  /** Seconds one cell may run (default 120). */
  cellTimeout?: number;
}

/** Execute one notebook headless into outDir/<stem>.ipynb; never throws for a failing cell. */
export function executeNotebook(notebook: string, o: ExecuteOptions): Executed {
  const stem = notebook.replace(/^.*\//, '').replace(/\.ipynb$/, '');
  const t0 = performance.now();
  const r = spawnSync(
    o.tools.nbconvert,
    [
      // Not `--execute`: the same executor, but one that keeps outputs Deno sends after "idle" (late_output.py).
      '--to',
      'notebook',
      '--NotebookExporter.preprocessors=["late_output.LateOutputExecutePreprocessor"]',
      '--LateOutputExecutePreprocessor.enabled=True',
      '--ExecutePreprocessor.kernel_name=deno',
      `--ExecutePreprocessor.timeout=${o.cellTimeout ?? 120}`,
      '--output-dir',
      o.outDir,
      '--output',
      stem,
      notebook,
    ],
    {
      encoding: 'utf8',
      cwd: dirname(notebook),
      timeout: 600_000,
      env: {
        ...process.env,
        JUPYTER_PATH: o.kernelPath,
        VGGM_RESULTS_DIR: resolve(o.resultsDir),
        NO_COLOR: '1',
        PYTHONPATH: [join(ROOT, 'lib', 'report'), process.env.PYTHONPATH].filter(Boolean).join(delimiter),
      },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  const output = join(o.outDir, `${stem}.ipynb`);
  if (r.status !== 0) return { notebook, output: existsSync(output) ? output : null, ok: false, error: nbconvertError(r.stderr || String(r.error)), seconds };
  const bad = cellProblems(JSON.parse(readFileSync(output, 'utf8')) as NotebookJson);
  return { notebook, output, ok: bad.length === 0, error: bad[0] ?? null, seconds };
}

/** The useful line of nbconvert's stderr: the cell's error ("Error: …"), else its last line. */
function nbconvertError(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = [...lines].reverse().find((l) => /^(Uncaught )?[A-Za-z]*Error: /.test(l));
  return err ?? lines.at(-1) ?? 'nbconvert failed with no message';
}

export interface NotebookJson {
  metadata: { kernelspec?: { name?: string } };
  cells: {
    cell_type: string;
    source: string | string[];
    execution_count?: number | null;
    outputs?: { output_type: string; ename?: string; evalue?: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }[];
  }[];
}

/** Code cells that did not run, or whose outputs hold an error or stderr text. */
export function cellProblems(nb: NotebookJson): string[] {
  const out: string[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    if (c.execution_count == null) out.push(`cell ${i}: not executed`);
    for (const o of c.outputs ?? []) {
      if (o.output_type === 'error') out.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') out.push(`cell ${i}: wrote to stderr: ${[o.text ?? ''].flat().join('').trim().split('\n')[0]}`);
    }
  });
  return out;
}

/** MIME types of every display/result output, in cell order (what a notebook showed). */
export function displayedMimes(nb: NotebookJson): string[] {
  return nb.cells.flatMap((c) => (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {})));
}
