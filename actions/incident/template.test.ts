import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { manualClock } from "../shared/clock.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { renderIncident } from "./content.ts";
import type { Subject } from "./subjects.ts";
import { defaultTemplateUrl, loadTemplate, parseTemplate, readSections, skeleton } from "./template.ts";

const subject: Subject = {
  key: "service:chatwoot",
  kind: "service",
  id: "chatwoot",
  name: "Chatwoot",
  environment: "production",
  criticality: "critical",
  status: "down",
  reason: "refused",
  since: "2026-11-22T16:00:00.000Z",
  evidence: "reason: refused",
};
const state: IncidentState = {
  key: "service:chatwoot",
  kind: "service",
  subject: "chatwoot",
  state: "open",
  severity: "P0",
  status: "down",
  openedAt: manualClock("2026-11-22T16:05:00Z").now().toISOString(),
  startedAt: "2026-11-22T16:00:00.000Z",
  escalationLevel: 1,
  goodRuns: 0,
  notified: [],
  timeline: [{ at: "2026-11-22T16:00:00.000Z", text: "Chatwoot down" }],
  evidence: {},
};

describe("the incident template is the one source of truth", () => {
  it("renders issues with exactly the template's skeleton (heading, fields, sections, in order)", async () => {
    const file = await readFile(defaultTemplateUrl, "utf8");
    const templateBody = file.replace(/^---[\s\S]*?---\r?\n/, "");
    const rendered = renderIncident(await loadTemplate(), state, subject);
    expect(skeleton(rendered.body)).toEqual(skeleton(templateBody));
    expect(skeleton(templateBody)).toEqual([
      "#",
      "**Date**",
      "**Severity**",
      "**Duration**",
      "**Impact**",
      "## Timeline",
      "## Root Cause",
      "## Resolution",
      "## Lessons Learned",
      "## Action Items",
    ]);
    // Human sections keep the template's own prompts until someone writes them.
    const templateSections = readSections(templateBody);
    const sections = readSections(rendered.body);
    for (const name of ["Root Cause", "Lessons Learned", "Action Items"])
      expect(sections[name]).toBe(templateSections[name]);
    expect(rendered.title).toBe("Incident: Chatwoot (production) down");
  });

  it("follows the template when it changes, and says what is missing when it loses a part", async () => {
    const file = await readFile(defaultTemplateUrl, "utf8");
    const extended = file.replace(
      "## Lessons Learned",
      "## Customer Communication\n[Who was told what]\n\n## Lessons Learned",
    );
    const rendered = renderIncident(parseTemplate(extended), state, subject);
    expect(rendered.body).toContain("## Customer Communication\n[Who was told what]\n\n## Lessons Learned");
    expect(() => parseTemplate(file.replace("## Root Cause", "## Cause"))).toThrow(
      /the section "## Root Cause" is missing/,
    );
    expect(() => parseTemplate(file.replace("**Severity**", "**Priority**"))).toThrow(
      /the field "\*\*Severity\*\*:" is missing/,
    );
    expect(() => parseTemplate("# no front matter")).toThrow(/expected YAML front matter/);
  });

  it("keeps what a human wrote in the issue when re-rendering", async () => {
    const t = await loadTemplate();
    const first = renderIncident(t, state, subject).body;
    const edited = first
      .replace("[Detailed explanation]", "Disk full on the Chatwoot host.")
      .replace(/_\(filled in[^\n]*\n Ongoing\./, "");
    const humanResolution = edited.replace(
      /## Resolution\n[\s\S]*?\n\n## Lessons/,
      "## Resolution\nWe rotated the logs.\n\n## Lessons",
    );
    const again = renderIncident(
      t,
      {
        ...state,
        status: "down",
        timeline: [...state.timeline, { at: "2026-11-22T16:30:00.000Z", text: "Escalated" }],
      },
      subject,
      humanResolution,
    ).body;
    expect(readSections(again)["Root Cause"]).toBe("Disk full on the Chatwoot host.");
    expect(readSections(again).Resolution).toBe("We rotated the logs.");
    expect(readSections(again).Timeline).toContain("16:30 UTC: Escalated");
  });
});
