import { NoAnswer } from "./post.ts";

/**
 * How a route's requests are made. A digest route sends one message for all its events; a route
 * that takes one request per event or per key (PagerDuty, a generic webhook) sends them in turn,
 * and after a request that got no answer it tries no more this run: a peer that is down would
 * otherwise cost one timeout per event, and a run with twenty incidents would wait twenty.
 */

/** What became of each item: undefined when delivered, else why not (never a URL or key). */
export type Outcome = string | undefined;

export async function inTurn<T>(items: readonly T[], send: (item: T) => Promise<void>): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let down: string | undefined;
  for (const item of items) {
    if (down !== undefined) {
      out.push(`${down} (not tried again this run)`);
      continue;
    }
    try {
      await send(item);
      out.push(undefined);
    } catch (error) {
      const message = messageOf(error);
      out.push(message);
      if (error instanceof NoAnswer) down = message;
    }
  }
  return out;
}

/** One message for all: the same outcome for every item. */
export async function once(count: number, send: () => Promise<void>): Promise<Outcome[]> {
  let outcome: Outcome;
  try {
    await send();
  } catch (error) {
    outcome = messageOf(error);
  }
  return Array.from({ length: count }, () => outcome);
}

/** A guard over a sender's own timeouts: a peer that accepts and never answers cannot hold the run. */
export function deadline(work: Promise<void>, ms: number, route: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`${route}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
