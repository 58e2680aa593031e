import type { IncidentsConfig } from "../shared/config/schema/incidents.ts";
import type { Redactor } from "../shared/config/secrets.ts";
import type { Issue, IssueComment, IssuesApi } from "../shared/github/types.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { commentMarker, isManagedLabel, issueMarker, renderIncident } from "./content.ts";
import type { Plan, Step } from "./lifecycle.ts";
import { openByKey } from "./reconcile.ts";
import { recordPath, renderRecord } from "./records.ts";
import type { IncidentTemplate } from "./template.ts";

/**
 * Doing, apart from deciding: carries out one plan's steps against GitHub, idempotently. An issue
 * is found by its hidden marker before one is created; a comment by its id before it is posted;
 * a create that races another run converges on the lowest-numbered issue.
 */
export interface Operation {
  key: string;
  op: "create" | "adopt" | "reopen" | "comment" | "update" | "assign" | "close" | "close-duplicate" | "record";
  issue?: number;
  detail: string;
}

export interface TrackerContext {
  github: IssuesApi;
  template: IncidentTemplate;
  config: IncidentsConfig;
  redactor: Redactor;
  /** Open issues by key, as listed at the start of the run (kept current by the tracker). */
  open: Map<string, Issue[]>;
  operations: Operation[];
  writeRecord(relPath: string, content: string): Promise<void>;
  /** Comments the run listed already, by issue number (readSignals): not listed again. */
  comments?: ReadonlyMap<number, IssueComment[]>;
}

export interface Carried {
  state: IncidentState;
  /** Notification steps due now (not sent before for this incident). */
  notify: Array<Extract<Step, { do: "notify" }>>;
  error?: Error;
}

