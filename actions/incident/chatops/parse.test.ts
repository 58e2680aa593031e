import { describe, expect, it } from "vitest";
import { parseCommand, type Command } from "./parse.ts";
import { commandAuthors, commandState, maintenanceWindows, readIssueCommands, type Permission } from "./read.ts";

const ok = (body: string): Command => {
  const p = parseCommand(body);
  if (!p?.ok) throw new Error(`expected a command from ${JSON.stringify(body)}, got ${JSON.stringify(p)}`);
  return p.command;
};
const error = (body: string): string => {
  const p = parseCommand(body);
  if (!p || p.ok) throw new Error(`expected an invalid command from ${JSON.stringify(body)}`);
  return p.error;
};

describe("parseCommand", () => {
  it("reads each command, with the config's duration grammar", () => {
    expect(ok("/ack")).toEqual({ kind: "ack" });
    expect(ok("/ACK on it\nlooking at the Fly dashboard")).toEqual({ kind: "ack" });
    expect(ok("/silence 2h waiting for Fly support")).toEqual({
      kind: "silence",
      durationMs: 7_200_000,
      reason: "waiting for Fly support",
    });
    expect(ok("/maintenance 90m")).toEqual({ kind: "maintenance", durationMs: 5_400_000, reason: "" });
    expect(ok("/maintenance 1.5h db migration")).toEqual({
      kind: "maintenance",
      durationMs: 5_400_000,
      reason: "db migration",
    });
    expect(ok("/status Identified: a bad deploy; rolling back")).toEqual({
      kind: "status",
      phase: "identified",
      text: "a bad deploy; rolling back",
    });
    expect(ok("/rollback previous error rate 12% since v43")).toEqual({
      kind: "rollback",
      target: "previous",
      reason: "error rate 12% since v43",
    });
  });

  it("an ordinary comment is not a command", () => {
    expect(parseCommand("Looks like Fly is down again")).toBeUndefined();
    expect(parseCommand(" /ack")).toBeUndefined(); // the workflow's startsWith would not see it either
    expect(parseCommand("/ 2h")).toBeUndefined();
    expect(parseCommand("")).toBeUndefined();
  });

  it("says what is wrong, without echoing text that could ping or link", () => {
    expect(error("/deploy now")).toBe("unknown command `/deploy`");
    expect(error("/silence 2h")).toMatch(/^say why/);
    expect(error("/silence soon no idea")).toMatch(/^`soon` is not a duration/);
    expect(error("/silence @everyone`x` reason")).toMatch(/^`@everyone'x'` is not a duration/);
    expect(error("/silence 30d too long")).toBe("the duration must be between 1 min and 168 h");
    expect(error("/maintenance 2d")).toBe("the duration must be between 1 min and 24 h");
    expect(error("/silence 10s short")).toBe("the duration must be between 1 min and 168 h");
    expect(error("/status fixed: all good")).toMatch(
      /^write `\/status <investigating\|identified\|monitoring\|resolved>: <text>`/,
    );
    expect(error("/rollback")).toMatch(/^write `\/rollback <target\|previous> <reason>`/);
  });

  it("a huge body costs nothing and a huge command line is refused", () => {
    expect(ok(`/ack\n${"x".repeat(5_000_000)}`)).toEqual({ kind: "ack" });
    expect(error(`/status identified: ${"x".repeat(5_000_000)}`)).toBe(
      "the command line is longer than 1000 characters",
    );
    expect(error(`/status identified: ${"x".repeat(900)}`)).toBe("the text is longer than 500 characters");
  });
});

