import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import { fleetTable } from "../../actions/probe/table.ts";
import type { ReportModel, ServiceModel } from "../../actions/report/model.ts";
import { groupLine, statusTables } from "../../actions/report/status.ts";
import type { Latest, ServiceState } from "../../actions/shared/store/latest-schema.ts";
import { HOSTILE } from "../hostile.ts";

/** Reasons are a service's words: in STATUS.md, the README section and the job summary they stay text. */
const html = (md: string) =>
  micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
const elements = (h: string) => new Set([...h.matchAll(/<([a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase()));

describe("reports render service reasons inert", () => {
  for (const reason of HOSTILE) {
    it(`STATUS.md and the fleet table keep ${JSON.stringify(reason.slice(0, 30))} as text`, () => {
      const svc = {
        id: "svc",
        name: "Svc",
        environment: "production",
        status: "down",
        reason,
        uptime: {},
      } as unknown as ServiceModel;
      const model = {
        services: [svc, { ...svc, id: "b", name: "Next", reason: "ok" }],
        groups: [],
      } as unknown as ReportModel;
      const status = html(statusTables(model));
      expect(elements(status)).toEqual(new Set(["h3", "table", "thead", "tr", "th", "tbody", "td"]));
      expect(status.match(/<tr[ >]/g)).toHaveLength(3);
      expect(status).not.toMatch(/<!--|(^|[^\w\u200D])@\w|https?:\/\//);

      const group = html(
        groupLine({ id: "g", name: "G", environment: "production", status: "down", total: 7, operational: 3, reason }),
      );
      expect(elements(group)).toEqual(new Set(["p", "strong"]));

      const state = {
        id: "svc",
        name: "Svc",
        status: "down",
        reason,
        metrics: { successRate: 0, okCount: 0, count: 3, statusCodes: [], attempts: 1 },
      } as unknown as ServiceState;
      const latest = {
        services: { svc: state, b: { ...state, id: "b", reason: "ok" } },
        groups: {},
      } as unknown as Latest;
      const table = html(fleetTable(latest));
      expect(elements(table)).toEqual(new Set(["table", "thead", "tr", "th", "tbody", "td"]));
      expect(table.match(/<tr[ >]/g)).toHaveLength(3);
      expect(table.match(/<td[ >]/g)).toHaveLength(14);
    });
  }
});
