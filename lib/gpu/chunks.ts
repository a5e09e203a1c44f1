// Splitting what is bound into pieces that fit one storage binding. WebGPU caps a binding
// (lavapipe: 128 MiB) far below a buffer (4 GiB), so a tensor larger than a binding is bound as
// several views, each starting at a 256-byte aligned offset. Whole rows stay in one piece, so a
// kernel never sees a row cut in two.
import { DeviceLimitError } from './device.ts';

export interface Span {
  /** First row of the piece. */
  start: number;
  /** Rows in the piece. */
  count: number;
}

const ALIGN = 64; // elements of 4 bytes per 256-byte binding-offset alignment

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The fewest rows of `rowElems` elements whose start offsets are always 256-byte aligned. */
export function alignedRowUnit(rowElems: number): number {
  return ALIGN / gcd(rowElems, ALIGN);
}

/** The least common multiple of row units (a piece that several tensors split alike must satisfy). */
export function lcmUnit(...units: number[]): number {
  return units.reduce((a, b) => (a * b) / gcd(a, b), 1);
}

/**
 * Split `rows` rows of `rowElems` elements into spans of at most `maxElems` elements and at most
 * `maxRows` rows, each starting at a multiple of `unit` rows. One span [0, rows) when it all fits,
 * so callers keep their unsplit path. Throws a one-line DeviceLimitError (naming `what`) when
 * even `unit` rows do not fit.
 */
export function rowSpans(rows: number, rowElems: number, maxElems: number, what: string, unit = alignedRowUnit(rowElems), maxRows = Infinity): Span[] {
  if (rows * rowElems <= maxElems && rows <= maxRows) return [{ start: 0, count: rows }];
  const per = Math.floor(Math.min(maxElems / rowElems, maxRows) / unit) * unit;
  if (per === 0) {
    throw new DeviceLimitError(
      `${what}: ${unit} row(s) of ${rowElems} floats (${((unit * rowElems * 4) / 1024).toFixed(1)} KiB) is the smallest piece it splits into, and it exceeds one storage binding of ${((maxElems * 4) / 1024).toFixed(1)} KiB`,
    );
  }
  const out: Span[] = [];
  for (let start = 0; start < rows; start += per) out.push({ start, count: Math.min(per, rows - start) });
  return out;
}
