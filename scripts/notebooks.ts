// Execute the notebooks in notebooks/ (one per paper table and figure) headless with the Deno
// Jupyter kernel against a results folder, writing the executed copies (with their outputs) to
// --out. A notebook whose results file is missing is skipped with a line; one whose cells fail
// is reported with the failing line and makes the exit status non-zero.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureKernel, executeNotebook, findTools, KERNEL_PATH_DEFAULT, NOTEBOOK_DIR, NOTEBOOKS } from '../lib/report/notebooks.ts';
import { resultsPath } from '../lib/report/results.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';

await runMain(async () => {
  const args = await scriptYargs(
    'notebooks',
    '$0 [options]\n\nRun every notebook in notebooks/ headless (Deno kernel, jupyter-nbconvert) against a results folder; executed copies go to --out.',
  )
    .option('results', { type: 'string', default: 'results', describe: 'folder holding the <name>.json results files the notebooks read' })
    .option('out', { type: 'string', default: '.cache/notebooks', describe: 'folder for the executed notebooks (with outputs)' })
    .option('only', { type: 'string', array: true, choices: Object.keys(NOTEBOOKS), describe: 'notebooks to run (default: all)' })
    .strict()
    .parseAsync();
  if (!existsSync(args.results)) throw new UsageError(`no results folder '${args.results}'`);
  const { tools, missing } = findTools();
  if (!tools) throw new UsageError(`cannot run notebooks: missing ${missing.join('; ')} (npm run setup installs both)`);
  const kernelPath = ensureKernel(tools.deno, KERNEL_PATH_DEFAULT);
  let failed = 0;
  for (const stem of args.only ?? Object.keys(NOTEBOOKS)) {
    const name = NOTEBOOKS[stem];
    if (!existsSync(resultsPath(args.results, name))) {
      process.stdout.write(`${stem}: skipped, no ${resultsPath(args.results, name)} yet\n`);
      continue;
    }
    const r = executeNotebook(join(NOTEBOOK_DIR, `${stem}.ipynb`), { tools, kernelPath, resultsDir: resolve(args.results), outDir: resolve(args.out) });
    if (!r.ok) failed++;
    process.stdout.write(`${stem}: ${r.ok ? 'ok' : `FAILED: ${r.error}`}${r.output ? ` → ${r.output}` : ''} (${r.seconds.toFixed(1)} s)\n`);
  }
  if (failed) throw new Error(`${failed} notebook${failed > 1 ? 's' : ''} failed`);
});
