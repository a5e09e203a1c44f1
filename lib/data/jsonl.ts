// JSON Lines in and out. Output is written atomically (a crash leaves the old file or the new one).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic.ts';

export function writeJsonl(path: string, records: Iterable<unknown>): void {
  const parts: string[] = [];
  for (const r of records) parts.push(JSON.stringify(r), '\n');
  writeFileAtomic(path, parts.join(''));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parse a JSONL file whose lines the project wrote itself (a bad line is an error). */
export function readJsonl<T>(path: string): T[] {
  const out: T[] = [];
  let text: string;
  try {
    text = utf8.decode(readFileSync(path));
  } catch (e) {
    if (e instanceof TypeError) throw new Error(`${path}: not valid UTF-8`);
    throw e;
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON line`);
    }
  });
  return out;
}
