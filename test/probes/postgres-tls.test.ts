import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { PostgresProbe } from "../../actions/shared/config/schema/probes.ts";
import type { SampleOptions } from "../../actions/shared/probe/kind.ts";
import { postgresKind } from "../../actions/shared/probe/postgres.ts";
import { startPostgres, type TestPostgres } from "../servers/postgres.ts";
import { makeTestCertificates, type TestCertificates } from "../servers/tls.ts";
import { ensureOpenssl, ensurePostgres, skipWithout } from "../servers/provision.ts";

const skip =
  skipWithout(await ensurePostgres(), "test/probes/postgres-tls.test.ts") ||
  skipWithout(await ensureOpenssl(), "test/probes/postgres-tls.test.ts");

const opts: SampleOptions = { timeoutMs: 5_000, connectTimeoutMs: 2_000, maxBodyBytes: 1 << 20 };
const deps = { clock: manualClock("2026-11-22T16:00:00Z") };
// 1 when this very connection is encrypted, 0 when it is not.
const ENCRYPTED = "SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
let db: TestPostgres;
let certs: TestCertificates;

beforeAll(async () => {
  if (skip) return;
  certs = await makeTestCertificates();
  db = await startPostgres({ tls: certs.valid });
});
afterAll(async () => {
  await db?.stop();
});

const probe = (tls: Record<string, unknown>) =>
  PostgresProbe.parse({ type: "postgres", url: db.url, query: ENCRYPTED, tls });

describe.skipIf(skip)("postgres probe TLS modes against a real PostgreSQL serving TLS", () => {
  it("disable connects in the clear", async () => {
    expect(await postgresKind(probe({ mode: "disable" }), opts, deps)).toMatchObject({ ok: true, value: 0 });
  });

  it("require encrypts without verifying the certificate", async () => {
    expect(await postgresKind(probe({ mode: "require" }), opts, deps)).toMatchObject({ ok: true, value: 1 });
  });

  it("verify-full trusts the given CA and refuses a chain it cannot verify", async () => {
    expect(await postgresKind(probe({ mode: "verify-full", ca: certs.ca.cert }), opts, deps)).toMatchObject({
      ok: true,
      value: 1,
    });
    const untrusted = await postgresKind(probe({ mode: "verify-full" }), opts, deps);
    expect(untrusted).toMatchObject({ ok: false, failure: { kind: "tls", problem: "untrusted" } });
    expect(JSON.stringify(untrusted)).not.toContain(db.password);
  });

  it("a query the probe gave up on is cancelled over TLS too", async () => {
    const slow = PostgresProbe.parse({
      type: "postgres",
      url: db.url,
      query: "SELECT pg_sleep(30) AS slow_tls_query",
      tls: { mode: "require" },
      statementTimeout: "60s",
    });
    const sample = await postgresKind(slow, { ...opts, timeoutMs: 300 }, deps);
    expect(sample.failure).toMatchObject({ kind: "timeout", phase: "query" });
    const running = async () =>
      Number(
        (
          await db.sql(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%slow_tls_query%' AND pid <> pg_backend_pid()",
          )
        )[0]!.n,
      );
    const end = Date.now() + 3_000;
    while ((await running()) > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(await running()).toBe(0);
  });
});
