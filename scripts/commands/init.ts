import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { loadConfig, formatConfigErrors } from "../../actions/shared/config/load.ts";
import { type CliDeps, ExitError, parse, usage } from "../cli/context.ts";
import { checkWorkflows } from "./workflows.ts";

export interface StarterService {
  id: string;
  url: string;
}

const DEFAULT_SERVICES: StarterService[] = [
  { id: "website", url: "https://example.com/" },
  { id: "api", url: "https://example.com/health" },
];

/** "api" → "Api", "billing-api" → "Billing api": a readable default name. */
const nameOf = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/-/g, " ");

/** A minimal config for someone else's services: HTTP checks, thresholds, nothing HotDash-specific. */
export function starterConfig(title: string, services: StarterService[]): string {
  const entries = services.map(
    (s, i) => `  - id: ${s.id}
    name: ${JSON.stringify(nameOf(s.id))}
    environment: production           # production | staging | shared
    criticality: ${(i === 0 ? "critical" : "high").padEnd(22)}# critical | high | medium | low → incident severity P0…P3
    probe:
      type: http                      # http | postgres | prometheus | fly | mcp (docs/probes.md)
      url: ${JSON.stringify(s.url)}
      expect: { status: [200] }
      # headers: { Authorization: "Bearer \${API_TOKEN}" }   # a secret, read from the environment
    thresholds:
      latency: { yellow: 800ms, red: 2s, stat: p95 }
`,
  );
  return `# yaml-language-server: $schema=./ops.config.schema.json
# Written by \`ops init\`. Every field: docs/configuration.md. After editing, run
#   npm run ops -- validate            (checks this file)
#   npm run ops -- workflows --write   (updates the secrets and service lists in .github/workflows/)
version: 1
title: ${JSON.stringify(title)}

defaults:
  timeout: 10s
  samples: 3
  confirmWindow: 2m                   # a service that looks down is re-probed for up to this long

services:
${entries.join("\n")}
# Incidents open as GitHub issues; notifications (Slack, PagerDuty) are optional:
# notifications:
#   slack: { alerts: \${SLACK_ALERTS_WEBHOOK_URL} }
#   routes: { P0: [slack-alerts], P1: [slack-alerts], P2: [slack-alerts], P3: [slack-alerts] }
`;
}

function parseService(text: string): StarterService {
  const m = /^([a-z0-9][a-z0-9-]{0,62})=(https?:\/\/\S+)$/.exec(text);
  if (!m)
    throw usage(
      `--service: expected id=URL with a lower-case id and an http(s) URL, such as api=https://api.example.com/health; found "${text}"`,
    );
  return { id: m[1]!, url: m[2]! };
}

/**
 * `ops init [--service id=URL …] [--title T] [--config FILE] [--force] [--no-workflows]`: writes a
 * minimal config for your own services (two placeholders when none are given) and regenerates the
 * workflows' config-mirroring parts for it. Refuses to overwrite an existing config without --force.
 */
export async function initCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {
    service: { type: "string", multiple: true },
    title: { type: "string", default: "Service status" },
    force: { type: "boolean", default: false },
    "no-workflows": { type: "boolean", default: false },
  });
  const services = ((values.service as string[] | undefined) ?? []).map(parseService);
  const chosen = services.length ? services : DEFAULT_SERVICES;
  const ids = chosen.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw usage(`--service: "${dup}" is given twice; each service needs its own id`);

  const file = resolve(deps.cwd, typeof values.config === "string" ? values.config : "ops.config.yml");
  if (existsSync(file) && values.force !== true) {
    throw new ExitError(
      2,
      `${file} exists; pass --force to replace it (the old one is in git), or --config FILE to write elsewhere`,
    );
  }
  const text = starterConfig(String(values.title), chosen);
  // Checked before writing: what init writes must validate.
  const loaded = loadConfig(file, text);
  if (!loaded.ok)
    throw new ExitError(1, `the starter config does not validate (a bug):\n${formatConfigErrors(loaded.errors)}`);
  await writeFile(file, text);
  deps.io.out(`wrote ${relative(deps.cwd, file) || file}: ${chosen.map((s) => `${s.id} (${s.url})`).join(", ")}\n`);

  const dir = join(deps.cwd, ".github", "workflows");
  if (existsSync(dir) && values["no-workflows"] !== true) {
    const { stale, files } = await checkWorkflows(dir, loaded.config);
    for (const name of stale) await writeFile(join(dir, name), files[name]!);
    deps.io.out(`updated .github/workflows/ for it: ${stale.length ? stale.join(", ") : "nothing to change"}\n`);
  }
  deps.io.out(
    [
      "Next:",
      "  1. Edit the config: names, URLs, thresholds (docs/configuration.md), then: npm run ops -- validate",
      "  2. Try it: npm run ops -- run --dry-run (probes now, writes reports/, opens no issue)",
      "  3. After any change to secrets or services: npm run ops -- workflows --write, and commit",
      "  4. Push; the monitor workflow runs every 5 minutes (docs/adopting.md)",
      "",
    ].join("\n"),
  );
  return 0;
}
