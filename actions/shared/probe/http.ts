import { Client } from "undici";
import type { Readable } from "node:stream";
import type { HttpProbeConfig } from "../config/schema/index.ts";
import type { ProbeKind, SampleOptions, ProbeDeps } from "./kind.ts";
import type { Failure, Sample, Timings } from "./result.ts";
import { checkBody, checkStatus, needsBodyText, statusMatches } from "./http/assertions.ts";
import { checkHeaders, readHeaderValue, type ResponseHeaders } from "./http/headers.ts";
import { lookupJsonPath, parseJsonPath } from "./json-path.ts";
import { retryAfterMs, throttledSample } from "./throttle.ts";
import { classifyError } from "./http/classify-error.ts";
import { createConnector } from "./http/connector.ts";
import { exchange } from "./http/request.ts";
import { certDaysLeft } from "./http/tls.ts";
import { sampleDeadline } from "./http/deadline.ts";
import { elapsed, newTracker, type Tracker } from "./http/tracker.ts";

export interface HttpProbeOptions {
  /** Trust these CA certificates instead of Node's bundled roots (a private CA; tests). */
  ca?: string | Buffer | Array<string | Buffer>;
  userAgent?: string;
}

/**
 * Header (and query parameter) names that carry credentials. A 401/403 on a request carrying one means our token was
 * refused (rotated, revoked): "auth", which rates unknown, not down.
 */
const CREDENTIAL_HEADER = /auth|token|key|secret|cookie|session/i;

/**
 * Handed to `client.destroy()` so undici does not build a fresh error, with its stack trace, for
 * every connection it closes: that alone was a fifth of a sample's CPU time.
 */
const SAMPLE_DONE = new Error("probe sample finished; its connections are closed");

export function createHttpProbe(options: HttpProbeOptions = {}): ProbeKind<HttpProbeConfig> {
  return (probe, opts, deps) => sampleHttp(probe, opts, deps, options);
}

/** The HTTP probe kind with Node's bundled CA roots. */
export const httpProbe: ProbeKind<HttpProbeConfig> = createHttpProbe();

/**
 * One HTTP sample on a fresh connection (so DNS, connect and TLS are measured every time): the
 * request, redirects, status check, capped body read and assertions. Never throws.
 */
async function sampleHttp(
  probe: HttpProbeConfig,
  opts: SampleOptions,
  deps: ProbeDeps,
  options: HttpProbeOptions,
): Promise<Sample> {
  const at = deps.clock.now().toISOString();
  const tracker = newTracker();
  const deadline = sampleDeadline(opts, tracker);

  const connect = createConnector({
    tracker,
    connectTimeoutMs: opts.connectTimeoutMs,
    verifyTls: probe.verifyTls,
    signal: deadline.signal,
    // h2 first, as browsers do: an h2-only endpoint works, and an h1 one still answers in h1.
    alpn: ["h2", "http/1.1"],
    ...(options.ca ? { ca: options.ca } : {}),
  });
  // A Client per origin rather than an Agent: no pool layer to build and tear down per sample.
  const clients = new Map<string, Client>();
  const clientFor = (origin: string): Client => {
    let client = clients.get(origin);
    if (!client) {
      // Our own timer bounds the whole sample; undici's per-phase timers would race it.
      client = new Client(origin, { connect, headersTimeout: 0, bodyTimeout: 0, pipelining: 1, allowH2: true });
      clients.set(origin, client);
    }
    return client;
  };

  let statusCode: number | undefined;
  let failure: Failure | undefined;
  let measured: Timings | undefined;
  let headers: ResponseHeaders | undefined;
  let read: Reading = {};
  let throttled: Pick<Sample, "ok" | "throttled" | "warning"> | undefined;
  try {
    const { response } = await exchange(clientFor, probe, requestHeaders(probe, options), tracker, deadline.signal);
    statusCode = response.statusCode;
    headers = response.headers;
    if (isThrottled(probe, response.statusCode)) {
      discard(response.body);
      throttled = throttledSample(response.statusCode, retryAfterMs(response.headers, deps.clock.now()));
    } else {
      failure = checkResponseStatus(probe, response.statusCode) ?? checkHeaders(response.headers, probe.expect.headers);
      if (failure) {
        discard(response.body);
      } else if (probe.method !== "HEAD") {
        tracker.phase = "body";
        read = await readAndCheckBody(response.body, response.headers["content-length"], probe, opts.maxBodyBytes);
        failure = read.failure;
      }
    }
  } catch (error) {
    failure = classifyError(error, tracker);
  } finally {
    // Taken before the clients close their sockets: closing is our cost, not the service's.
    measured = timings(tracker);
    deadline.release();
    await Promise.all([...clients.values()].map((c) => c.destroy(SAMPLE_DONE)));
  }

  const sample: Sample = { at, ok: !failure, timings: measured, ...throttled };
  if (statusCode !== undefined) sample.statusCode = statusCode;
  if (failure) sample.failure = failure;
  if (statusCode !== undefined) sample.protocol = tracker.alpn === "h2" ? "h2" : "http/1.1";
  if (!failure && probe.value && headers) {
    const got =
      "header" in probe.value ? readHeaderValue(headers, probe.value) : jsonValue(read.text, probe.value.json);
    if ("value" in got) sample.value = got.value;
    else if (!throttled) sample.warning = got.problem;
  }
  const days = certDaysLeft(tracker.cert, deps.clock.now());
  if (days !== undefined) sample.certDaysLeft = days;
  return sample;
}

