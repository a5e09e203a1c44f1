// Every notebook in notebooks/ runs headless with the Deno kernel (jupyter-nbconvert with
// lib/report/late_output.py's executor) and every code cell completes without error, showing its
// tables (markdown) and its chart (SVG).
// The results each notebook reads are the real results/<name>.json where one exists, else a fake
// in the scripts' shape (fixtures.ts). Two runs must fail: a results file whose derived numbers
// disagree with its per-seed values, and a missing results file.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cellProblems, displayedMimes, ensureKernel, executeNotebook, findTools, NOTEBOOK_DIR, NOTEBOOKS, ROOT,
  type ExecuteOptions, type NotebookJson,
} from '../../lib/report/notebooks.ts';
import { measured, resultsPath, writeResults } from '../../lib/report/results.ts';
import { FAKES } from './fixtures.ts';

const { tools, missing } = findTools();
const reason = missing.join('; ');
if (!tools) {
  console.warn(`notebook tests skipped: ${reason} (npm run setup installs both)`);
  it.skip(`notebook tests skipped: ${reason}`, () => {});
}

/** Real results/<name>.json where present, else the fake: which one each notebook reads. */
const source = Object.fromEntries(Object.values(NOTEBOOKS).map((name) => [name, existsSync(resultsPath(join(ROOT, 'results'), name)) ? 'real' : 'fake']));

describe.skipIf(!tools)('notebooks (Deno kernel, headless)', () => {
  let opts: ExecuteOptions;
  const tmp = mkdtempSync(join(tmpdir(), 'notebooks-'));

  beforeAll(() => {
    const resultsDir = join(tmp, 'results');
    mkdirSync(resultsDir, { recursive: true });
    for (const [name, fake] of Object.entries(FAKES)) {
      if (source[name] === 'real') copyFileSync(resultsPath(join(ROOT, 'results'), name), resultsPath(resultsDir, name));
      else writeResults(resultsDir, fake());
    }
    opts = { tools: tools!, kernelPath: ensureKernel(tools!.deno, join(tmp, 'jupyter')), resultsDir, outDir: join(tmp, 'out') };
  });

  it('notebooks/ holds one notebook per paper table and figure, each for the Deno kernel', () => {
    const found = readdirSync(NOTEBOOK_DIR).filter((f) => f.endsWith('.ipynb')).map((f) => f.slice(0, -6)).sort();
    expect(found).toEqual(Object.keys(NOTEBOOKS).sort());
    for (const stem of found) {
      const nb = JSON.parse(readFileSync(join(NOTEBOOK_DIR, `${stem}.ipynb`), 'utf8')) as NotebookJson;
      expect(nb.metadata.kernelspec?.name, stem).toBe('deno');
      expect(nb.cells.filter((c) => c.cell_type === 'markdown').length, stem).toBeGreaterThanOrEqual(3);
    }
  });

  for (const [stem, name] of Object.entries(NOTEBOOKS)) {
    it(`${stem}.ipynb runs every cell on ${source[name]} ${name}.json, showing its tables and chart`, () => {
      const r = executeNotebook(join(NOTEBOOK_DIR, `${stem}.ipynb`), opts);
      expect(r.error).toBeNull();
      expect(r.ok).toBe(true);
      const nb = JSON.parse(readFileSync(r.output!, 'utf8')) as NotebookJson;
      expect(cellProblems(nb)).toEqual([]);
      // Each cell that ends by showing something came back with it (Deno can send it after "idle").
      nb.cells.forEach((c, i) => {
        const last = [c.source].flat().join('').trim().split('\n').at(-1)!;
        if (c.cell_type === 'code' && /^(md|showTables|await showChart)\(/.test(last)) {
          expect((c.outputs ?? []).filter((o) => o.output_type === 'execute_result'), `cell ${i}: ${last}`).toHaveLength(1);
        }
      });
      const mimes = displayedMimes(nb);
      expect(mimes.filter((m) => m === 'image/svg+xml')).toHaveLength(1);
      expect(mimes.filter((m) => m === 'text/markdown').length).toBeGreaterThanOrEqual(3);
      const svg = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data?.['image/svg+xml']).find(Boolean);
      expect([svg].flat().join('')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    });
  }

  it('a results file whose derived numbers disagree with its seed values stops the notebook at that check', () => {
    const dir = join(tmp, 'tampered');
    const f = FAKES.table2();
    // Still a valid file (the point's summary matches its values), but no longer what the accuracies give.
    const p = f.sets.gapClosed!.points[0];
    Object.assign(p, measured(p.values.map((v, i) => (i === 0 ? v + 0.25 : v))));
    writeResults(dir, f);
    const r = executeNotebook(join(NOTEBOOK_DIR, 'table2.ipynb'), { ...opts, resultsDir: dir, outDir: join(tmp, 'out-tampered') });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(new RegExp(`gap closed \\(${p.group}, ${p.x}\\), seed \\d+: .* ≠ `));
  });

  it('a missing results file fails in the first cell with one line naming the script that writes it', () => {
    const dir = join(tmp, 'empty');
    const r = executeNotebook(join(NOTEBOOK_DIR, 'figure2.ipynb'), { ...opts, resultsDir: dir, outDir: join(tmp, 'out-empty') });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/fig2\.json not found: run scripts\/figure2\.ts/);
  });
});
