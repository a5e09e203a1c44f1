// Agreement with Math-Verify's own verdicts (pairs we did not write): the fixture holds every
// string pair of huggingface/Math-Verify's tests/*.py at the commit it records (Apache-2.0).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agreement, isDefaultConfig, type MvCase } from '../../lib/eval/grade/agreement.ts';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/math-verify-cases.json'), 'utf8')) as {
  commit: string;
  cases: MvCase[];
};

describe('agreement with Math-Verify verdicts', () => {
  it('holds the suite it names', () => {
    expect(fixture.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(250);
    expect(fixture.cases.some((c) => !c.equal)).toBe(true);
  });

  it('agrees on ≥ 95% of all pairs and ≥ 96% of the default-configuration pairs', () => {
    const all = agreement(fixture.cases);
    const dflt = agreement(fixture.cases.filter(isDefaultConfig));
    const show = (c: MvCase) => `${c.source} ${JSON.stringify(c.gold.slice(0, 60))} vs ${JSON.stringify(c.pred.slice(-60))}`;
    console.log(`Math-Verify agreement: all ${all.agree}/${all.total}, default config ${dflt.agree}/${dflt.total}`);
    for (const c of all.falseEqual) console.log(`  false equal: ${show(c)}`);
    for (const c of all.falseUnequal) console.log(`  false unequal: ${show(c)}`);
    expect(all.agree / all.total).toBeGreaterThanOrEqual(0.95);
    expect(dflt.agree / dflt.total).toBeGreaterThanOrEqual(0.96);
  });
});
