import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { secretRefs } from "../../actions/shared/config/secrets.ts";

/**
 * The parts of the workflow files that mirror the config, regenerated from it so that editing
 * ops.config.yml is all an adopter does (`ops workflows --write`; a test runs `--check`). Each part
 * sits between two marker comments in the YAML:
 *
 *     # ops-generated: probe-secrets (from the config by `ops workflows --write`; do not edit)
 *     SHOPIFY_ADMIN_TOKEN: ${{ secrets.SHOPIFY_ADMIN_TOKEN }}
 *     # ops-generated: end
 *
 * The lines between are replaced, indented as the opening marker. Everything else in the files is
 * left as written.
 */
export type RegionKind =
  | "probe-secrets"
  | "notify-secrets"
  | "rollback-services"
  | "rollback-verify-secrets"
  | "rollback-smoke";

const MARKER = /^(\s*)# ops-generated: ([a-z-]+)(.*)$/;
const END = /^\s*# ops-generated: end\s*$/;
export const NO_ROLLBACK = "(no service declares rollback in the config)";

const env = (names: string[]) => names.map((n) => `${n}: \${{ secrets.${n} }}`);

/** The secrets (by name) that `value` references, sorted and distinct. */
function refsIn(value: unknown): string[] {
  return [...new Set(secretRefs(JSON.stringify(value ?? null)))].sort();
}

/** What each region holds for `config`, one YAML line each, unindented. */
export function regionLines(config: OpsConfig): Record<RegionKind, string[]> {
  const rollback = config.services.filter((s) => s.rollback);
  const first = rollback[0];
  return {
    "probe-secrets": env(refsIn(config.services.map((s) => s.probe))),
    // The notifications' secrets, and the heartbeat's dead-man URLs (pinged by the same jobs).
    "notify-secrets": env(refsIn([config.notifications, config.heartbeat])),
    "rollback-services": rollback.length ? rollback.map((s) => `- ${s.id}`) : [`- "${NO_ROLLBACK}"`],
    // Verification re-runs the rolled-back service's probe, with the secrets that probe reads.
    "rollback-verify-secrets": env(refsIn(rollback.map((s) => s.probe))),
    "rollback-smoke": first
      ? [
          "# Validation and plan only: no secret, no deployment, nothing written.",
          "- uses: ./actions/rollback",
          "  with:",
          "    phase: plan",
          `    service: ${first.id}`,
          "    reason: CI smoke test of the local action",
        ]
      : ["# No service declares `rollback:` in the config: no rollback to smoke-test."],
  };
}

/** `text` with every region regenerated; throws, naming the file and line, on an unknown or unclosed marker. */
export function regenerate(text: string, file: string, config: OpsConfig): string {
  const lines = text.split("\n");
  const regions = regionLines(config);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const m = MARKER.exec(line);
    if (!m || m[2] === "end") continue;
    const kind = m[2] as RegionKind;
    if (!(kind in regions))
      throw new Error(
        `${file}:${i + 1}: unknown generated region "${kind}"; expected one of ${Object.keys(regions).join(", ")}`,
      );
    let end = i + 1;
    while (end < lines.length && !END.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: region "${kind}" has no "# ops-generated: end" line`);
    out.push(...regions[kind].map((l) => `${m[1]}${l}`));
    i = end - 1; // the end marker is pushed by the next turn of the loop
  }
  return out.join("\n");
}

/** The regions each workflow file must have: a file that lost one is stale too. */
export const EXPECTED_REGIONS: Record<string, RegionKind[]> = {
  "monitor.yml": ["probe-secrets", "notify-secrets", "probe-secrets", "notify-secrets"],
  "rollback.yml": ["rollback-services", "rollback-verify-secrets"],
  "ci.yml": ["rollback-smoke"],
};

export function regionsIn(text: string): RegionKind[] {
  return text
    .split("\n")
    .map((l) => MARKER.exec(l)?.[2])
    .filter((k): k is RegionKind => k !== undefined && k !== "end");
}
