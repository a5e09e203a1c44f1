// Lines of a byte stream with a bound on what one line may hold: a line longer than
// MAX_LINE_BYTES is reported as overflowing and its bytes are dropped as they arrive, so a
// 50 MB line costs one pass and no more memory than a chunk. Decoding is the caller's (with a
// fatal TextDecoder, so that bad UTF-8 is flagged on its own line rather than replaced).

import { closeSync, openSync, readSync } from 'node:fs';

export const MAX_LINE_BYTES = 1 << 20;

export interface RawLine {
  /** The line's bytes without its "\n" (and "\r"); empty when `overflow`. */
  bytes: Uint8Array;
  overflow: boolean;
}

/** A file's bytes through one reused buffer: reading a huge line leaves no garbage behind. */
export function* fileChunks(path: string, size = 1 << 16): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    for (let n = readSync(fd, buf, 0, size, null); n > 0; n = readSync(fd, buf, 0, size, null)) yield buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export async function* readLines(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  let parts: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  let any = false;
  const take = (b: Uint8Array) => {
    if (overflow || b.length === 0) return;
    if (size + b.length > maxBytes) {
      overflow = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(b.slice()); // a copy: the source may reuse its buffer
    size += b.length;
  };
  const finish = (): RawLine => {
    let bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    const line = { bytes: overflow ? new Uint8Array(0) : bytes, overflow };
    parts = [];
    size = 0;
    overflow = false;
    any = false;
    return line;
  };
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
      take(buf.subarray(from, nl));
      yield finish();
      from = nl + 1;
    }
    if (from < buf.length) {
      take(buf.subarray(from));
      any = true;
    }
  }
  if (any) yield finish();
}
