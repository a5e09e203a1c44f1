// The data building blocks: generate the synthetic teacher world, ingest OpenR1-Math-220k, report
// statistics of a data folder, show one trace with its seen-but-not-learned prefix and learned
// suffix. See lib/data/dataset.ts for the folder layout.
//
//   npx tsx scripts/data.ts generate --scale cpu --seed 1 --out data/world-cpu-1
//   npx tsx scripts/data.ts stats data/world-cpu-1
//   npx tsx scripts/data.ts show data/world-cpu-1 --split sft_v1 --index 0
//   npx tsx scripts/data.ts ingest openr1.parquet --out data/openr1 [--tokenizer qwen/tokenizer.json] [--labels labels.jsonl]
//   npx tsx scripts/data.ts label-export openr1.parquet --out to-label.jsonl [--uncertain-only]
//   npx tsx scripts/data.ts labelled-report test/data/fixtures/r1/*.jsonl --out results/labelling
//   npx tsx scripts/data.ts reader-agreement test/data/fixtures/r1/reader2-fresh6.jsonl --set test/data/fixtures/r1/labelled-fresh6.jsonl
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadDataset, writeDataset } from '../lib/data/dataset.ts';
import { encodeExample } from '../lib/data/encode.ts';
import { DEFAULT_MAX_LINE_BYTES, ingestRows, parseExternalLabels, readOpenR1Rows, type ExternalLabel } from '../lib/data/openr1.ts';
import { LABEL_PROMPT_VERSION, labelPrompt } from '../lib/data/segment/prompt.ts';
import {
  labelledLabel,
  labelledReport,
  labelledRow,
  parseLabelledSet,
  parseSecondReading,
  readerAgreement,
  renderLabelledReport,
  type LabelledTrace,
  type ReaderAgreement,
} from '../lib/data/segment/labelled.ts';
import { referenceAgreement, responseLossShare, type ReferenceAgreement } from '../lib/data/segment/score.ts';
import { writeFileAtomic } from '../lib/util/atomic.ts';
import { tracePrompt } from '../lib/data/prompts.ts';
import { LabelCache, ruleLabeller } from '../lib/data/segment/labeller.ts';
import { detectVerification } from '../lib/data/segment/rules.ts';
import { assignSplits, splitCounts } from '../lib/data/split.ts';
import { datasetStats, type DataStats } from '../lib/data/stats.ts';
import { DEFAULT_MAX_TOKENS, dropLongExamples, tokenCounter } from '../lib/data/length.ts';
import type { Example, Split } from '../lib/data/types.ts';
import { SCALES, SPLIT_RATIO, type ScaleName } from '../lib/data/world/config.ts';
import { generateWorld } from '../lib/data/world/generate.ts';
import { runMain, UsageError } from '../lib/util/cli.ts';

const SPLITS: Split[] = ['sft_v1', 'sft_v0', 'grpo', 'unused'];

function generate(a: { scale: ScaleName; seed: number; out?: string }): void {
  const out = a.out ?? `data/world-${a.scale}-${a.seed}`;
  const t0 = Date.now();
  const w = generateWorld({ seed: a.seed, scale: a.scale });
  writeDataset(out, {
    pool: w.pool,
    eval: w.eval,
    dev: w.dev,
    base: w.base,
    baseHeldout: w.baseHeldout,
    manifest: {
      source: 'world',
      seed: a.seed,
      scale: a.scale,
      scaleConfig: SCALES[a.scale],
      splitWanted: w.want,
      world: w.config,
      labeller: ruleLabeller.name + '@' + ruleLabeller.version,
    },
  });
  console.log(
    `generate: ${w.pool.length} pool traces, ${w.eval.length} eval problems, ${w.dev.length} development problems, ${w.base.length} Base records -> ${out} (${((Date.now() - t0) / 1000).toFixed(1)}s)`,
  );
}

