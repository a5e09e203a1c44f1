// Run the pre-registered budget rules (lib/train/budget.ts, docs/budget-rules.md): train (or take
// from the cache) one run per candidate step count, score each on held-out data, choose the
// smallest count within the rule's tolerance of the best, and write the choice to
// <out>/base-budget.json and <out>/sft-budget.json (+ .md), which every script then reads. The
// Base rule runs first; the SFT runs start from the Base it chose. No evaluation problem is used.
//
//   npx tsx scripts/select-budget.ts                  (cpu scale: the Base, then SFT)
//   npx tsx scripts/select-budget.ts --what sft       (SFT only, from the Base already chosen)
import { join, resolve } from 'node:path';
import { createContext } from '../lib/gpu/index.ts';
import { loadModelFolder } from '../lib/model/checkpoint.ts';
import type { LoadedTokenizer } from '../lib/tokenizer/index.ts';
import { dataOf, reportNonFinite } from '../lib/train/cli.ts';
import { BUDGET_FILES, BUDGET_RULES, chooseBudget, type BudgetChoice, type BudgetKind, type BudgetRow } from '../lib/train/budget.ts';
import { baseHeldoutItems, heldoutLoss, heldoutTraces, type HeldoutTrace } from '../lib/train/heldout.ts';
import { ensureBase, ensureSft, modelConfig, sftOptimConfig } from '../lib/train/pipeline.ts';
import { budgetSources, scaleTable } from '../lib/train/scales.ts';
import { WORLD_CONFIG } from '../lib/data/world/config.ts';
import type { GpuContext } from '../lib/gpu/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic.ts';
import { commandLine } from '../lib/report/results.ts';
import { parseCli, runMain, UsageError } from '../lib/util/cli.ts';

const KINDS: BudgetKind[] = ['pretrain', 'sft'];

/** Held-out NLL of the model in `dir`, whose tokenizer must be the one that encoded `items`. */
async function score(ctx: GpuContext, dir: string, items: readonly HeldoutTrace[], tokenizer: LoadedTokenizer) {
  const { model } = loadModelFolder(ctx, dir, tokenizer);
  const loss = await heldoutLoss(model, items);
  model.dropActivations();
  return loss;
}