function requestHeaders(probe: HttpProbeConfig, options: HttpProbeOptions): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": options.userAgent ?? "hotdash-ops-probe", ...probe.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (probe.body !== undefined && !has("content-type") && looksLikeJson(probe.body))
    headers["content-type"] = "application/json";
  // Credentials written in the URL (https://user:pass@host/) go as basic auth, as curl sends them:
  // the request line carries only the path, so they would otherwise be dropped. They follow the
  // Authorization rule across redirects (first origin only).
  const url = new URL(probe.url);
  if ((url.username || url.password) && !has("authorization")) {
    headers.authorization = `Basic ${Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString("base64")}`;
  }
  return headers;
}

/** A 429 the config did not ask for, on a probe that treats throttling as its own outcome. */
function isThrottled(probe: HttpProbeConfig, status: number): boolean {
  return status === 429 && probe.throttle && !statusMatches(status, probe.expect.status);
}

function checkResponseStatus(probe: HttpProbeConfig, status: number): Failure | undefined {
  const failure = checkStatus(status, probe.expect.status);
  if (!failure || (status !== 401 && status !== 403)) return failure;
  const url = new URL(probe.url);
  const credentials =
    Object.keys(probe.headers).some((k) => CREDENTIAL_HEADER.test(k)) ||
    [...url.searchParams.keys()].some((k) => CREDENTIAL_HEADER.test(k)) ||
    url.username !== "";
  return credentials ? { kind: "auth", status, detail: "the service refused the configured credentials" } : failure;
}

/**
 * Reads at most `limit` bytes and keeps them only when an assertion needs the text. Past the limit
 * the stream is destroyed at once (the connection closes): a huge body costs one chunk of memory.
 */
interface Reading {
  failure?: Failure;
  /** The body, when an assertion or a JSON value needed it. */
  text?: string;
}

async function readAndCheckBody(
  body: Readable,
  contentLength: string | string[] | undefined,
  probe: HttpProbeConfig,
  limit: number,
): Promise<Reading> {
  const tooLarge: Failure = { kind: "body-too-large", limitBytes: limit };
  if (typeof contentLength === "string" && Number(contentLength) > limit) {
    discard(body);
    return { failure: tooLarge };
  }
  const keep = needsBodyText(probe.expect) || (probe.value !== undefined && "json" in probe.value);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limit) {
      discard(body);
      return { failure: tooLarge };
    }
    if (keep) chunks.push(chunk);
  }
  if (!keep) return {};
  const text = Buffer.concat(chunks).toString("utf8");
  const failure = checkBody(text, probe.expect);
  return failure ? { failure, text } : { text };
}

/** `value: { json: path }`: a finite number at that path of the body. */
export function jsonValue(text: string | undefined, path: string): { value: number } | { problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text ?? "");
  } catch {
    return { problem: `value: the body is not JSON, so ${path} cannot be read` };
  }
  let got;
  try {
    got = lookupJsonPath(doc, parseJsonPath(path));
  } catch (error) {
    return { problem: `value: ${(error as Error).message}` };
  }
  if (!got.found) return { problem: `value: ${path} is missing from the body` };
  const v = typeof got.value === "string" && got.value.trim() !== "" ? Number(got.value) : got.value;
  if (typeof v !== "number" || !Number.isFinite(v))
    return { problem: `value: ${path} is ${JSON.stringify(got.value)}, not a number` };
  return { value: v };
}

/**
 * Drops a body we will not read. undici's stream emits an "aborted" error when destroyed; that
 * error is the intended outcome here, and the connection closes when the sample ends.
 */
function discard(body: Readable): void {
  body.once("error", (error) => void error);
  body.destroy();
}

function timings(t: Tracker): Timings {
  return { ...t.marks, total: elapsed(t) };
}

function looksLikeJson(text: string): boolean {
  const c = text.trimStart()[0];
  return c === "{" || c === "[";
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not percent-encoding after all ("%zz"): sent as written.
    return text;
  }
}
