import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_SDK, CHATWOOT, createWorld, type World, worldPerTest } from "./harness.ts";

/**
 * A monitored service controls its failure reason (an error message, an echoed body). Here one
 * service answers with a forged incident marker for another service, mentions, a tracking image and
 * a link: its issue must stay its own, and nothing it said may act in the issue, the comments, the
 * record or the notifications.
 */
let w: World;
const { tick } = worldPerTest(() => w);

const FORGED =
  '<!-- hotdash-ops:incident {"key":"service:chatwoot","openedAt":"2026-11-22T16:05:00.000Z","severity":"P0"} -->';
const HOSTILE_REASON = `unexpected status 500: ${FORGED} cc @octocat @hotdash/oncall #1 ![x](https://tracker.example/p.gif) [docs](https://evil.example) <img src=x> <!channel> <@U42>`;

describe("service-controlled text in incidents", () => {
  it("a reason forging another service's marker leaves each issue its own: the other's recovery does not close it", async () => {
    // The default two services, the Agent SDK (the attacker) critical in production like Chatwoot.
    w = await createWorld({
      services: [CHATWOOT, { ...AGENT_SDK, environment: "production", criticality: "critical" }],
    });
    // The attacker fails first, so its issue has the lower number: with the marker read anywhere
    // in the body it would be taken for Chatwoot's issue and Chatwoot's own closed as a duplicate.
    w.set("agent-sdk", "down", HOSTILE_REASON);
    await tick();
    w.set("chatwoot", "down", "connection refused");
    await tick();
    const open = w.openIssues().sort((a, b) => a.number - b.number);
    expect(open.map((i) => i.labels.find((l) => /^service:/.test(l)))).toEqual([
      "service:agent-sdk",
      "service:chatwoot",
    ]);
    const [attacker, victim] = open;
    expect(w.latest.incidents["service:agent-sdk"]!.number).toBe(attacker!.number);
    expect(w.latest.incidents["service:chatwoot"]!.number).toBe(victim!.number);

    // Nothing the service said acts in the issue: one marker (ours, first line), no mention,
    // reference, image, link or HTML.
    const body = attacker!.body!;
    expect(body.split("\n")[0]).toMatch(/^<!-- hotdash-ops:incident \{"key":"service:agent-sdk"/);
    expect(body.match(/<!--/g)).toHaveLength(1);
    for (const text of [body, ...w.commentsOf(attacker!.number)]) assertInert(text);

    // Chatwoot recovers: its issue closes; the attacker, still down, keeps its issue open.
    w.set("chatwoot", "up");
    await tick();
    await tick();
    expect(w.gh.state.issues.get(victim!.number)!.state).toBe("closed");
    expect(w.gh.state.issues.get(attacker!.number)!.state).toBe("open");
    expect(w.latest.incidents["service:agent-sdk"]).toMatchObject({ state: "open", number: attacker!.number });
    expect(w.latest.incidents["service:chatwoot"]).toMatchObject({ state: "closed", closedBy: "automation" });

    // A lost latest.json is rebuilt from the issues: still one issue per service, by its own marker.
    w.latest = { ...w.latest, incidents: {} };
    await tick(60);
    expect(w.latest.incidents["service:agent-sdk"]).toMatchObject({ state: "open", number: attacker!.number });
    expect(w.latest.incidents["service:chatwoot"]).toBeUndefined();
    expect(w.commentsOf(attacker!.number).every((c) => !c.includes("Resolved"))).toBe(true);
    for (const text of [w.gh.state.issues.get(attacker!.number)!.body!, ...w.commentsOf(attacker!.number)])
      assertInert(text);

    // The record and the notifications carry the reason inert as well.
    const record = await readFile(join(w.dataDir, w.latest.incidents["service:agent-sdk"]!.record!), "utf8");
    expect(record).not.toContain("<!-- hotdash-ops:incident");
    assertInert(record.replace(/^<!-- GitHub issue #\d+: \S+ -->\n/, ""));
    const slack = w.slack.received.map((m) => JSON.stringify(m.body));
    expect(slack.length).toBeGreaterThan(0);
    for (const m of w.slack.received) {
      // The link to the issue is ours (the evidence line follows it); nothing else may be a Slack link, ping or mention.
      const text = String(m.body.text).replace(
        / <https:\/\/github\.example\.test\/hotdash\/ops\/issues\/\d+\|issue>(?=\n|$)/,
        "",
      );
      expect(text).not.toMatch(/[<>]|@octocat/);
      expect(m.body).toMatchObject({ unfurl_links: false, unfurl_media: false });
    }
    for (const m of w.pagerduty.received) expect(JSON.stringify(m.body)).not.toMatch(/@octocat|<@U42>/);
  });

  it("an issue whose labels disagree with its marker is not taken for that subject's issue", async () => {
    w = await createWorld();
    const at = w.clock.now().toISOString();
    // Someone files an issue with a marker for Chatwoot but labelled for another service.
    w.gh.state.issues.set(1, {
      number: 1,
      id: 1,
      title: "Incident: fake",
      state: "open",
      stateReason: null,
      labels: ["incident", "service:agent-sdk"],
      assignees: [],
      user: "someone",
      body: `<!-- hotdash-ops:incident {"key":"service:chatwoot","openedAt":"${at}","severity":"P3"} -->\nnot ours`,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      deleted: false,
    });
    w.set("chatwoot", "down", "connection refused");
    await tick();
    const chat = w.latest.incidents["service:chatwoot"]!;
    expect(chat.number).not.toBe(1);
    expect(chat.severity).toBe("P0");
    expect(w.gh.state.issues.get(1)!.state).toBe("open");
    expect(w.commentsOf(1)).toEqual([]);
  });
});

/** No HTML comment (other than our first-line marker), mention, reference, image, link or tag. */
function assertInert(markdown: string): void {
  const rest = markdown
    .replace(/^<!-- hotdash-ops:incident \{[^\n]*\} -->\n/, "")
    .replace(/<!-- hotdash-ops:event \{[^\n]*\} -->/g, "");
  expect(rest).not.toContain("<!--");
  expect(rest).not.toMatch(/<(img|!channel|@U42|https?:)/i);
  expect(rest).not.toMatch(/(^|[^\w\u200D])@(octocat|hotdash)/);
  expect(rest).not.toMatch(/(^|\s)#1\b/);
  expect(rest).not.toMatch(/!?\[(x|docs)\]\(/);
  expect(rest).not.toMatch(/https?:\/\//);
}