function markdown(c: BudgetChoice): string {
  const f = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(4) : '–');
  const what = c.kind === 'sft' ? 'SFT' : 'Base';
  const methods = c.rule.methods;
  const held =
    c.kind === 'sft'
      ? `${c.heldout.items} held-out teacher traces (${c.heldout.tokens} tokens; pool traces outside every split, on problems no SFT trace, evaluation or development problem holds), NLL per token on what every method learns, the whole trace in the input; criterion: the mean over ${methods.join(' and ')}`
      : `${c.heldout.items} held-out Base-corpus records (${c.heldout.tokens} tokens; the Base corpus's recipe, its own RNG stream, no problem of the Base corpus, evaluation or development sets), NLL per completion token`;
  return [
    `# ${what} budget chosen by rule ${c.rule.rule} (${c.scale} scale, ${c.world})`,
    '',
    `Rule, fixed before the run (docs/budget-rules.md): ${c.rule.family}, seed ${c.rule.seed}; candidates ${c.rule.candidates.join(', ')} steps, each its own run with the scale's schedule (warm-up, cosine to the end of that run) at peak lr ${c.lr}${c.baseSteps !== undefined ? `, from the Base of ${c.baseSteps} steps` : ''}; the smallest count whose held-out NLL is within ${100 * c.rule.tolerance}% of the lowest is chosen. Held-out data: ${held}. No evaluation problem is used.`,
    '',
    `| steps | held-out NLL${methods.length ? ` (mean) | ${methods.join(' | ')}` : ''} | models |`,
    `|---|---|${methods.map(() => '---|').join('')}---|`,
    ...c.rows.map((r) => `| ${r.steps} | ${f(r.nll)}${methods.length ? ` | ${methods.map((m) => f(r.byMethod?.[m])).join(' | ')}` : ''} | ${r.models.join(', ')} |`),
    '',
    `Lowest: ${c.best} steps. **Chosen: ${c.chosen} steps.** Every script now trains the ${what === 'SFT' ? 'SFT runs' : 'Base'} for ${c.chosen} steps at the ${c.scale} scale (\`--sft-steps\` overrides SFT explicitly, and results record it).`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = await parseCli(
    {
      name: 'select-budget',
      describe:
        'Choose the Base and SFT step counts by the pre-registered rules (held-out NLL; never evaluation problems) and write <out>/base-budget.json and <out>/sft-budget.json.',
    },
    (y) =>
      y
        .option('what', {
          choices: ['both', 'base', 'sft'] as const,
          default: 'both' as const,
          describe: 'which rule to run (both: the Base first, then SFT from the chosen Base)',
        })
        .option('world-seed', { type: 'number', default: 1, describe: 'seed of the generated world' }),
  );
  const out = resolve(args.out);
  // Earlier choices are read from where this run writes them: the SFT rule starts from the Base
  // chosen into the same folder.
  process.env.VGGM_BUDGETS = out;
  const kinds = args.what === 'both' ? KINDS : ([args.what === 'base' ? 'pretrain' : 'sft'] as BudgetKind[]);
  const rules = BUDGET_RULES[args.scale];
  const missing = kinds.filter((k) => !rules[k]);
  if (missing.length) throw new UsageError(`the ${args.scale} scale has no pre-registered ${missing.join(' or ')} budget rule (lib/train/budget.ts)`);
  const data = dataOf(args.scale, args);
  const ctx = await createContext();

  for (const kind of kinds) {
    const rule = rules[kind]!;
    const stage = { scale: args.scale, family: rule.family, seed: rule.seed, data };
    const context = modelConfig(args.scale, rule.family, data.tokenizer.vocabSize).context;
    const items = kind === 'sft' ? heldoutTraces(data, rule.heldout, context) : baseHeldoutItems(data, rule.heldout, context);
    const rows: BudgetRow[] = [];
    let tokens = 0;
    for (const steps of rule.candidates) {
      if (kind === 'pretrain') {
        const r = await ensureBase(ctx, { ...stage, steps, force: args.force });
        const loss = await score(ctx, r.dir, items, data.tokenizer);
        tokens = loss.tokens;
        rows.push({ steps, nll: loss.nll, models: [r.key] });
        console.log(`select-budget: ${r.cached ? 'cached' : 'trained'} ${r.key}`);
      } else {
        const byMethod: BudgetRow['byMethod'] = {};
        const models: string[] = [];
        for (const method of rule.methods) {
          const r = await ensureSft(ctx, { ...stage, method, steps, force: args.force });
          const loss = await score(ctx, r.dir, items, data.tokenizer);
          tokens = loss.tokens;
          byMethod[method] = loss.nll;
          models.push(r.key);
          console.log(`select-budget: ${r.cached ? 'cached' : 'trained'} ${r.key} (${method}: ${loss.nll.toFixed(4)})`);
        }
        const xs = Object.values(byMethod) as number[];
        rows.push({ steps, nll: xs.reduce((a, b) => a + b, 0) / xs.length, byMethod, models });
      }
      console.log(`select-budget: ${kind} ${steps} steps: held-out NLL ${rows.at(-1)!.nll.toFixed(4)}`);
    }
    const { best, chosen } = chooseBudget(rows, rule.tolerance);
    const t = scaleTable(args.scale);
    const choice: BudgetChoice = {
      kind,
      scale: args.scale,
      world: WORLD_CONFIG.version,
      rule,
      lr: kind === 'sft' ? sftOptimConfig(args.scale).lr : t.pretrain.lr,
      ...(kind === 'sft' ? { baseSteps: budgetSources(args.scale).pretrain.steps } : {}),
      heldout: { items: items.length, tokens },
      rows,
      best,
      chosen,
      createdAt: new Date().toISOString(),
      createdBy: commandLine(),
    };
    const name = BUDGET_FILES[kind].replace(/\.json$/, '');
    writeJsonAtomic(join(out, `${name}.json`), choice);
    writeFileAtomic(join(out, `${name}.md`), markdown(choice));
    console.log(`select-budget: ${kind}: chose ${chosen} steps (lowest NLL at ${best}) -> ${join(out, `${name}.json`)}`);
  }
}

await runMain(() => reportNonFinite(main));