async function ingest(a: {
  inputs: string[];
  out: string;
  seed: number;
  unit?: number;
  cache?: string;
  maxTokens: number;
  tokenizer?: string;
  maxLineBytes: number;
  labels?: string;
  labeller: string;
}): Promise<void> {
  const cache = new LabelCache(a.cache ?? join(a.out, 'labels.cache.jsonl'));
  let external: Map<string, ExternalLabel> | undefined;
  if (a.labels) {
    if (!existsSync(a.labels)) throw new UsageError(`--labels ${a.labels}: no such file`);
    const [name, version = '1'] = a.labeller.split('@');
    external = parseExternalLabels(readFileSync(a.labels, 'utf8'), a.labels, { labeller: name, version });
  }
  const examples: Example[] = [];
  const reports = [];
  for (const path of a.inputs) {
    if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
    const { examples: ex, report, comparison: c } = await ingestRows(await readOpenR1Rows(path, { maxLineBytes: a.maxLineBytes }), ruleLabeller, cache, external);
    examples.push(...ex);
    reports.push({ path, ...report, labelComparison: external ? c : undefined });
    const skipped = Object.entries(report.skipped)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    console.log(`ingest: ${path}: ${report.rows} rows, ${report.kept} of ${report.generations} generations kept${skipped ? ` (skipped: ${skipped})` : ''}`);
    if (external) {
      console.log(
        `ingest: external labels vs rules on ${c.n} traces: v agrees on ${c.vAgree}; both v=1 on ${c.bothV1}, T_last equal on ${c.tLastExact}, within 80 characters on ${c.tLastWithin80}; ${c.unplaced} labels not placed`,
      );
      for (const d of c.disagreements.slice(0, 10))
        console.log(`ingest:   disagree ${d.id}: external v=${d.vExternal} T_last=${d.external ?? '-'}, rules v=${d.vRules} T_last=${d.rules ?? '-'}`);
    }
  }
  const counter = tokenCounter(a.tokenizer);
  const long = dropLongExamples(examples, a.maxTokens, counter.count);
  console.log(`ingest: skipped ${long.dropped} traces longer than ${a.maxTokens} tokens (--max-tokens; lengths in tokens of ${counter.name})`);
  examples.splice(0, examples.length, ...long.kept);
  // Nothing to write: keep whatever the output folder already holds.
  if (!examples.length) throw new UsageError(`no usable examples in ${a.inputs.join(', ')}; ${a.out} left unchanged`);
  const n1 = examples.filter((e) => e.v === 1).length,
    n0 = examples.length - n1;
  // The largest unit the data allows unless one is given (the paper: unit 1000 -> 12k / 8k / 9,848).
  const unit = a.unit ?? Math.min(n1 / SPLIT_RATIO.sft_v1, n0 / SPLIT_RATIO.sft_v0, examples.length / (SPLIT_RATIO.sft_v1 + SPLIT_RATIO.sft_v0 + SPLIT_RATIO.grpo));
  const want = splitCounts(unit);
  // Rounding of a fractional unit may ask for one more than there is.
  want.sft_v1 = Math.min(want.sft_v1, n1);
  want.sft_v0 = Math.min(want.sft_v0, n0);
  want.grpo = Math.min(want.grpo, examples.length - want.sft_v1 - want.sft_v0);
  const splits = assignSplits(
    examples.map((e) => e.v),
    want,
    a.seed,
  );
  examples.forEach((e, i) => (e.split = splits[i]));
  cache.save();
  writeDataset(a.out, {
    pool: examples,
    manifest: {
      source: 'openr1',
      seed: a.seed,
      unit,
      splitWanted: want,
      inputs: reports,
      maxTokens: a.maxTokens,
      lengthTokenizer: counter.name,
      skippedLong: long.dropped,
      labeller: ruleLabeller.name + '@' + ruleLabeller.version,
      externalLabels: a.labels ?? null,
    },
  });
  console.log(`ingest: ${examples.length} examples (v=1: ${n1}, v=0: ${n0}) -> ${a.out}`);
}

