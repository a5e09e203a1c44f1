// Build results/index.html: every table beside the paper's numbers, every chart (interactive,
// Vega-Lite through vega-embed), the plain-words summary (results/README.md), the benchmark
// ratios (results/bench.json) and the trace explorer, all inlined so the page opens from disk.
//
//   npm run report                      # refresh explorer.json from the world data and model cache when present
//   npx tsx scripts/report.ts --screenshots   # also write results/report.png and results/explorer.png (headless Chromium)
import { join } from 'node:path';
import { openReport, screenshots } from '../lib/report/browser.ts';
import { buildReport } from '../lib/report/report.ts';
import { runMain, scriptYargs, SCALES, UsageError } from '../lib/util/cli.ts';

await runMain(async () => {
  const args = await scriptYargs('report', '$0 [options]\n\nBuild the static report <out>/index.html from the results files in <out> (no training, no GPU).')
    .option('out', { type: 'string', default: 'results', describe: 'results folder (read) and where index.html goes' })
    .option('explorer', {
      choices: ['refresh', 'keep'] as const,
      default: 'refresh' as const,
      describe: 'refresh: rebuild explorer.json from the world data and model cache when present; keep: use <out>/explorer.json as it is',
    })
    .option('data', { type: 'string', describe: 'world data folder for the explorer (default: the cached world of --scale)' })
    .option('scale', { choices: SCALES, describe: "scale of the explorer's data (default: that of the results files, else cpu)" })
    .option('models', { type: 'string', describe: 'model cache folder holding the trained models (default .cache/models)' })
    .option('per-tier', { type: 'number', default: 20, describe: 'teacher traces and held-out problems per tier in the explorer' })
    .option('screenshots', { type: 'boolean', default: false, describe: 'open the page in headless Chromium and save <out>/report.png and <out>/explorer.png' })
    .strict()
    .parseAsync();
  if (!(Number.isInteger(args['per-tier']) && args['per-tier'] > 0)) throw new UsageError(`--per-tier must be a positive integer, got ${args['per-tier']}`);
  const t0 = performance.now();
  let built;
  try {
    built = buildReport({ out: args.out, explorer: args.explorer, data: args.data, scale: args.scale, models: args.models, perTier: args['per-tier'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (err as NodeJS.ErrnoException).path === args.out) throw new UsageError(`no results folder '${args.out}'`);
    throw err;
  }
  for (const n of built.notes) process.stderr.write(`report: ${n}\n`);
  process.stdout.write(
    `report: ${built.html} (${built.figures.length} results files${built.explorer ? `, explorer ${built.refreshed ? 'rebuilt' : 'from'} ${built.explorer}` : ', no explorer data'}; ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
  if (args.screenshots) {
    const opened = await openReport(built.html);
    try {
      if (opened.errors.length) throw new Error(`the page logged errors: ${opened.errors[0]}`);
      const [a, b] = [join(args.out, 'report.png'), join(args.out, 'explorer.png')];
      await screenshots(opened, a, b);
      process.stdout.write(`report: screenshots ${a}, ${b}\n`);
    } finally {
      await opened.close();
    }
  }
});
