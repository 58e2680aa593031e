import type { Status } from "../status.ts";

/** A status keeps the time it began for as long as it lasts; a change starts it anew at `at`. */
export function sinceOf(previous: { status: Status; since: string } | undefined, status: Status, at: string): string {
  return previous && previous.status === status ? previous.since : at;
}
