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
  let text: string;
  try {
    text = utf8.decode(readFileSync(path));
  } catch (e) {
    if (e instanceof TypeError) throw new Error(`${path}: not valid UTF-8`);
    throw e;
  }
  return parseJsonLines(text, path).map((l) => l.value as T);
}

/** The value of each non-empty line of a JSONL text with where it stands (`name:line`); a line
 *  that is not JSON is an error naming it. */
export function parseJsonLines(text: string, name: string): { value: Record<string, unknown>; where: string }[] {
  const out: { value: Record<string, unknown>; where: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${name}:${i + 1}`;
    try {
      out.push({ value: JSON.parse(line), where });
    } catch {
      throw new Error(`${where}: not JSON`);
    }
  });
  return out;
}