describe("readIssueCommands and commandState: the comments are the record", () => {
  const roles: Record<string, Permission> = {
    lead: "admin",
    oncall: "write",
    keeper: "maintain",
    helper: "triage",
    visitor: "read",
  };
  const permissionOf = (login: string) => roles[login];
  let id = 0;
  const c = (user: string | undefined, at: string, body: string) => ({
    id: ++id,
    body,
    createdAt: `2026-11-22T${at}:00Z`,
    ...(user ? { author: user } : {}),
  });
  const comments = [
    c("visitor", "16:01", "/ack"),
    c("helper", "16:02", "/silence 7d spam"),
    c(undefined, "16:03", "/ack"),
    c("github-actions[bot]", "16:04", '<!-- hotdash-ops:chatops {"comment":1} -->\n@visitor, thank you — …'),
    c("oncall", "16:05", "/ack"),
    c("lead", "16:06", "/ack"),
    c("oncall", "16:07", "/silence 2h waiting for Fly"),
    c("keeper", "16:08", "/status identified: bad deploy"),
    c("oncall", "16:09", "/maintenance 30m failover"),
    c("oncall", "16:10", "/frobnicate"),
    c("lead", "16:40", "/status monitoring: rolled back, watching"),
  ];

  it("keeps valid commands from write, maintain and admin only, oldest first", () => {
    const read = readIssueCommands(comments, permissionOf);
    expect(read.map((r) => `${r.by}:${r.command.kind}`)).toEqual([
      "oncall:ack",
      "lead:ack",
      "oncall:silence",
      "keeper:status",
      "oncall:maintenance",
      "lead:status",
    ]);
    expect(commandAuthors(comments).sort()).toEqual(
      ["github-actions[bot]", "helper", "keeper", "lead", "oncall", "visitor"]
        .filter((l) => l !== "github-actions[bot]")
        .sort(),
    );
  });

  it("replayed at several times: the first ack holds, silences and maintenance expire by themselves", () => {
    const read = readIssueCommands(comments, permissionOf);
    const at = (hhmm: string) => commandState(read, new Date(`2026-11-22T${hhmm}:00Z`));
    expect(at("16:04")).toEqual({ updates: [] });
    expect(at("16:06").acknowledged).toEqual({ by: "oncall", at: "2026-11-22T16:05:00Z" });
    expect(at("16:30")).toMatchObject({
      silenced: { by: "oncall", until: "2026-11-22T18:07:00.000Z", reason: "waiting for Fly" },
      maintenance: { by: "oncall", until: "2026-11-22T16:39:00.000Z", reason: "failover" },
      updates: [{ phase: "identified", text: "bad deploy", by: "keeper" }],
    });
    const later = at("16:45");
    expect(later.maintenance).toBeUndefined();
    expect(later.updates.map((u) => u.phase)).toEqual(["identified", "monitoring"]);
    expect(at("18:07").silenced).toBeUndefined();
    // The same state, read twice, is the same (a replayed run changes nothing).
    expect(at("16:30")).toEqual(at("16:30"));
  });

  it("a later, shorter silence ends the earlier one", () => {
    const read = readIssueCommands(
      [c("oncall", "16:00", "/silence 7d quiet"), c("oncall", "16:10", "/silence 1m done")],
      permissionOf,
    );
    expect(commandState(read, new Date("2026-11-22T16:10:30Z")).silenced?.reason).toBe("done");
    expect(commandState(read, new Date("2026-11-22T16:12:00Z")).silenced).toBeUndefined();
  });

  it("a /maintenance becomes a maintenance window for the issue's subject", () => {
    const read = readIssueCommands([c("oncall", "16:00", "/maintenance 1h db failover")], permissionOf);
    const state = commandState(read, new Date("2026-11-22T16:30:00Z"));
    expect(maintenanceWindows(state, "chatwoot", 12)).toEqual([
      {
        services: ["chatwoot"],
        start: "2026-11-22T16:00:00Z",
        end: "2026-11-22T17:00:00.000Z",
        reason: "/maintenance by oncall on #12: db failover",
      },
    ]);
    expect(maintenanceWindows(commandState(read, new Date("2026-11-22T17:00:00Z")), "chatwoot", 12)).toEqual([]);
  });
});
