import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";

it("Dependabot watches the npm packages and the pinned actions, weekly", () => {
  const config = parse(readFileSync(resolve(import.meta.dirname, "../../.github/dependabot.yml"), "utf8")) as {
    version: number;
    updates: Array<{ "package-ecosystem": string; directory: string; schedule: { interval: string } }>;
  };
  expect(config.version).toBe(2);
  expect(config.updates.map((u) => [u["package-ecosystem"], u.directory, u.schedule.interval])).toEqual([
    ["npm", "/", "weekly"],
    ["github-actions", "/", "weekly"],
  ]);
});
