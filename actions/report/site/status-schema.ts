import { z } from "zod";
import { STATUSES } from "../../shared/status.ts";

/**
 * The schema of the site's machine-readable `status.json`, the single source of the committed
 * JSON Schema `docs/status.schema.json` (`npm run schema` writes it; a test fails when it is stale).
 * Percentages are 0–100 with two decimals at most; absent means unknown (no data in the window).
 */
export const STATUS_SCHEMA_FILE = "docs/status.schema.json";
const Iso = z.string().datetime({ offset: true });
const Pct = z.number().min(0).max(100);

const Uptime = z
  .object({
    h24: Pct.optional().describe("Availability over the last 24 hours, percent."),
    d7: Pct.optional().describe("Over the last 7 days."),
    d30: Pct.optional().describe("Over the last 30 days."),
    d90: Pct.optional().describe("Over the last 90 days."),
  })
  .describe("Availability: (up + degraded) / (up + degraded + down) time; absent when the window holds no known time.");

const Update = z.object({
  at: Iso.describe("When it was posted."),
  phase: z.enum(["investigating", "identified", "monitoring", "resolved"]).describe("The phase the update announces."),
  text: z.string().describe("The update as written (plain text; escape it before showing it as HTML)."),
});

export const StatusJson = z
  .object({
    version: z.literal(1).describe("Format version; a breaking change raises it."),
    title: z.string().describe("The site's title."),
    generatedAt: Iso.describe("When the site was built."),
    dataAt: Iso.optional().describe("When the newest run finished; absent before the first run."),
    staleAfter: Iso.optional().describe(
      "After this time, with no newer build, the data is stale (3 × the schedule's interval after dataAt).",
    ),
    stale: z.boolean().describe("Whether the data was already stale when the site was built."),
    overall: z
      .object({
        status: z
          .enum(["operational", "degraded", "partial", "major", "offline", "nodata"])
          .describe("The overall state."),
        description: z.string().describe("The overall state in words, as the banner says it."),
      })
      .describe("The fleet as a whole."),
    services: z
      .array(
        z.object({
          id: z.string().describe("The service id from ops.config.yml."),
          name: z.string(),
          environment: z.string().describe("production, staging, shared, …"),
          status: z.enum(STATUSES).describe("Status at the newest run."),
          reason: z.string().describe('Why, in one line ("" when up).'),
          since: Iso.optional().describe("When this status began."),
          checkedAt: Iso.optional().describe("Time of its newest check."),
          uptime: Uptime,
          p95Ms24h: z.number().nonnegative().optional().describe("95th percentile response time over 24 hours, ms."),
          page: z.string().describe("Its page, relative to the site root."),
        }),
      )
      .describe("Shown services, by environment."),
    groups: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          environment: z.string(),
          status: z.enum(STATUSES),
          operational: z.number().int().nonnegative().optional().describe("Members up or degraded at the newest run."),
          total: z.number().int().nonnegative().describe("Members in the group."),
        }),
      )
      .describe('Groups judged by quorum ("MCP servers 6/7").'),
    incidents: z
      .array(
        z.object({
          id: z.string().describe("Stable id (the record's file name without .md, or issue-<number>)."),
          title: z.string(),
          service: z.string().optional().describe("Id of the service or group."),
          severity: z.enum(["P0", "P1", "P2", "P3"]).optional(),
          state: z.enum(["open", "resolved"]),
          startedAt: Iso.optional(),
          resolvedAt: Iso.optional(),
          durationMs: z
            .number()
            .nonnegative()
            .optional()
            .describe("Start to resolution, or to generatedAt while open."),
          issue: z.string().optional().describe("URL of the tracking issue."),
          page: z.string().describe("Its page, relative to the site root."),
          updates: z.array(Update).describe("Public updates, oldest first."),
        }),
      )
      .describe("Open incidents and those of the last 90 days, newest first."),
    maintenance: z
      .array(
        z.object({
          state: z.enum(["current", "upcoming"]),
          services: z.array(z.string()).describe("Names of the services in the window."),
          start: Iso.optional(),
          end: Iso.optional(),
          every: z.string().optional().describe("For weekly windows, when they recur."),
          reason: z.string(),
        }),
      )
      .describe("Maintenance windows happening now or coming up."),
  })
  .describe("Machine-readable status of the HotDash status site (status.json).");

export type StatusJson = z.output<typeof StatusJson>;

export function generateStatusSchema(): string {
  const schema = z.toJSONSchema(StatusJson, { target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return `${JSON.stringify({ $schema, $id: "urn:hotdash-ops:status.schema.json", title: "status.json (ops site)", ...rest }, null, 2)}\n`;
}
