import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseMaintenanceIssue } from "../../actions/shared/maintenance.ts";

/**
 * The maintenance issue form, rendered as GitHub renders a submitted form: each field as
 * "### <label>", a blank line, the answer ("_No response_" when an optional one is left empty),
 * sections separated by a blank line; markdown elements are not part of the issue.
 */
type Field = { type: string; id?: string; attributes: { label?: string }; validations?: { required?: boolean } };
const form = parse(
  readFileSync(resolve(import.meta.dirname, "../../.github/ISSUE_TEMPLATE/maintenance.yml"), "utf8"),
) as {
  name: string;
  labels: string[];
  title: string;
  body: Field[];
};

function render(answers: Record<string, string>): string {
  return form.body
    .filter((f) => f.type !== "markdown")
    .map((f) => `### ${f.attributes.label}\n\n${answers[f.id!]?.trim() || "_No response_"}`)
    .join("\n\n");
}

describe("the maintenance issue form (.github/ISSUE_TEMPLATE/maintenance.yml)", () => {
  it("is labelled so the monitor finds it, and asks for services, start and end", () => {
    expect(form.labels).toEqual(["maintenance"]);
    const required = form.body.filter((f) => f.validations?.required).map((f) => f.id);
    expect(required).toEqual(["services", "start", "end"]);
  });

  it("a filled-in form parses into the window", () => {
    const body = render({
      services: "chatwoot, hotdash-production",
      start: "2026-11-22T22:00:00Z",
      end: "2026-11-23T00:30:00+01:00",
      details: "Postgres 16 upgrade.\nOn call: @lead",
    });
    expect(body).toMatch(/^### services\n\nchatwoot, hotdash-production\n\n### start\n\n/);
    expect(parseMaintenanceIssue({ number: 31, title: "Maintenance: Postgres upgrade", body })).toEqual({
      services: ["chatwoot", "hotdash-production"],
      start: "2026-11-22T22:00:00.000Z",
      end: "2026-11-22T23:30:00.000Z",
      reason: "Maintenance: Postgres upgrade (#31)",
    });
  });

  it("an optional field left empty changes nothing; a bad answer gets the parser's own message", () => {
    const ok = render({ services: "chatwoot", start: "2026-11-22T22:00:00Z", end: "2026-11-22T23:00:00Z" });
    expect(ok).toMatch(/### What is being done\n\n_No response_$/);
    expect(parseMaintenanceIssue({ number: 32, title: "t", body: ok })).toMatchObject({ services: ["chatwoot"] });
    const bad = render({ services: "chatwoot", start: "tonight", end: "2026-11-22T23:00:00Z" });
    expect(parseMaintenanceIssue({ number: 33, title: "t", body: bad })).toEqual({
      error: 'maintenance issue #33: add a line "start: <ISO date-time with zone>", found "tonight"',
    });
  });
});
