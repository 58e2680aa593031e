/**
 * `postgres` probe: connects, runs one query in a READ ONLY transaction under a statement timeout,
 * and reads one number (e.g. the approval queue's length). Connection problems are failures with
 * their reason; the password never appears in any of them.
 */
import { performance } from "node:perf_hooks";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { Client, type ClientConfig, type QueryArrayConfig } from "pg";
import type { PostgresProbeConfig } from "../config/schema/index.ts";
import type { ProbeKind } from "./kind.ts";
import { cancelQuery, type CancelOutcome } from "./postgres/cancel.ts";
import { postgresFailure, scrubber } from "./postgres/errors.ts";
import type { Failure, Phase, Sample, Timings } from "./result.ts";

export const postgresKind: ProbeKind<PostgresProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  const parsed = connectionConfig(probe);
  if ("failure" in parsed) return { at, ok: false, timings: { total: elapsed() }, failure: parsed.failure };
  const { config, address } = parsed;
  const scrub = scrubber(probe.url, config.password);

  const client = new Client({ ...config, connectionTimeoutMillis: Math.max(1, Math.round(opts.connectTimeoutMs)) });
  const timings: Timings = { total: 0 };
  let phase: Phase = "connect";
  // pg emits socket errors as events too; the pending call rejects with the same error, which becomes
  // the failure. Without a listener the event would crash the whole run.
  client.on("error", alreadyReported);

  const work = async (): Promise<Sample> => {
    try {
      await client.connect();
      timings.connect = elapsed();
      phase = "query";
      await client.query("BEGIN READ ONLY");
      await client.query(`SET LOCAL statement_timeout = ${statementTimeoutMs(probe.statementTimeout)}`);
      const q0 = performance.now();
      // Extended protocol: one statement only, so "…; COMMIT; DELETE …" cannot escape READ ONLY.
      const query: QueryArrayConfig & { queryMode: "extended" } = {
        text: probe.query,
        rowMode: "array",
        queryMode: "extended",
      };
      const result = await client.query(query);
      timings.query = Math.round(performance.now() - q0);
      await client.query("ROLLBACK");
      timings.total = elapsed();
      const read = readNumber(result.rows, result.fields[0]?.name, opts.redact);
      return "failure" in read
        ? { at, ok: false, timings, failure: read.failure }
        : { at, ok: true, timings, value: read.value };
    } catch (error) {
      timings.total = elapsed();
      return {
        at,
        ok: false,
        timings,
        failure: postgresFailure(error, { phase, address, afterMs: timings.total, scrub }),
      };
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const deadline = new Promise<Sample>((resolve) => {
    const give = () => {
      gaveUp = true;
      resolve({
        at,
        ok: false,
        timings: { ...timings, total: elapsed() },
        failure: { kind: "timeout", phase, afterMs: elapsed() },
      });
    };
    timer = setTimeout(give, opts.timeoutMs);
    if (opts.signal?.aborted) give();
    opts.signal?.addEventListener("abort", give, { once: true });
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
    // The query we stopped waiting for would run on to its end (or its statement_timeout) on the
    // server: ask the server to cancel it, as psql's Ctrl-C does, before dropping the connection.
    if (gaveUp && (phase as Phase) === "query") await cancelRunning(client, config, opts.connectTimeoutMs);
    // A server that stopped answering would never acknowledge a polite goodbye: cut the socket.
    if (gaveUp) client.connection.stream.destroy();
    // The sample is already decided; a failing goodbye on a broken connection changes nothing.
    await client.end().catch(alreadyReported);
  }
};

/** How long the cancel request may take: it runs after the sample's own time is up. */
const CANCEL_TIMEOUT_MS = 1_000;

/**
 * Best effort, and not part of the sample (already decided as a timeout): a cancel that cannot be
 * delivered leaves the server's statement_timeout to end the query.
 */
export async function cancelRunning(
  client: Client,
  config: ClientConfig,
  connectTimeoutMs: number,
): Promise<CancelOutcome> {
  const { processID, secretKey } = client as unknown as { processID: number | null; secretKey: number | null };
  if (processID === null || secretKey === null) return { sent: false, reason: "the server sent no cancel key" };
  const ssl =
    config.ssl === undefined || config.ssl === false ? false : config.ssl === true ? {} : (config.ssl as TlsOptions);
  return cancelQuery(
    { host: String(config.host), port: Number(config.port), processID, secretKey, ssl },
    Math.min(CANCEL_TIMEOUT_MS, Math.max(1, connectTimeoutMs)),
  );
}

type Parsed = { config: ClientConfig & { password: string }; address: string } | { failure: Failure };

/**
 * Builds the driver config from the URL ourselves: pg lets `?sslmode=` in a URL override the `ssl`
 * option, and the probe's `tls` setting must be the one that applies.
 */
export function connectionConfig(probe: PostgresProbeConfig): Parsed {
  let url: URL;
  try {
    url = new URL(probe.url);
  } catch {
    return {
      failure: {
        kind: "protocol",
        detail: "the connection URL is not a URL; expected postgres://user:password@host:5432/database",
      },
    };
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    return {
      failure: {
        kind: "protocol",
        detail: `the connection URL uses "${url.protocol}"; expected postgres:// or postgresql://`,
      },
    };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port ? Number(url.port) : 5432;
  const { mode, ca } = probe.tls;
  const ssl: ClientConfig["ssl"] =
    mode === "disable"
      ? false
      : mode === "require"
        ? { rejectUnauthorized: false }
        : { rejectUnauthorized: true, ...(ca && { ca }) };
  return {
    address: `${host}:${port}`,
    config: {
      host,
      port,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.slice(1)) || "postgres",
      ssl,
      application_name: "hotdash-ops-probe",
    },
  };
}

/** The first column of the first row, as a finite number. Counts arrive as strings (bigint). */
export function readNumber(
  rows: unknown[][],
  column = "?",
  redact: (text: string) => string = (t) => t,
): { value: number } | { failure: Failure } {
  const raw = rows[0]?.[0];
  // The value is quoted (cut to 40 characters) in the failure: scrubbed before the cut.
  const cell = typeof raw === "string" && !NUMERIC.test(raw.trim()) ? redact(raw) : raw;
  if (rows.length === 0)
    return { failure: { kind: "no-data", detail: "the query returned no rows; expected one row with one number" } };
  if (cell === null || cell === undefined)
    return { failure: { kind: "no-data", detail: `the query returned NULL in column "${column}"` } };
  const value =
    typeof cell === "number" ? cell : typeof cell === "string" && NUMERIC.test(cell.trim()) ? Number(cell) : NaN;
  if (Number.isFinite(value)) return { value };
  const shown = typeof cell === "string" ? `"${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}"` : typeof cell;
  return {
    failure: {
      kind: "query",
      detail: `column "${column}" of the first row is ${shown}, not a number; the query must return one number`,
    },
  };
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** For errors whose information is already in the sample (see the call sites). */
function alreadyReported(_error: unknown): void {}

/**
 * PostgreSQL's `statement_timeout` in whole milliseconds. 0 is PostgreSQL's "no limit" and is kept
 * (the sample's own `timeout` still ends a query that runs on); anything above 0 is at least 1 ms,
 * never rounded down to 0, which would lift the limit.
 */
export function statementTimeoutMs(ms: number): number {
  return ms === 0 ? 0 : Math.max(1, Math.ceil(ms));
}
