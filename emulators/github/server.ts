import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { githubSpec, type Operation, type SpecChecker } from "./spec.ts";
import { createRepoState, type RepoState } from "./state.ts";
import { createFaults, type Faults } from "./faults.ts";
import { issueRoutes } from "./routes/issues.ts";
import { collaboratorRoutes } from "./routes/collaborators.ts";

/**
 * A local GitHub REST emulator on 127.0.0.1 (port 0). Routes are a table keyed by OpenAPI
 * operationId: the method and path come from GitHub's published description, and every request
 * and answer is checked against it; problems land in `violations` for tests to assert empty.
 * Other route files (e.g. routes/deployments.ts) plug in through `routes` or `addRoutes`.
 */
export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  state: RepoState;
  /** Base URL of the emulator (for `url` fields and Link headers). */
  base: string;
  /** The path and query the client asked for (for Link headers). */
  url: URL;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  operationId: string;
  handle(ctx: RouteContext): RouteAnswer;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string;
  status: number;
  body?: unknown;
  fault?: string;
}

export interface GitHubServer {
  url: string;
  /** Whether requests and answers are checked against GitHub's OpenAPI description (dev dependencies installed). */
  validated: boolean;
  state: RepoState;
  faults: Faults;
  requests: RecordedRequest[];
  violations: string[];
  /** When set, requests must carry this token. */
  token: string | undefined;
  /** "read" answers writes with GitHub's 403 "Resource not accessible by integration". */
  permission: "write" | "read";
  addRoutes(routes: Route[]): void;
  close(): Promise<void>;
}

export interface GitHubServerOptions {
  owner?: string;
  repo?: string;
  token?: string;
  routes?: Route[];
  /** Default: GitHub's OpenAPI description when installed, else routing only (spec.ts). */
  spec?: SpecChecker;
}

interface Compiled {
  op: Operation;
  pattern: RegExp;
  names: string[];
  route: Route;
}

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const spec = options.spec ?? (await githubSpec());
  const compiled: Compiled[] = [];
  const addRoutes = (routes: Route[]) => {
    for (const route of routes) {
      const op = spec.operation(route.operationId);
      const names: string[] = [];
      const source = op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      compiled.push({ op, pattern: new RegExp(`^${source}$`), names, route });
    }
  };
  addRoutes(issueRoutes);
  addRoutes(collaboratorRoutes);
  addRoutes(options.routes ?? []);

  const server: GitHubServer = {
    url: "",
    validated: spec.validated,
    state: createRepoState(options.owner, options.repo),
    faults: createFaults(),
    requests: [],
    violations: [],
    token: options.token,
    permission: "write",
    addRoutes,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      server.violations.push(`emulator bug: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { message: "emulator error" });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", server.url);
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    const match = compiled.find((c) => c.op.method === method && c.pattern.test(url.pathname));
    if (!match) {
      server.violations.push(`no emulated operation for ${method} ${url.pathname}`);
      return send(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    }
    const { op } = match;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, 400, { message: "Problems parsing JSON" });
    }
    for (const p of spec.checkRequest(op, url.searchParams, body)) server.violations.push(p);
    const record: RecordedRequest = { method, path: url.pathname, operationId: op.id, status: 0, body };
    server.requests.push(record);

    // Auth failures are answered by GitHub for every operation, documented or not.
    const denied = authorize(req, op);
    if (denied) return send(res, denied.status, denied.body, denied.headers, record);

    const fault = server.faults.take(op.id, method);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.answer && fault.phase === "before") {
      record.fault = fault.kind;
      return send(res, fault.answer.status, fault.answer.body, fault.answer.headers, record);
    }

    const m = match.pattern.exec(url.pathname)!;
    const params = Object.fromEntries(match.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    if (params.owner !== undefined && (params.owner !== server.state.owner || params.repo !== server.state.repo)) {
      return finish({ status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } });
    }
    const answer = match.route.handle({
      params,
      query: url.searchParams,
      body,
      state: server.state,
      base: server.url,
      url,
    });
    if (fault?.answer) {
      // The operation happened but its answer is lost: what a client sees on a 502 after the write.
      record.fault = fault.kind;
      return send(res, fault.answer.status, fault.answer.body, fault.answer.headers, record);
    }
    return finish(answer);

    function finish(answer: RouteAnswer) {
      for (const p of spec.checkResponse(op, answer.status, answer.body)) server.violations.push(p);
      send(res, answer.status, answer.body, answer.headers, record);
    }
  }

  function authorize(req: IncomingMessage, op: Operation): RouteAnswer | undefined {
    const auth = req.headers.authorization ?? "";
    if (server.token !== undefined && auth !== `token ${server.token}` && auth !== `Bearer ${server.token}`) {
      return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
    }
    if (server.permission === "read" && op.method !== "GET") {
      return {
        status: 403,
        body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" },
      };
    }
    return undefined;
  }

  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  record?: RecordedRequest,
) {
  if (record) record.status = status;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