async function labelExport(a: { inputs: string[]; out: string; maxLineBytes: number; uncertainOnly: boolean }): Promise<void> {
  const lines: string[] = [];
  let confident = 0;
  for (const path of a.inputs) {
    if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
    const { examples } = await ingestRows(await readOpenR1Rows(path, { maxLineBytes: a.maxLineBytes }), ruleLabeller);
    for (const e of examples) {
      // The rules' own confidence in their T_last (docs/labelling.md: where they are confident they
      // agree with careful reading far more often); --uncertain-only leaves those traces out.
      const rulesConfident = detectVerification(e.raw, e.answer).confident;
      if (rulesConfident) confident++;
      if (a.uncertainOnly && rulesConfident) continue;
      lines.push(
        JSON.stringify({
          uuid: e.meta!.uuid ?? e.id.replace(/-g\d+$/, ''),
          generation: e.meta!.generation,
          problem: e.problem,
          answer: e.answer,
          trace: e.raw,
          prompt: labelPrompt(e.problem, e.raw),
          promptVersion: LABEL_PROMPT_VERSION,
          rulesConfident,
        }) + '\n',
      );
    }
  }
  if (!lines.length) throw new UsageError(`no traces to label in ${a.inputs.join(', ')}${a.uncertainOnly ? ` (${confident} left out as confident)` : ''}; ${a.out} not written`);
  writeFileAtomic(a.out, lines.join(''));
  console.log(
    `label-export: ${lines.length} traces with the labelling prompt (docs/labelling.md, version ${LABEL_PROMPT_VERSION}) -> ${a.out}${a.uncertainOnly ? `; ${confident} left out: the rules are confident of their label` : `; ${confident} of them the rules label confidently`}; answers go back in with ingest --labels`,
  );
}