export async function carryOut(plan: Plan, ctx: TrackerContext): Promise<Carried> {
  const cur: IncidentState = structuredClone(plan.next);
  const notify: Carried["notify"] = [];
  let lostRace = false;
  let reopened = false;
  let body: string | undefined;
  let comments: string[] | undefined;
  let seenOpen: boolean | undefined;
  const { github, redactor } = ctx;
  const op = (o: Omit<Operation, "key">) => ctx.operations.push({ key: plan.key, ...o });
  const number = () => {
    if (cur.number === undefined)
      throw new Error(`${plan.key}: no issue to act on (the create did not happen); the next run retries`);
    return cur.number;
  };

  try {
    for (const step of plan.steps) {
      switch (step.do) {
        case "ensure-issue": {
          const found = ctx.open.get(plan.key)?.[0];
          const issue = found ?? (await create());
          adoptMarker(issue);
          body = issue.body;
          if (found) op({ op: "adopt", issue: issue.number, detail: "found by marker" });
          break;
        }
        case "reopen": {
          const issue = await github.updateIssue(number(), { state: "open", stateReason: "reopened" });
          reopened = true;
          body = issue.body;
          ctx.open.set(plan.key, [issue]);
          op({ op: "reopen", issue: issue.number, detail: "failing again within the flap window" });
          break;
        }
        case "comment": {
          const n = number();
          comments ??= (ctx.comments?.get(n) ?? (await github.listComments(n))).map((c) => c.body);
          if (comments.some((c) => c.includes(commentMarker(plan.key, step.id)))) break;
          const text = redactor.scrub(`${step.text}\n\n${commentMarker(plan.key, step.id)}`);
          await github.createComment(n, text);
          comments.push(text);
          op({ op: "comment", issue: n, detail: step.id });
          break;
        }
        case "sync-issue": {
          const n = number();
          const issue = await github.getIssue(n);
          if (!issue) throw new Error(`${plan.key}: issue #${n} disappeared during the run; the next run reconciles`);
          seenOpen = issue.state === "open";
          const r = renderIncident(ctx.template, cur, plan.subject, issue.body);
          const labels = [
            ...new Set([
              ...issue.labels.filter((l) => !isManagedLabel(l)),
              ...ctx.config.labels,
              ...r.labels.filter(isManagedLabel),
            ]),
          ];
          const newBody = redactor.scrub(r.body);
          body = newBody;
          if (issue.title !== r.title || issue.body !== newBody || !sameSet(issue.labels, labels)) {
            await github.updateIssue(n, { title: redactor.scrub(r.title), body: newBody, labels });
            op({ op: "update", issue: n, detail: "title, body and labels" });
          }
          break;
        }
        case "assign":
          await github.addAssignees(number(), step.logins);
          op({ op: "assign", issue: number(), detail: step.logins.join(", ") });
          break;
        case "close": {
          const n = number();
          // The body sync just read the issue; otherwise read it, so a closed issue is left alone.
          const open = seenOpen ?? (await github.getIssue(n))?.state === "open";
          if (open) {
            await github.updateIssue(n, { state: "closed", stateReason: "completed" });
            op({ op: "close", issue: n, detail: "completed" });
          }
          ctx.open.delete(plan.key);
          break;
        }
        case "record": {
          // Never from the template's placeholders: what humans wrote is in the issue's body.
          if (body === undefined && cur.number !== undefined) {
            const issue = await github.getIssue(cur.number);
            if (!issue)
              throw new Error(
                `${plan.key}: issue #${cur.number} could not be read, so ${cur.record ?? "the record"} was left as it was; the next run retries`,
              );
            body = issue.body;
          }
          cur.record ??= recordPath(cur, plan.subject);
          await ctx.writeRecord(cur.record, redactor.scrub(renderRecord(ctx.template, cur, plan.subject, body)));
          op({ op: "record", issue: cur.number, detail: cur.record });
          break;
        }
        case "notify": {
          // Sent once per event: a run that failed before this point notified nothing, so the run
          // that finishes the steps sends it. A run that lost a create race leaves it to the winner.
          const id = step.event === "open" && !reopened ? `open-${cur.openedAt}` : step.id;
          if (!lostRace && !cur.notified.includes(id)) {
            notify.push({ ...step, id });
            cur.notified = [...cur.notified, id];
          }
          break;
        }
      }
    }
    return { state: cur, notify };
  } catch (error) {
    return { state: cur, notify, error: error instanceof Error ? error : new Error(String(error)) };
  }

  async function create(): Promise<Issue> {
    const r = renderIncident(ctx.template, cur, plan.subject);
    const labels = [...new Set([...ctx.config.labels, ...r.labels])];
    const mine = await github.createIssue({ title: redactor.scrub(r.title), body: redactor.scrub(r.body), labels });
    op({ op: "create", issue: mine.number, detail: r.title });
    // GitHub has no create-if-absent: two runs at once may both create. Both then converge on the
    // lowest-numbered open issue for the key and close the other as a duplicate.
    const listed =
      openByKey(await github.listIssues({ state: "open", labels: ctx.config.labels.slice(0, 1) })).get(plan.key) ?? [];
    const winner = listed[0] && listed[0].number < mine.number ? listed[0] : mine;
    if (winner !== mine) {
      lostRace = true;
      await closeDuplicate(ctx, plan.key, mine.number, winner.number);
    }
    ctx.open.set(plan.key, [winner]);
    return winner;
  }

  function adoptMarker(issue: Issue) {
    const marker = issueMarker(issue);
    cur.number = issue.number;
    cur.url = issue.url;
    if (marker && marker.openedAt !== cur.openedAt) {
      cur.openedAt = marker.openedAt;
      cur.startedAt = marker.startedAt ?? cur.startedAt;
    }
  }
}

export async function closeDuplicate(ctx: TrackerContext, key: string, close: number, keep: number): Promise<void> {
  const id = `duplicate-of-${keep}`;
  const comments = await ctx.github.listComments(close);
  if (!comments.some((c) => c.body.includes(commentMarker(key, id)))) {
    await ctx.github.createComment(
      close,
      `Duplicate of #${keep} (opened by a concurrent run).\n\n${commentMarker(key, id)}`,
    );
  }
  await ctx.github.updateIssue(close, { state: "closed", stateReason: "not_planned" });
  ctx.operations.push({ key, op: "close-duplicate", issue: close, detail: `duplicate of #${keep}` });
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
