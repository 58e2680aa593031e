import { describe, expect, it } from "vitest";
import { notificationVerdict } from "./verdict.ts";

describe("notificationVerdict", () => {
  it("moves failed deliveries to warnings and keeps every other error", () => {
    const r = notificationVerdict({
      errors: ["service:a: notification pagerduty failed: PagerDuty: answered 500", "service:b: GitHub create issue on o/r failed (502)"],
      notifications: [
        { key: "service:a", deliveries: [{ route: "pagerduty", ok: false, error: "PagerDuty: answered 500" }, { route: "slack-emergency", ok: true }] },
        { key: "service:c", deliveries: [{ route: "slack-alerts", ok: false, skipped: true, error: "not configured" }] },
      ],
    });
    expect(r).toEqual({
      errors: ["service:b: GitHub create issue on o/r failed (502)"],
      warnings: ["service:a: notification pagerduty failed: PagerDuty: answered 500"],
    });
  });
});