function readLabelledSet(paths: string[]): LabelledTrace[] {
  const set: LabelledTrace[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
    try {
      set.push(...parseLabelledSet(readFileSync(path, 'utf8'), path));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (new Set(set.map((t) => t.id)).size !== set.length) throw new UsageError(`${paths.join(', ')}: a trace id appears in more than one file`);
  return set;
}

// The labelled set as an OpenR1-style rows file and an external-labels file, for ingest --labels.
function labelledExport(a: { inputs: string[]; rows: string; labels: string; split: string }): void {
  const set = readLabelledSet(a.inputs).filter((t) => a.split === 'all' || t.split === a.split);
  if (!set.length) throw new UsageError(`no ${a.split} traces in ${a.inputs.join(', ')}; nothing written`);
  writeFileAtomic(a.rows, set.map((t) => JSON.stringify(labelledRow(t)) + '\n').join(''));
  writeFileAtomic(a.labels, set.map((t) => JSON.stringify(labelledLabel(t)) + '\n').join(''));
  console.log(`labelled-export: ${set.length} ${a.split} traces -> ${a.rows} (rows), ${a.labels} (labels); next: ingest ${a.rows} --labels ${a.labels} --out DIR, then stats DIR`);
}

async function labelledReportCommand(a: { inputs: string[]; out: string; note?: string }): Promise<void> {
  const set = readLabelledSet(a.inputs);
  const r = await labelledReport(set);
  const command = `npx tsx scripts/data.ts labelled-report ${a.inputs.join(' ')} --out ${a.out}${a.note ? ` --note '${a.note}'` : ''}`;
  writeFileAtomic(`${a.out}.json`, JSON.stringify({ command, note: a.note ?? null, ...r }, null, 1) + '\n');
  writeFileAtomic(`${a.out}.md`, renderLabelledReport(r, set, command, a.note));
  for (const k of ['heldout', 'dev', 'all'] as const) {
    const s = r.subsets[k],
      g = s.agreement;
    console.log(
      `labelled-report: ${k}: ${s.n} traces; v agrees ${g?.vAgree ?? 0}/${g?.n ?? 0}; T_last same sentence ${g?.sameSentence ?? 0}/${g?.bothV1 ?? 0}, within 80 chars ${g?.within80 ?? 0}/${g?.bothV1 ?? 0}; loss share ${(100 * s.lossShare.reading).toFixed(1)}% (reading), ${(100 * s.lossShare.rules).toFixed(1)}% (rules); confident ${s.byConfidence.confident.agree}/${s.byConfidence.confident.n} agree, others ${s.byConfidence.uncertain.agree}/${s.byConfidence.uncertain.n}`,
    );
  }
  console.log(`labelled-report: -> ${a.out}.json, ${a.out}.md`);
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function printStats(s: DataStats & { reference: ReferenceAgreement | null; lossShare: number }): void {
  const L = (k: string, v: string) => console.log(`${k.padEnd(28)} ${v}`);
  if (s.reference) {
    const r = s.reference;
    L('labelled set', `${r.n} traces labelled by ${r.reference} and by the rules`);
    L('v agreement', `${pct(r.vAgree / r.n)} (${r.vAgree}/${r.n})`);
    L('T_last, same sentence', `${pct(r.sameSentence / (r.bothV1 || 1))} (${r.sameSentence}/${r.bothV1} where both say v=1)`);
    L('T_last, within 80 chars', `${pct(r.within80 / (r.bothV1 || 1))} (${r.within80}/${r.bothV1})`);
  }
  L('response tokens with loss', `${pct(s.lossShare)} (VGGM: from T_last when v=1, all when v=0; whole pool)`);
  L('source', s.source);
  L(
    'raw pool',
    `${s.pool} traces (${Object.entries(s.byTier)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')})`,
  );
  L('v=1 (labels, raw pool)', pct(s.vRatio));
  if (s.truthVRatio !== null) L('v=1 (world truth)', pct(s.truthVRatio));
  L('splits', SPLITS.map((k) => `${k} ${s.splits[k]}`).join(', '));
  L('split ratio', `${s.splitRatio.sft_v1.toFixed(3)} : ${s.splitRatio.sft_v0.toFixed(3)} : ${s.splitRatio.grpo.toFixed(3)} (paper 12 : 8 : 9.848)`);
  if (s.agreement) {
    const a = s.agreement,
      c = a.confusion;
    L('T_last agreement', `${pct(a.tLastAgree / a.n)} (${a.tLastAgree}/${a.n}); on true v=1: ${pct(a.tLastAgreeV1 / (a.nV1 || 1))} (${a.tLastAgreeV1}/${a.nV1})`);
    L('rewritten text agreement', `${pct(a.rewrittenAgree / a.n)}`);
    L('v confusion (truth\\label)', `v=0: [${c[0][0]} ${c[0][1]}]  v=1: [${c[1][0]} ${c[1][1]}]`);
  }
  if (Object.keys(s.slips).length)
    L(
      'slips (truth)',
      Object.entries(s.slips)
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    );
  const q = (x: DataStats['lengths']['train']) => `mean ${x.mean.toFixed(1)}, p50 ${x.p50}, p90 ${x.p90}, max ${x.max} tokens (n=${x.n})`;
  L('length, prompt+trace', q(s.lengths.train));
  if (s.lengths.base) L('length, Base record', q(s.lengths.base));
  L('VGGM-masked tokens', `${pct(s.masked.sftV1)} of sft_v1 response tokens, ${pct(s.masked.sftMix)} of the SFT mix`);
  if (Object.keys(s.eval).length)
    L(
      'eval problems',
      Object.entries(s.eval)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') + `; leaks into training: ${s.evalLeaks}`,
    );
  L('SFT/GRPO shared problems', `${s.sftGrpoSharedKeys}`);
}

function show(a: { dir: string; id?: string; index: number; split?: string; color: string }): void {
  const d = loadDataset(a.dir);
  const pool = a.split ? d.pool.filter((e) => e.split === a.split) : d.pool;
  const e = a.id ? d.pool.find((x) => x.id === a.id) : pool[a.index];
  if (!e) throw new UsageError(a.id ? `no example with id ${a.id}` : `no example ${a.index} (have ${pool.length}${a.split ? ` in ${a.split}` : ''})`);
  const color = a.color === 'always' || (a.color === 'auto' && process.stdout.isTTY && !process.env.NO_COLOR);
  const cut = e.tLast ?? 0;
  const seen = e.response.slice(0, cut),
    learned = e.response.slice(cut);
  const enc = encodeExample(d.tokenizer, tracePrompt(e.problem), e.response, e.tLast);
  console.log(
    `${e.id}  tier ${e.tier}  split ${e.split}  v=${e.v}  tLast=${e.tLast ?? '-'} (token ${enc.tLastToken ?? '-'} of ${enc.ids.length})  answer ${e.answer}  label ${e.label.labeller}@${e.label.version}`,
  );
  if (e.truth?.slip) console.log(`teacher slip: ${e.truth.slip.kind} at step ${e.truth.slip.step}: wrote ${e.truth.slip.wrong}, right ${e.truth.slip.right}`);
  if (color) {
    console.log(`\x1b[2m${tracePrompt(e.problem)}\x1b[0m\x1b[33m${seen}\x1b[0m\x1b[1;32m${learned}\x1b[0m`);
    console.log('\x1b[2mdim: prompt\x1b[0m  \x1b[33myellow: seen, not learned (VGGM weight 0)\x1b[0m  \x1b[1;32mgreen: learned\x1b[0m');
  } else {
    console.log(`${tracePrompt(e.problem)}${seen ? `[[SEEN, NOT LEARNED: ${seen}]]` : ''}<<LEARNED: ${learned}>>`);
  }
}

await runMain(async () => {
  await yargs(hideBin(process.argv))
    .scriptName('data')
    .usage('$0 <command> [options]\n\nGenerate, ingest, inspect the teacher data (world or OpenR1-Math-220k).')
    .command(
      'generate',
      'generate the synthetic teacher world -> DIR/{pool,eval,base}.jsonl, tokenizer.json, manifest.json',
      (y) =>
        y
          .option('scale', {
            choices: ['smoke', 'cpu', 'paper'] as const,
            default: 'cpu' as const,
            describe: 'counts: smoke (CI), cpu (default), paper (12k/8k/9,848; eval 1319/500/40)',
          })
          .option('seed', { type: 'number', default: 1 })
          .option('out', { type: 'string', describe: 'output folder (default data/world-<scale>-<seed>)' }),
      (a) => {
        if (!Number.isInteger(a.seed) || a.seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got ${a.seed}`);
        generate(a);
      },
    )
    .command(
      'ingest <inputs..>',
      'OpenR1-Math-220k parquet/JSONL -> DIR/pool.jsonl (verified generations, segmented, split)',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', demandOption: true })
          .option('seed', { type: 'number', default: 1 })
          .option('unit', { type: 'number', describe: 'split unit: 12u / 8u / 9.848u (default: the largest the data allows)' })
          .option('cache', { type: 'string', describe: 'label cache JSONL (default DIR/labels.cache.jsonl)' })
          .option('max-tokens', { type: 'number', default: DEFAULT_MAX_TOKENS, describe: 'skip (and count) traces longer than this many tokens, prompt included' })
          .option('tokenizer', { type: 'string', describe: 'tokenizer.json of the model to be trained: lengths are counted in its tokens (default: the world pre-tokenizer)' })
          .option('max-line-bytes', { type: 'number', default: DEFAULT_MAX_LINE_BYTES, describe: 'skip (and count) JSONL lines longer than this' })
          .option('labels', {
            type: 'string',
            describe: 'external labels JSONL: {uuid, generation, v, tLast (offset or quoted sentence)}; they replace the rules labels, disagreements are reported',
          })
          .option('labeller', { type: 'string', default: 'external@1', describe: 'name@version recorded for --labels lines that name none' }),
      (a) => {
        if (!(Number.isInteger(a['max-line-bytes']) && a['max-line-bytes'] > 0)) throw new UsageError(`--max-line-bytes: expected a positive integer, got ${a['max-line-bytes']}`);
        return ingest({
          inputs: a.inputs as string[],
          out: a.out,
          seed: a.seed,
          unit: a.unit,
          cache: a.cache,
          maxTokens: a['max-tokens'],
          tokenizer: a.tokenizer,
          maxLineBytes: a['max-line-bytes'],
          labels: a.labels,
          labeller: a.labeller,
        });
      },
    )
    .command(
      'label-export <inputs..>',
      'OpenR1 parquet/JSONL -> JSONL of traces to label, each with the labelling prompt (docs/labelling.md)',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', demandOption: true })
          .option('max-line-bytes', { type: 'number', default: DEFAULT_MAX_LINE_BYTES })
          .option('uncertain-only', {
            type: 'boolean',
            default: false,
            describe: 'leave out the traces whose rules label is confident (docs/labelling.md), so that only the others go to the labeller',
          }),
      (a) => labelExport({ inputs: a.inputs as string[], out: a.out, maxLineBytes: a['max-line-bytes'], uncertainOnly: a['uncertain-only'] }),
    )
    .command(
      'labelled-export <inputs..>',
      'labelled set of real R1 traces (test/data/fixtures/r1) -> OpenR1-style rows + reading labels for ingest --labels',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, demandOption: true })
          .option('rows', { type: 'string', demandOption: true })
          .option('labels', { type: 'string', demandOption: true })
          .option('split', { choices: ['all', 'dev', 'heldout'], default: 'all' }),
      (a) => labelledExport({ inputs: a.inputs as string[], rows: a.rows, labels: a.labels, split: a.split }),
    )
    .command(
      'labelled-report <inputs..>',
      'agreement of the rules labeller with the labelled set (held out, development, all) -> OUT.json, OUT.md',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', demandOption: true, describe: 'path prefix of the report (OUT.json, OUT.md)' })
          .option('note', { type: 'string', describe: 'a line printed under the title (e.g. which labeller version the held-out traces were held out from)' }),
      (a) => labelledReportCommand({ inputs: a.inputs as string[], out: a.out, note: a.note }),
    )
    .command(
      'reader-agreement <second>',
      'agreement of a second reading (JSONL: id, v, tLastSentence) with the labelled set, by the measure labelled-report uses',
      (y) =>
        y
          .positional('second', { type: 'string', demandOption: true })
          .option('set', { type: 'string', array: true, demandOption: true, describe: 'the labelled-set files holding the first reading of those traces' }),
      (a) => {
        if (!existsSync(a.second)) throw new UsageError(`${a.second}: no such file`);
        let r: ReaderAgreement;
        try {
          r = readerAgreement(readLabelledSet(a.set as string[]), parseSecondReading(readFileSync(a.second, 'utf8'), a.second));
        } catch (e) {
          throw e instanceof UsageError ? e : new UsageError((e as Error).message);
        }
        console.log(
          `reader-agreement: ${r.n} traces; v agrees ${r.vAgree}/${r.n}; T_last same sentence ${r.sameSentence}/${r.bothV1}, within 80 chars ${r.within80}/${r.bothV1}; differ: ${r.differ.join(', ') || 'none'}`,
        );
      },
    )
    .command(
      'stats <dir>',
      'counts, v ratio, T_last agreement, lengths in tokens, masked-token fraction',
      (y) => y.positional('dir', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }),
      (a) => {
        const d = loadDataset(a.dir);
        const s = { ...datasetStats(d), reference: referenceAgreement(d.pool), lossShare: responseLossShare(d.pool, d.tokenizer) };
        if (a.json) console.log(JSON.stringify(s, null, 2));
        else printStats(s);
      },
    )
    .command(
      'show <dir>',
      'print one trace: prompt, the seen-but-not-learned prefix and the learned suffix',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true })
          .option('id', { type: 'string' })
          .option('index', { type: 'number', default: 0 })
          .option('split', { choices: SPLITS })
          .option('color', { choices: ['auto', 'always', 'never'], default: 'auto' }),
      (a) => show({ dir: a.dir, id: a.id, index: a.index, split: a.split, color: a.color }),
    )
    .demandCommand(1, 'give a command: generate, ingest, label-export, labelled-export, labelled-report, reader-agreement, stats or show')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg.replace(/\s*\n\s*/g, ' '));
    })
    .parseAsync();
});
