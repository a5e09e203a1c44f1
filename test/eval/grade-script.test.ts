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

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

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
    ]
      .map((x) => JSON.stringify(x))
      .join('\n');
    const r = grade([], `${input}\n`);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([true, false, true, true, false, true, true, false].map((equal) => ({ equal })));
  });

  it('reads a file argument; --explain shows the extracted answers, their forms and the deciding rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grade-'));
    const f = join(dir, 'in.jsonl');
    writeFileSync(
      f,
      [
        { gold: 'x = 3', pred: 'so \\boxed{3}.' },
        { gold: '$x < 1$', pred: 'Hence $-x > -1$.' },
        { gold: '5', pred: 'no answer here' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const r = grade([f, '--explain']);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([
      {
        equal: true,
        gold: { answer: 'x = 3', rule: 'whole-text', form: 'x = 3' },
        pred: { answer: '3', rule: 'boxed', form: '3' },
        rule: 'structure:eq~num',
      },
      {
        equal: true,
        gold: { answer: '$x < 1$', rule: 'whole-text', form: 'x < 1' },
        pred: { answer: '-x > -1', rule: 'last-math-or-number', form: '-1 < -(x)' },
        rule: 'structure:ineq~ineq',
      },
      { equal: false, gold: { answer: '5', rule: 'whole-text', form: null }, pred: { answer: null, rule: null, form: null }, rule: 'no-pred-answer' },
    ]);
  });

  it('a line over 1 MiB is a counted "unparseable" verdict; bad UTF-8 is flagged on its own line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grade-'));
    const f = join(dir, 'in.jsonl');
    const huge = JSON.stringify({ gold: '1', pred: `\\boxed{${'('.repeat(2_000_000)}` });
    const badUtf8 = Buffer.concat([Buffer.from('{"gold":"1","pred":"'), Buffer.from([0xff, 0xfe]), Buffer.from('1"}')]);
    writeFileSync(f, Buffer.concat([Buffer.from(`{"gold":"1","pred":"1"}\n${huge}\n`), badUtf8, Buffer.from('\n{"gold":"2","pred":"2"}\n')]));
    const r = grade([f]);
    expect(r.code).toBe(1);
    const out = lines(r.out);
    expect(out).toEqual([{ equal: true }, { equal: false, unparseable: 'line over 1048576 bytes' }, { equal: false, error: 'invalid UTF-8' }, { equal: true }]);
    expect(r.err).toMatch(/unparseable: 1 of 4 lines/);
    expect(r.err).toMatch(/1 of 4 input lines malformed \(first: line 3: invalid UTF-8\)/);
  });

  it('lines with an "expected" verdict give an agreement summary', () => {
    const input = [
      { gold: '1,22', pred: '1.22', expected: true },
      { gold: '(1,2)', pred: '(2,1)', expected: false },
      { gold: '3', pred: '4', expected: true },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n');
    const r = grade([], input);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([{ equal: true }, { equal: false }, { equal: false }]);
    expect(r.err.trim()).toBe('agreement: 2/3 (66.7%) with the "expected" verdicts');
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
