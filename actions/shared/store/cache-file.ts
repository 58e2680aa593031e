import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { dirname, join } from "node:path";

/**
 * The derived caches under `<data>/.ops-cache/` (hourly summaries, packed rollups): never
 * committed (the folder ignores itself), never a source of truth, rebuilt whenever missing,
 * unreadable or out of step with the files they were derived from.
 *
 * A cache file is a JSON header (what it was derived from, what it holds) followed by typed
 * arrays, so reading a year back is a few array copies rather than a parse per line.
 */
export const cacheDir = (dataDir: string) => join(dataDir, ".ops-cache");

const MAGIC = 0x4350_4f53; // "SOPC" little-endian: a file this code wrote
const VERSION = 2;

type Packed = Float64Array | Uint32Array | Uint16Array | Int32Array;
const KINDS = { f64: Float64Array, u32: Uint32Array, u16: Uint16Array, i32: Int32Array } as const;
type Kind = keyof typeof KINDS;

interface Header {
  v: number;
  endian: string;
  /** SHA-1 of everything after the header: a cut or damaged file is never read back. */
  sha1: string;
  arrays: Array<[Kind, number]>;
  meta: unknown;
}

/**
 * What a cache was derived from: a source file's size and modification time (cheap, but a fresh
 * checkout gives every file a new time) and the SHA-1 of its bytes (which survives a checkout,
 * so a cache restored in CI still counts).
 */
export interface SourceStamp {
  size: number;
  mtimeMs: number;
  sha1: string;
}

/** The file's size and time, or undefined when it does not exist. */
export function statOf(file: string): { size: number; mtimeMs: number } | undefined {
  try {
    const st = statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

export function sha1Of(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

/** The stamp of a file now (reads it to hash it), or undefined when it does not exist. */
export function stampOf(file: string): SourceStamp | undefined {
  const st = statOf(file);
  if (!st) return undefined;
  try {
    return { ...st, sha1: sha1Of(readFileSync(file)) };
  } catch {
    return undefined;
  }
}

/**
 * Whether `file` is still what `recorded` describes: the same size and time at once, otherwise
 * the same bytes. Returns the stamp to keep (refreshed when only the time moved), or undefined.
 */
export function stillMatches(file: string, recorded: SourceStamp | null | undefined): SourceStamp | undefined {
  const st = statOf(file);
  if (!recorded || !st) return undefined;
  if (st.size !== recorded.size) return undefined;
  if (st.mtimeMs === recorded.mtimeMs) return recorded;
  const now = stampOf(file);
  return now && now.sha1 === recorded.sha1 ? now : undefined;
}

export function readCacheFile(dataDir: string, name: string): { meta: unknown; arrays: Packed[] } | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(join(cacheDir(dataDir), name));
  } catch {
    return undefined;
  }
  try {
    if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) return undefined;
    const headerLength = buf.readUInt32LE(4);
    const header = JSON.parse(buf.toString("utf8", 8, 8 + headerLength)) as Header;
    if (header.v !== VERSION || header.endian !== endianness() || !Array.isArray(header.arrays)) return undefined;
    let at = align(8 + headerLength);
    if (sha1Of(buf.subarray(at)) !== header.sha1) return undefined;
    const arrays: Packed[] = [];
    for (const [kind, length] of header.arrays) {
      const Type = KINDS[kind];
      if (!Type || !Number.isInteger(length) || length < 0) return undefined;
      const bytes = length * Type.BYTES_PER_ELEMENT;
      if (at + bytes > buf.length) return undefined;
      // A copy: the file's buffer need not be aligned for the array's element size.
      const copy = new Uint8Array(bytes);
      copy.set(buf.subarray(at, at + bytes));
      arrays.push(new Type(copy.buffer));
      at = align(at + bytes);
    }
    return { meta: header.meta, arrays };
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written (a read-only checkout) is computed again next time. */
export function writeCacheFile(dataDir: string, name: string, meta: unknown, arrays: readonly Packed[]): void {
  const body: Uint8Array[] = [];
  for (const a of arrays) {
    body.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    const pad = align(a.byteLength) - a.byteLength;
    if (pad) body.push(new Uint8Array(pad));
  }
  const payload = Buffer.concat(body);
  const header: Header = {
    v: VERSION,
    endian: endianness(),
    sha1: sha1Of(payload),
    arrays: arrays.map((a) => [kindOf(a), a.length]),
    meta,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const head = Buffer.alloc(align(8 + json.length));
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  const file = join(cacheDir(dataDir), name);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      join(cacheDir(dataDir), ".gitignore"),
      "# Caches derived from reports/ (history, rollups); rebuilt when missing.\n*\n",
    );
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([head, payload]));
    renameSync(tmp, file);
  } catch {
    // Read-only or full: the next run derives it again.
  }
}

function align(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function kindOf(a: Packed): Kind {
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Uint16Array) return "u16";
  return "i32";
}
