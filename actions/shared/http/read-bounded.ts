/**
 * Reads at most `maxBytes` of an answer body and drops the rest (the stream is destroyed, so the
 * server is cut off by backpressure): an answer we only quote in an error message must never be
 * read whole — two 256 MiB answers once took a run to 3.3 GB.
 */
export const QUOTE_BYTES = 4_096;

export interface BoundedText {
  text: string;
  /** The body was longer than `maxBytes`. */
  truncated: boolean;
}

export async function readBounded(
  body: AsyncIterable<unknown> & { destroy(error?: Error): unknown },
  maxBytes = QUOTE_BYTES,
): Promise<BoundedText> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    if (size >= maxBytes) {
      truncated = size > maxBytes;
      body.destroy();
      break;
    }
  }
  // A multi-byte character cut at the limit decodes as U+FFFD rather than failing.
  return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8"), truncated };
}
