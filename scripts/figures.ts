// Re-render every results/<name>.json into <name>.md, .vl.json, .svg and .png with the same
// renderer the reproduction scripts use when they finish. No training, no GPU.
import { readdirSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { rerenderResults } from '../lib/report/figures.ts';
import { runMain, UsageError } from '../lib/util/cli.ts';

await runMain(async () => {
  const args = await yargs(hideBin(process.argv))
    .scriptName('figures')
    .usage('$0 [options]\n\nRe-render the markdown tables and charts of every results/<name>.json (no training, no GPU).')
    .option('out', { type: 'string', default: 'results', describe: 'folder holding the <name>.json results files (outputs go beside them)' })
    .option('only', { type: 'string', array: true, describe: 'names to render (default: every <name>.json in --out)' })
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .fail((msg, err) => {
      throw new UsageError((msg || err?.message || 'invalid command line').replace(/\s*\n\s*/g, ' '));
    })
    .parseAsync();
  let names: string[];
  try {
    names = readdirSync(args.out).filter((f) => f.endsWith('.json') && !f.endsWith('.vl.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    throw new UsageError(`no results folder '${args.out}'`);
  }
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
});
