import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { packageRoot } from "../shared/package-root.ts";

/**
 * The incident report template (`.github/ISSUE_TEMPLATE/incident.md`, from the post-launch support
 * plan) is the one source of truth for humans and the automation: this module reads its skeleton
 * (front matter, heading, `**Field**:` lines, `## Section`s) and renders issues and records from it.
 */
export interface TemplateItem {
  name: string;
  placeholder: string;
}

export interface IncidentTemplate {
  title: string;
  labels: string[];
  heading: string;
  fields: TemplateItem[];
  sections: TemplateItem[];
}

export interface Filled {
  /** Replaces "[Brief Title]" in the title and heading. */
  brief: string;
  fields: Record<string, string>;
  /** Sections not given keep the template's placeholder (for humans to write). */
  sections: Record<string, string>;
  /** Sections outside the template (added by people in the issue), kept after the template's, in order. */
  extra?: Array<[string, string]>;
}

/** What the automation fills; a template without them is an error that names the missing part. */
export const AUTOMATED_FIELDS = ["Date", "Severity", "Duration", "Impact"] as const;
export const AUTOMATED_SECTIONS = ["Timeline", "Resolution"] as const;
/** Humans write these in the issue; the record takes them from the body at close. */
export const HUMAN_SECTIONS = ["Root Cause", "Lessons Learned", "Action Items"] as const;

export const TEMPLATE_PATH = ".github/ISSUE_TEMPLATE/incident.md";
export const defaultTemplateUrl = new URL(TEMPLATE_PATH, packageRoot(import.meta.url));
const BRIEF = "[Brief Title]";

export async function loadTemplate(path: string | URL = defaultTemplateUrl): Promise<IncidentTemplate> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the incident template ${String(path)}; restore ${TEMPLATE_PATH}`, { cause: error });
  }
  return parseTemplate(text);
}

export function parseTemplate(text: string): IncidentTemplate {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${TEMPLATE_PATH}: expected YAML front matter between "---" lines`);
  const front = (parseYaml(m[1]!) ?? {}) as { title?: unknown; labels?: unknown };
  const title = typeof front.title === "string" ? front.title : `Incident: ${BRIEF}`;
  const labels = Array.isArray(front.labels)
    ? front.labels.map(String)
    : typeof front.labels === "string"
      ? front.labels
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const body = m[2]!;
  const heading = /^# .*$/m.exec(body)?.[0] ?? `# Incident Report: ${BRIEF}`;
  const fields = [...body.matchAll(/^\*\*([^*]+)\*\*:\s*(.*)$/gm)].map((f) => ({
    name: f[1]!.trim(),
    placeholder: f[2]!.trim(),
  }));
  const sections = splitSections(body).map(([name, content]) => ({ name, placeholder: content }));
  const t: IncidentTemplate = { title, labels, heading, fields, sections };
  for (const f of AUTOMATED_FIELDS) {
    if (!fields.some((x) => x.name === f))
      throw new Error(`${TEMPLATE_PATH}: the field "**${f}**:" is missing; the automation fills it`);
  }
  for (const s of [...AUTOMATED_SECTIONS, ...HUMAN_SECTIONS]) {
    if (!sections.some((x) => x.name === s)) throw new Error(`${TEMPLATE_PATH}: the section "## ${s}" is missing`);
  }
  return t;
}

export function render(t: IncidentTemplate, filled: Filled): { title: string; body: string } {
  const lines = [t.heading.replace(BRIEF, filled.brief), ""];
  for (const f of t.fields) lines.push(`**${f.name}**: ${filled.fields[f.name] ?? f.placeholder}`);
  for (const s of t.sections) lines.push("", `## ${s.name}`, (filled.sections[s.name] ?? s.placeholder).trim());
  for (const [name, text] of filled.extra ?? []) lines.push("", `## ${name}`, text.trim());
  return { title: t.title.replace(BRIEF, filled.brief), body: `${lines.join("\n")}\n` };
}

/** The `## Section` contents of a Markdown body (a human-edited issue, or a rendered one). */
export function readSections(body: string): Record<string, string> {
  return Object.fromEntries(splitSections(body));
}

/** The skeleton (heading kind, field names, section names, in order) that must match the template. */
export function skeleton(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    const field = /^\*\*([^*]+)\*\*:/.exec(line);
    if (line.startsWith("# ")) out.push("#");
    else if (line.startsWith("## ")) out.push(`## ${line.slice(3).trim()}`);
    else if (field) out.push(`**${field[1]!.trim()}**`);
  }
  return out;
}

function splitSections(body: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let current: [string, string[]] | undefined;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith("## ")) {
      if (current) out.push([current[0], current[1].join("\n").trim()]);
      current = [line.slice(3).trim(), []];
    } else if (current && !line.startsWith("<!-- hotdash-ops:")) {
      current[1].push(line);
    }
  }
  if (current) out.push([current[0], current[1].join("\n").trim()]);
  return out;
}
