import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { OPERATIONS } from "./operations.ts";

/**
 * GitHub's published OpenAPI description (from the installed `@octokit/openapi` package), used to
 * check every request the emulator receives and every answer it gives, so the emulation cannot
 * drift from the real API. Loaded once per process; schemas compile lazily per operation.
 *
 * Both it and Ajv are dev dependencies: on a production install (the demo in a lean workflow) the
 * checker routes from operations.ts and checks nothing (`validated: false`).
 */
type Json = Record<string, any>;

export interface Operation {
  id: string;
  method: string;
  /** The OpenAPI path template, e.g. "/repos/{owner}/{repo}/issues". */
  path: string;
  parameters: Json[];
  definition: Json;
}

export interface SpecChecker {
  /** false on a production install: requests and answers are not checked against the description. */
  validated: boolean;
  operation(id: string): Operation;
  /** Problems with a request, as readable lines; [] when it conforms. */
  checkRequest(op: Operation, query: URLSearchParams, body: unknown): string[];
  checkResponse(op: Operation, status: number, body: unknown): string[];
}

const require = createRequire(import.meta.url);
const SPEC_ID = "github-openapi";
let cached: Promise<SpecChecker> | undefined;

export function githubSpec(): Promise<SpecChecker> {
  cached ??= load();
  return cached;
}

/** What a production install can do: route by the table, check nothing. */
export function uncheckedSpec(): SpecChecker {
  return {
    validated: false,
    operation(id) {
      const known = OPERATIONS[id];
      if (!known)
        throw new Error(
          `"${id}" is not in emulators/github/operations.ts, and GitHub's OpenAPI description is not installed (a production install): add it to the table, or npm install the dev dependencies`,
        );
      return { id, method: known.method, path: known.path, parameters: [], definition: {} };
    },
    checkRequest: () => [],
    checkResponse: () => [],
  };
}

async function load(): Promise<SpecChecker> {
  let file: string;
  let AjvClass: typeof Ajv;
  let addFormats: (ajv: Ajv) => Ajv;
  try {
    file = require.resolve("@octokit/openapi/generated/api.github.com.json");
    AjvClass = (await import("ajv")).Ajv;
    addFormats = (await import("ajv-formats")).default as unknown as (ajv: Ajv) => Ajv;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") return uncheckedSpec();
    throw error;
  }
  const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
  delete doc.components.examples;
  nullableToJsonSchema(doc);
  // Vendor keywords (x-github…) and OpenAPI annotations are not errors.
  const ajv = new AjvClass({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(doc, SPEC_ID);

  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, definition] of Object.entries(item as Json)) {
      const id = (definition as Json).operationId;
      if (typeof id !== "string") continue;
      const parameters = ((definition as Json).parameters ?? []).map((p: Json) => deref(doc, p));
      operations.set(id, { id, method: method.toUpperCase(), path, parameters, definition: definition as Json });
    }
  }

  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string): ValidateFunction => {
    let v = compiled.get(pointer);
    if (!v) {
      v = ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
      compiled.set(pointer, v);
    }
    return v;
  };
  const pointerOf = (op: Operation) => `/paths/${escape(op.path)}/${op.method.toLowerCase()}`;
  const errorsOf = (v: ValidateFunction, where: string) =>
    (v.errors ?? []).slice(0, 5).map((e) => `${where}${e.instancePath || "/"} ${e.message ?? "is invalid"}`);

  return {
    validated: true,
    operation(id) {
      const op = operations.get(id);
      if (!op) throw new Error(`"${id}" is not an operation in GitHub's OpenAPI description; check the operationId`);
      return op;
    },
    checkRequest(op, query, body) {
      const problems: string[] = [];
      for (const p of op.parameters) {
        if (p.in !== "query") continue;
        const raw = query.get(p.name);
        if (raw === null) {
          if (p.required) problems.push(`${op.id}: query parameter "${p.name}" is required`);
          continue;
        }
        const value = coerce(raw, p.schema ?? {});
        const ok = ajv.validate(p.schema ?? {}, value);
        if (!ok) problems.push(`${op.id}: query ${p.name}=${raw}: ${ajv.errorsText(ajv.errors)}`);
      }
      for (const name of query.keys()) {
        if (!op.parameters.some((p) => p.in === "query" && p.name === name)) {
          problems.push(`${op.id}: query parameter "${name}" is not in the description`);
        }
      }
      const requestBody = op.definition.requestBody ? deref(doc, op.definition.requestBody) : undefined;
      if (requestBody?.content?.["application/json"]) {
        if (body === undefined && requestBody.required) problems.push(`${op.id}: a JSON body is required`);
        if (body !== undefined) {
          const rb = op.definition.requestBody;
          const base = rb.$ref ? String(rb.$ref).slice(1) : `${pointerOf(op)}/requestBody`;
          const v = validator(`${base}/content/application~1json/schema`);
          if (!v(body)) problems.push(...errorsOf(v, `${op.id} request body`));
        }
      }
      return problems;
    },
    checkResponse(op, status, body) {
      const response = op.definition.responses?.[String(status)];
      if (!response)
        return [
          `${op.id}: status ${status} is not a documented answer (${Object.keys(op.definition.responses).join(", ")})`,
        ];
      const resolved = deref(doc, response);
      if (!resolved.content?.["application/json"]?.schema) return [];
      const pointer = response.$ref
        ? `${String(response.$ref).slice(1)}/content/application~1json/schema`
        : `${pointerOf(op)}/responses/${status}/content/application~1json/schema`;
      const v = validator(pointer);
      return v(body) ? [] : errorsOf(v, `${op.id} ${status} response`);
    },
  };
}

function deref(doc: Json, node: Json): Json {
  let n = node;
  while (n && typeof n.$ref === "string") {
    n = String(n.$ref)
      .slice(2)
      .split("/")
      .reduce((o: Json, k) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  }
  return n;
}

function escape(path: string): string {
  return path.replace(/~/g, "~0").replace(/\//g, "~1");
}

function coerce(raw: string, schema: Json): unknown {
  if (schema.type === "integer" || schema.type === "number") return Number(raw);
  if (schema.type === "boolean") return raw === "true";
  return raw;
}

/** OpenAPI 3.0's `nullable: true` becomes JSON Schema's "or null", which Ajv checks as written. */
function nullableToJsonSchema(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableToJsonSchema);
  if (!node || typeof node !== "object") return;
  const obj = node as Json;
  for (const [k, v] of Object.entries(obj)) if (k !== "examples" && k !== "example") nullableToJsonSchema(v);
  if (obj.nullable === true) {
    const inner = { ...obj };
    delete inner.nullable;
    for (const k of Object.keys(obj)) delete obj[k];
    obj.anyOf = [inner, { type: "null" }];
  }
}
