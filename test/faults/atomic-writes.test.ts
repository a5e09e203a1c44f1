// Every file the toolkit writes goes through lib/util/atomic.ts (temp file, fsync, rename), so a
// kill never leaves a half-written checkpoint or results file; atomic-kill.test.ts shows that
// path survives SIGKILL. This guard fails when new code writes files in place. Append-only logs
// are allowed where a reader tolerates a torn last line; each exception says why.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ALLOWED: Record<string, string> = {
  'lib/util/atomic.ts': 'the atomic writer itself',
  'lib/train/metrics.ts': 'append-only metrics log; MetricsLog.read drops a torn last line (metrics-torn.test.ts)',
  'lib/eval/evaluate.ts': 'append-only generations JSONL, rewritten per evaluation; not read back by the pipeline',
  'scripts/bench.ts': 'a throw-away config in a temp folder for the peer benchmark',
  'scripts/profile.ts': "the streamed stdout/stderr log of the table1 run it profiles, in that run's own temp cache",
};
const IN_PLACE = /\b(writeFileSync|appendFileSync|createWriteStream|writeFile|appendFile)\s*\(/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.[cm]?[jt]s$/.test(f) ? [p] : [];
  });
}

describe('atomic writes', () => {
  it('no file in lib/ or scripts/ writes in place outside the listed exceptions', () => {
    const offenders = [...files('lib'), ...files('scripts')].filter((f) => !(f in ALLOWED) && IN_PLACE.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
