// scripts/grade.ts end to end, as a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function grade(args: string[], input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/grade.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l));

describe('scripts/grade.ts', () => {
  it('one {"equal"} line per input line, in order, from stdin; bare answers and whole texts', () => {
    const input = [
      { gold: '\\frac{1}{2}', pred: '0.5' },
      { gold: '\\frac{1}{2}', pred: 'Therefore the answer is $\\frac{1}{3}$.' },
      { gold: 'Janet sells 9 eggs.\n#### 18', pred: 'She makes 9 * 2 = $18.\n#### 18' },
      { gold: '(3,4]', pred: 'The interval is $\\boxed{(3, 4]}$.' },
      { gold: '(3,4]', pred: '\\boxed{(3,4)}' },
      { gold: 27.0, pred: '27' },
      { gold: '\\text{Evelyn}', pred: 'Evelyn' },
      { gold: '5', pred: 'I do not know' },
    ].map((x) => JSON.stringify(x)).join('\n');
    const r = grade([], `${input}\n`);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([true, false, true, true, false, true, true, false].map((equal) => ({ equal })));
  });

  it('reads a file argument; --explain shows the extracted answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grade-'));
    const f = join(dir, 'in.jsonl');
    writeFileSync(f, `${JSON.stringify({ gold: 'x = 3', pred: 'so \\boxed{3}.' })}\n`);
    const r = grade([f, '--explain']);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([{ equal: true, gold_answer: 'x = 3', pred_answer: '3' }]);
  });

  it('malformed lines keep the output aligned, then exit 1 with one summary line', () => {
    const input = ['{"gold":"1","pred":"1"}', 'not json', '', '{"gold":"1"}', '[1,2]', '{"gold":"2","pred":"\\\\boxed{2}"}'].join('\n');
    const r = grade([], input);
    expect(r.code).toBe(1);
    const out = lines(r.out);
    expect(out.map((o) => o.equal)).toEqual([true, false, false, false, false, true]);
    expect(out.map((o) => o.error !== undefined)).toEqual([false, true, true, true, true, false]);
    expect(r.err.trim().split('\n')).toEqual(['grade: error: 4 of 6 input lines malformed (first: line 2: not valid JSON)']);
  });

  it('bad command line and missing file: one line, exit 2', () => {
    const a = grade(['--nope']);
    expect(a.code).toBe(2);
    expect(a.err.trim().split('\n')).toHaveLength(1);
    const b = grade(['/nonexistent/in.jsonl']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^grade: error: cannot read \/nonexistent\/in\.jsonl/);
  });

  it('--help documents the line format and the malformed-line rule', () => {
    const r = grade(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/"equal": false, "error"/);
  });
});
