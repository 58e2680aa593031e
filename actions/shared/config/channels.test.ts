import { describe, expect, it } from "vitest";
import { formatConfigErrors, loadConfig, type ConfigError } from "./load.ts";
import { generateJsonSchema } from "./json-schema.ts";
import { errorsOf, pos } from "./test-yaml.ts";

const SERVICE = `services:
  - id: web
    name: Web
    probe: { type: http, url: https://example.com/health }
`;

function errorAt(errors: ConfigError[], path: string): ConfigError {
  const e = errors.find((x) => x.path === path);
  if (!e) throw new Error(`no error at ${path}; got:\n${formatConfigErrors(errors)}`);
  return e;
}

describe("notification channels in the config", () => {
  it("accepts each kind, routed by name next to the built-in routes", () => {
    const text = `${SERVICE}notifications:
  channels:
    hook: { type: webhook, url: "\${HOOK_URL}", body: '{"text": "{{service}} {{status}}"}' }
    hook-yaml: { type: webhook, url: "\${HOOK2_URL}", body: { text: "{{severity}}: {{reason}}", n: 1 } }
    teams: { type: teams, url: "\${TEAMS_URL}" }
    discord: { type: discord, url: "\${DISCORD_URL}" }
    mail: { type: email, host: smtp.example.com, username: "\${SMTP_USER}", password: "\${SMTP_PASSWORD}", from: ops@example.com, to: [oncall@example.com] }
  routes: { P0: [slack-emergency, pagerduty, teams, mail], P1: [discord], P2: [hook], P3: [hook-yaml] }
`;
    const r = loadConfig("ops.config.yml", text);
    if (!r.ok) throw new Error(formatConfigErrors(r.errors));
    expect(r.warnings).toEqual([]);
    const c = r.config.notifications.channels;
    expect(c.hook).toMatchObject({ type: "webhook", body: { text: "{{service}} {{status}}" }, headers: {} });
    expect(c["hook-yaml"]).toMatchObject({ body: { text: "{{severity}}: {{reason}}", n: 1 } });
    expect(c.mail).toMatchObject({ port: 587, tls: "starttls" });
  });

  it("a body template that is not JSON, or names an unknown placeholder, is an error at its line", () => {
    const text = `${SERVICE}notifications:
  channels:
    badjson: { type: webhook, url: "\${A}", body: '{"text": {{service}}}' }
    unknown: { type: webhook, url: "\${B}", body: '{"text": "{{servce}} down"}' }
    inkey: { type: webhook, url: "\${C}", body: { "{{service}}": "down" } }
  routes: { P0: [badjson, unknown, inkey], P1: [], P2: [], P3: [] }
`;
    const errors = errorsOf(text);
    const json = errorAt(errors, "notifications.channels.badjson.body");
    expect(json.message).toMatch(/a JSON text/);
    expect({ line: json.line, column: json.column }).toEqual(pos(text, `'{"text": {{service}}}'`));
    expect(errorAt(errors, "notifications.channels.unknown.body").message).toMatch(
      /known placeholders only \(body.text has \{\{servce\}\}; known: event, key, service/,
    );
    expect(errorAt(errors, "notifications.channels.inkey.body").message).toMatch(
      /placeholders only in string values \(body has \{\{service\}\} in a key\)/,
    );
  });

  it("a route naming no channel is an error; a channel no route names is a warning", () => {
    const text = `${SERVICE}notifications:
  channels:
    teams: { type: teams, url: "\${TEAMS_URL}" }
    spare: { type: discord, url: "\${DISCORD_URL}" }
  routes: { P0: [teams, temas], P1: [], P2: [], P3: [] }
`;
    const e = errorAt(errorsOf(text), "notifications.routes.P0[1]");
    expect(e.message).toContain('found "temas"');
    expect(e.message).toContain("slack-emergency, slack-alerts, pagerduty, teams, spare");
    const fixed = loadConfig("ops.config.yml", text.replace("temas", "teams"));
    if (!fixed.ok) throw new Error(formatConfigErrors(fixed.errors));
    expect(fixed.warnings.map((w) => w.path)).toEqual(["notifications.channels.spare"]);
  });

  it("a literal webhook URL or SMTP password is a warning: it belongs in a secret", () => {
    const text = `${SERVICE}notifications:
  channels:
    discord: { type: discord, url: "https://discord.com/api/webhooks/1/abc" }
    mail: { type: email, host: smtp.example.com, password: hunter2-hunter2, from: a@example.com, to: [b@example.com] }
  routes: { P0: [discord, mail], P1: [], P2: [], P3: [] }
`;
    const r = loadConfig("ops.config.yml", text);
    if (!r.ok) throw new Error(formatConfigErrors(r.errors));
    expect(r.warnings.map((w) => w.path).sort()).toEqual([
      "notifications.channels.discord.url",
      "notifications.channels.mail.password",
    ]);
    expect(JSON.stringify(r.warnings)).not.toContain("hunter2");
  });

  it("every channel field is described in the JSON Schema", () => {
    const schema = JSON.parse(generateJsonSchema());
    const channel = schema.properties.notifications.properties.channels.additionalProperties;
    const kinds = channel.oneOf ?? channel.anyOf;
    expect(kinds).toHaveLength(4);
    for (const kind of kinds) {
      for (const [name, field] of Object.entries<Record<string, unknown>>(kind.properties)) {
        expect(field.description, `${kind.properties.type.const}.${name}`).toEqual(expect.any(String));
      }
    }
  });
});
