// Table 1's diagnostics file (results/diagnostics.*): the mechanism measures of lib/eval/mechanism.ts
// for every row and seed, from the generations Table 1's evaluation saved and from teacher-forced
// passes over held-out teacher traces. docs/mechanism.md says what each measure stands for.
import type { Dataset } from '../data/dataset.ts';
import { WORLD_CONFIG } from '../data/world/config.ts';
import type { GenRecord } from '../eval/evaluate.ts';
import { answerMechanism, wrongFactCopies } from '../eval/mechanism.ts';
import { point, type Axis, type Point, type ResultSet } from '../report/results.ts';

export interface MechanismInput {
  rows: { id: string; label: string }[];
  seeds: number[];
  /** the greedy generations of (row, seed) */
  generations: (row: string, seed: number) => readonly GenRecord[];
  /** teacher-forced entropy (nats) on held-out first-pass tokens of (row, seed) */
  entropy: (row: string, seed: number) => number;
  data: Dataset;
}

const ANSWER_MEASURES: Axis = {
  title: 'Measure',
  order: ['firstPass', 'final', 'verify', 'fixed', 'broken'],
  // short: they are the chart's axis labels (the set's notes say what each is)
  labels: { firstPass: 'first pass right', final: 'final right', verify: 'verifies', fixed: 'fixed', broken: 'broken' },
};

/** The diagnostics sets: answers (first pass vs final, verification), wrong facts, entropy. */
export function mechanismSets(m: MechanismInput): { sets: Record<string, ResultSet>; notes: string[] } {
  const group: Axis = { title: 'Model', order: m.rows.map((r) => r.id), labels: Object.fromEntries(m.rows.map((r) => [r.id, r.label])) };
  const answers: Point[] = [];
  const facts: Point[] = [];
  const entropy: Point[] = [];
  const wrongFacts = WORLD_CONFIG.slips.wrongFacts;
  for (const r of m.rows) {
    const per = m.seeds.map((s) => answerMechanism(m.generations(r.id, s)));
    const pct = (f: (a: (typeof per)[number]) => number) => per.map((a) => 100 * f(a));
    answers.push(
      point(
        r.id,
        'firstPass',
        pct((a) => a.firstPassAccuracy),
      ),
      point(
        r.id,
        'final',
        pct((a) => a.finalAccuracy),
      ),
      point(
        r.id,
        'verify',
        pct((a) => a.verifyRate),
      ),
      point(
        r.id,
        'fixed',
        pct((a) => a.fixedRate),
      ),
      point(
        r.id,
        'broken',
        pct((a) => a.brokenRate),
      ),
    );
    // A seed whose generations never write one of the facts has no rate: left out of that point.
    const copies = m.seeds.map((s) =>
      wrongFactCopies(
        m.generations(r.id, s).map((g) => g.text),
        wrongFacts,
      ),
    );
    const kept = m.seeds.filter((_, i) => copies[i].attempts > 0);
    if (kept.length) {
      const rate = (f: (c: (typeof copies)[number]) => number) => copies.filter((c) => c.attempts > 0).map((c) => 100 * f(c));
      facts.push(
        point(
          r.id,
          'copied',
          rate((c) => c.copyRate),
          { seeds: kept },
        ),
        point(
          r.id,
          'right',
          rate((c) => c.right / c.attempts),
          { seeds: kept },
        ),
      );
    }
    entropy.push(
      point(
        r.id,
        'firstPass',
        m.seeds.map((s) => m.entropy(r.id, s)),
      ),
    );
  }
  const teacher = wrongFactCopies(
    m.data.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').map((e) => e.response),
    wrongFacts,
  );
  const attempts = m.rows
    .map(
      (r) =>
        `${r.id} ${m.seeds
          .map(
            (s) =>
              wrongFactCopies(
                m.generations(r.id, s).map((g) => g.text),
                wrongFacts,
              ).attempts,
          )
          .join('/')}`,
    )
    .join(', ');
  const sets: Record<string, ResultSet> = {
    answers: {
      title: 'First pass and final answer',
      chart: 'groupedBars',
      group,
      x: ANSWER_MEASURES,
      y: { title: 'Share of generations', unit: '%' },
      points: answers,
      notes: [
        'First-pass answer: the answer given before the first "Wait!"; final: the last \\boxed{} of the generation (the same answer when there is no "Wait!").',
        'Verifies: the generation holds "Wait!". Fixed: first pass wrong and final right; broken: first pass right and final wrong (shares of all generations).',
      ],
    },
    wrongFacts: {
      title: "The teacher's wrong facts in the model's steps",
      chart: 'groupedBars',
      group,
      x: { title: 'Result written', order: ['copied', 'right'], labels: { copied: "the teacher's wrong value", right: 'the right value' } },
      y: { title: 'Share of equations on a wrong fact', unit: '%' },
      points: facts,
      notes: [
        `Equations "a op b = c" whose "a op b" is one of the teacher's ${wrongFacts.length} systematic wrong facts (lib/data/world/config.ts slips.wrongFacts), anywhere in the greedy generations.`,
        `Such equations per seed: ${attempts}.`,
        `The teacher's SFT traces write the wrong value in ${teacher.attempts ? (100 * teacher.copyRate).toFixed(1) : '–'}% of their ${teacher.attempts} equations on those facts (first passes and verifications together).`,
      ],
    },
    entropy: {
      title: 'Teacher-forced entropy on first-pass tokens',
      chart: 'groupedBars',
      group,
      x: { title: 'Tokens', labels: { firstPass: 'first pass' } },
      y: { title: 'Mean entropy', unit: 'nats' },
      points: entropy,
      notes: [
        'Held-out verified teacher traces (pool traces outside every split, on problems no SFT trace holds), the whole trace in the input; the mean next-token entropy over the response tokens before T_last (what VGGM sees but does not learn).',
      ],
    },
  };
  // A set with no point draws nothing: where no generation wrote one of the facts, a note says so.
  if (!facts.length) {
    delete sets.wrongFacts;
    return { sets, notes: [`No greedy generation of any model wrote an equation on one of the teacher's ${wrongFacts.length} wrong facts: no copy rate.`] };
  }
  return { sets, notes: [] };
}
