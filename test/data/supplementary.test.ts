// The supplementary evaluation set on the smoke world: its own stream, deterministic, disjoint from
// every problem the world holds, and in the world tokenizer's vocabulary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tracePrompt } from '../../lib/data/prompts.ts';
import { supplementaryProblems, worldProblemKeys } from '../../lib/data/world/supplementary.ts';
import { loadData } from '../../lib/train/data.ts';

it('draws new problems of each tier asked, none the world holds, the same each time', () => {
  process.env.VGGM_CACHE = mkdtempSync(join(tmpdir(), 'supp-'));
  const ds = loadData('smoke', 1);
  const s = supplementaryProblems(ds, { gsm8k: 30, amc23: 20 });
  expect(s.filter((p) => p.tier === 'gsm8k')).toHaveLength(30);
  expect(s.filter((p) => p.tier === 'amc23')).toHaveLength(20);
  expect(s.some((p) => p.tier === 'math')).toBe(false);
  const world = worldProblemKeys(ds);
  expect(world.size).toBeGreaterThan(ds.eval.length);
  expect(s.filter((p) => world.has(p.key!))).toEqual([]);
  expect(new Set(s.map((p) => p.key)).size).toBe(s.length);
  expect(new Set(s.map((p) => p.id)).size).toBe(s.length);
  expect(supplementaryProblems(ds, { gsm8k: 30, amc23: 20 })).toEqual(s);
  // more problems extend the same stream's draws of a tier
  expect(supplementaryProblems(ds, { gsm8k: 40 }).slice(0, 30)).toEqual(s.slice(0, 30));
  for (const p of s) expect(ds.tokenizer.encode(tracePrompt(p.problem)).ids).not.toContain(ds.tokenizer.unkId);
  expect(s.every((p) => /^\d+(\/\d+)?$|^-\d+/.test(p.answer))).toBe(true);
}, 120_000);
