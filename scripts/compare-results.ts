// Did a rerun measure what a results file says? Compares two results files seed by seed (only
// the seeds both hold), cell by cell, e.g. a fresh clone's seed-1 Table 1 against the committed one:
//   npx tsx scripts/table1.ts --seeds 1 --out /tmp/mine
//   npx tsx scripts/compare-results.ts results/table1.json /tmp/mine/table1.json
// Exit 0 when every shared cell agrees within --tolerance, 1 when some differ or only one file has
// them, 2 on bad input (a missing or invalid file, no seed in common).
import { compareResults } from '../lib/report/compare.ts';
import { readResults } from '../lib/report/results.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';

await runMain(async () => {
  const args = await scriptYargs(
    'compare-results',
    '$0 EXPECTED.json GOT.json [--tolerance T]\n\nCompare two results files per seed and cell (set, row, column); means and intervals are not compared, since they depend on which seeds ran.',
  )
    .option('tolerance', { type: 'number', default: 0, describe: "largest |GOT − EXPECTED| that still counts as the same value (in the values' unit; 0: the same number)" })
    .option('show', { type: 'number', default: 20, describe: 'differing cells to list' })
    .strictOptions()
    .parseAsync();
  const files = args._.map(String);
  if (files.length !== 2) throw new UsageError(`expected two results files, got ${files.length}`);
  if (!(args.tolerance >= 0)) throw new UsageError(`--tolerance must be a number ≥ 0`);
  if (!(Number.isInteger(args.show) && args.show >= 0)) throw new UsageError(`--show must be a whole number ≥ 0`);
  const [expected, got] = files.map((f) => {
    try {
      return readResults(f);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  if (expected.name !== got.name) throw new UsageError(`${files[0]} holds '${expected.name}' but ${files[1]} holds '${got.name}'`);
  const c = compareResults(expected, got, args.tolerance);
  if (c.sharedSeeds.length === 0) throw new UsageError(`no seed in common: ${files[0]} has ${expected.seeds.join(',')}, ${files[1]} has ${got.seeds.join(',')}`);
  const out = process.stdout;
  out.write(
    `${expected.name}, seeds ${c.sharedSeeds.join(', ')}: ${c.compared} cells compared, ${c.compared - c.differences.length} the same, ${c.differences.length} different (largest gap ${Number(c.largestGap.toPrecision(3))}, tolerance ${args.tolerance})\n`,
  );
  for (const d of c.differences.slice(0, args.show)) out.write(`  ${d.set}/${d.group}/${d.x} seed ${d.seed}: expected ${d.expected}, got ${d.got}\n`);
  if (c.differences.length > args.show) out.write(`  … and ${c.differences.length - args.show} more\n`);
  if (c.onlyInExpected.length) out.write(`  ${c.onlyInExpected.length} cells only in ${files[0]}, e.g. ${c.onlyInExpected[0]}\n`);
  if (c.onlyInGot.length) out.write(`  ${c.onlyInGot.length} cells only in ${files[1]}, e.g. ${c.onlyInGot[0]}\n`);
  process.exitCode = c.differences.length > 0 || c.onlyInExpected.length > 0 || c.onlyInGot.length > 0 ? 1 : 0;
});
