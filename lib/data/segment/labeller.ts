// Labellers decide v_i and T_last for a raw trace. The rule detector is the default; an LLM
// labeller (the paper used Claude-3.5-Sonnet) can replace it behind the same interface. Labels are
// cached in a JSONL file keyed by a hash of the trace and the labeller's name and version, and
// every label carries its provenance.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic.ts';
import type { Provenance } from '../types.ts';
import { detectVerification } from './rules.ts';
import { parseJsonLines } from '../jsonl.ts';

export interface Label {
  v: 0 | 1;
  /** Offset of the "W" of "Wait!" in `rewritten`; null when v=0. */
  tLast: number | null;
  /** The trace with the final verification cue replaced by "Wait!". */
  rewritten: string;
}

export interface Labeller {
  name: string;
  version: string;
  /** `gold`: the row's answer, for traces that box none (a labeller may ignore it). */
  label(trace: string, gold?: string | null): Label | Promise<Label>;
}

export const ruleLabeller: Labeller = {
  name: 'rules',
  // 2: first cue of the final check, corrections and hedges told apart, clean trigger rewrite.
  // 3: an interjection that questions the result it restates ("Wait, so is T 180 days?") opens the check.
  // 4: "maybe I made a mistake" is a doubt, not a correction; plain-text answers ("11√3", "-ln2");
  //    an interjection sentence just before an interjection-free cue opens the check; an empty
  //    "\boxed{}" is not a tentative answer.
  // 5: a check that opens right after the answer's statement is not restarted by its own slip
  //    remarks; "36,084" states 36084 and "-31/75" states \frac{-31}{75}; "is approximately 6.4"
  //    states 6.4; "the answer is that ..." states no value; a final "check" that computes nothing
  //    is no verification.
  // 6: a check announced after the first words; a bulleted breakdown line is no answer statement;
  //    list answers stated value by value; a longer decimal that rounds to the answer states it.
  // 7: the project's grader (lib/eval/answer.ts) decides whether a value stated in a sentence is
  //    the answer (tuples, intervals, pmatrix as a list, "1 divided by 29,322,216"; not "6000 / 750"
  //    or "3 * 4"); "\$1.17" is the number 1.17; "Wait, that seems too low" and "is there a
  //    possibility that ...?" open a check; "Wait a second," is an interjection; a check that
  //    computes in words ("16/36 simplifies to 4/9") computes.
  // 8-11: see the rules@8 ... rules@11 notes at the top of rules.ts.
  // 12: LaTeX-fraction, recap and re-rounding checks compute; remarks on how a step came out or on
  //    a value's form, and an "Alternatively," that redoes one product, open no check; condition
  //    answers ("x < a or x > b") stated after "where" and across "\(...\)".
  // 13: π, "·" and evaluated powers compute; "a over b" is a fraction; "it's just 3" states 3;
  //    admissibility checks are steps; "Wait, maybe I made a mistake in ..." opens a check; "But
  //    wait, the problem says ..." opens none.
  version: '13',
  label(trace, gold) {
    const d = detectVerification(trace, gold);
    return { v: d.v, tLast: d.tLast, rewritten: d.rewritten };
  },
};

export function traceHash(trace: string): string {
  return createHash('sha256').update(trace, 'utf8').digest('hex');
}

interface CacheLine extends Label, Provenance {
  hash: string;
}

/** Labels already computed, one JSON line each; `save()` rewrites the file atomically. */
export class LabelCache {
  private lines = new Map<string, CacheLine>();
  private dirty = false;
  constructor(readonly path: string) {
    if (!existsSync(path)) return;
    for (const { value } of parseJsonLines(readFileSync(path, 'utf8'), `label cache ${path}`)) {
      const o = value as unknown as CacheLine;
      this.lines.set(this.key(o.hash, o), o);
    }
  }
  private key(hash: string, p: Provenance): string {
    return `${p.labeller}@${p.version}:${hash}`;
  }
  get(trace: string, p: Provenance): Label | undefined {
    const o = this.lines.get(this.key(traceHash(trace), p));
    return o && { v: o.v, tLast: o.tLast, rewritten: o.rewritten };
  }
  put(trace: string, p: Provenance, l: Label): void {
    const hash = traceHash(trace);
    this.lines.set(this.key(hash, p), { hash, labeller: p.labeller, version: p.version, v: l.v, tLast: l.tLast, rewritten: l.rewritten });
    this.dirty = true;
  }
  get size(): number {
    return this.lines.size;
  }
  save(): void {
    if (!this.dirty) return;
    writeFileAtomic(this.path, [...this.lines.values()].map((o) => JSON.stringify(o) + '\n').join(''));
    this.dirty = false;
  }
}

/** Label one trace through the cache (when given); the label comes back with its provenance. */
export async function labelTrace(labeller: Labeller, trace: string, cache?: LabelCache, gold?: string | null): Promise<Label & { provenance: Provenance; cached: boolean }> {
  const provenance = { labeller: labeller.name, version: labeller.version };
  const hit = cache?.get(trace, provenance);
  if (hit) return { ...hit, provenance, cached: true };
  const l = await labeller.label(trace, gold);
  if (l.v === 1 && (l.tLast === null || l.tLast < 0 || l.tLast >= l.rewritten.length || !l.rewritten.startsWith('Wait!', l.tLast)))
    throw new Error(`labeller ${labeller.name}@${labeller.version}: v=1 label whose tLast does not point at "Wait!"`);
  cache?.put(trace, provenance, l);
  return { ...l, provenance, cached: false };
}
