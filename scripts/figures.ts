// Re-render every results/<name>.json into <name>.md, .vl.json, .svg and .png with the same
// renderer the reproduction scripts use when they finish, then rebuild the static report
// (<out>/index.html) from the same files. No training, no GPU.
import { existsSync } from 'node:fs';
import { rerenderResults } from '../lib/report/figures.ts';
import { buildReport, listResults } from '../lib/report/report.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';

await runMain(async () => {
  const args = await scriptYargs(
    'figures',
    '$0 [options]\n\nRe-render the markdown tables and charts of every results/<name>.json, then the report index.html (no training, no GPU).',
  )
    .option('out', { type: 'string', default: 'results', describe: 'folder holding the <name>.json results files (outputs go beside them)' })
    .option('only', { type: 'string', array: true, describe: 'names to render (default: every <name>.json in --out)' })
    .option('report', { type: 'boolean', default: true, describe: 'rebuild <out>/index.html afterwards (with the explorer.json already there)' })
    .strict()
    .parseAsync();
  if (!existsSync(args.out)) throw new UsageError(`no results folder '${args.out}'`);
  // eval-*/entropy-* run summaries, bench.json and explorer.json are not results files.
  let { names } = listResults(args.out);
  if (args.only) {
    const missing = args.only.filter((n) => !names.includes(n));
    if (missing.length) throw new UsageError(`no ${missing.map((n) => `${args.out}/${n}.json`).join(', ')}`);
    names = args.only;
  }
  if (names.length === 0) process.stderr.write(`figures: no results/*.json in '${args.out}' yet; nothing to render\n`);
  for (const name of names) {
    const t0 = performance.now();
    const p = await rerenderResults(args.out, name);
    const outs = [p.md, p.svg, p.png].filter(Boolean).join(', ');
    process.stdout.write(`${name}: ${outs} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  if (args.report) {
    const built = buildReport({ out: args.out, explorer: 'keep' });
    process.stdout.write(`report: ${built.html}${built.explorer ? '' : ' (no explorer.json: run npm run report where the world data is)'}\n`);
  }
});
