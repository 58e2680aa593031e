import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { fleetTable } from "../../actions/probe/table.ts";
import { syntheticConfig, syntheticLatest } from "../../scripts/bench/synthetic.ts";

describe("the fleet table in a terminal", () => {
  const config = syntheticConfig(4);
  const latest = syntheticLatest(config, "2026-11-22T16:00:00.000Z", {
    "svc-01": { status: "degraded", reason: "p95 912 ms ≥ 800 ms" },
    "svc-02": { status: "down", reason: "connection refused" },
  });

  it("lines up by display width, emoji (two columns) and variation selectors included", () => {
    const widths = fleetTable(latest)
      .split("\n")
      .map((line) => stringWidth(line));
    expect(new Set(widths).size).toBe(1);
  });

  it("paints the status only when asked, and still lines up", () => {
    expect(fleetTable(latest)).not.toContain("\u001b[");
    const painted = fleetTable(latest, { colour: true });
    expect(painted).toContain("\u001b[31m❌ down\u001b[0m");
    expect(painted).toContain("\u001b[33m⚠️ degraded\u001b[0m");
    expect(new Set(painted.split("\n").map((line) => stringWidth(line))).size).toBe(1);
  });
});
