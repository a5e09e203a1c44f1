// A clone stands alone: no source names a folder beside the repository or a path of the machine it
// was written on, every VGGM_* variable the code reads is documented in docs/environment.md, and
// the only absolute paths are the system tools listed there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SOURCE = /\.(ts|mts|mjs|js|py|sh|ipynb)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === 'node_modules' || n.startsWith('.')) return [];
    return statSync(p).isDirectory() ? files(p) : SOURCE.test(n) ? [p] : [];
  });
}

const sources = ['lib', 'scripts', 'test', 'notebooks'].flatMap((d) => files(join(ROOT, d))).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
const THIS = relative(ROOT, import.meta.filename);

/** Absolute paths a source may name: system tools and Linux's /proc (docs/environment.md), and throwaway arguments in tests. */
const ALLOWED = [
  /^\/proc\//,
  /^\/usr\/bin\/(chromium|python3|node)$/,
  /^\/usr\/share\/fonts\/truetype\/dejavu$/,
  /^\/tmp\/[\w-]*$/,
  /^\/nonexistent/,
  /^\/elsewhere$/,
  /^\/d(\/|$)/,
];

describe('the repository stands alone', () => {
  it('finds the sources it checks', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it('no source reaches beside the repository or into the machine it was written on', () => {
    const outside = sources.filter((s) => s.path !== THIS && /\.\.\/shared\b|\/work\/|shared\/(benchmarks|paper)\b/.test(s.text)).map((s) => s.path);
    expect(outside).toEqual([]);
  });

  it('every absolute path in a string literal is a documented system tool', () => {
    const found = sources
      .filter((s) => s.path !== THIS)
      .flatMap((s) =>
        [...s.text.matchAll(/['"`](\/(?:usr|work|home|tmp|etc|opt|root|var|proc|mnt|srv|nonexistent|elsewhere|d)\b[^'"`\s]*)/g)]
          .map((m) => m[1].replace(/\$\{[^}]*\}.*/, ''))
          .filter((p) => !ALLOWED.some((a) => a.test(p)))
          .map((p) => `${s.path}: ${p}`),
      );
    expect(found).toEqual([]);
  });

  it('every VGGM_* variable the code reads is documented in docs/environment.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/environment.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `(VGGM_[A-Z_]+)` \|/gm)].map((m) => m[1]));
    const read = new Set(sources.flatMap((s) => [...s.text.matchAll(/process\.env\.(VGGM_[A-Z_]+)|\$\{?(VGGM_[A-Z_]+)/g)].map((m) => m[1] ?? m[2])));
    expect([...read].filter((v) => !documented.has(v)).sort()).toEqual([]);
    expect([...documented].filter((v) => !read.has(v)).sort()).toEqual([]);
  });
});
