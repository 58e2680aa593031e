/**
 * Fault injection for the GitHub emulator: the failures a run meets in real life.
 * - "error": a 5xx answer.
 * - "secondary-limit": GitHub's 403 secondary rate limit with Retry-After.
 * - "slow": the answer comes late (a client timeout shorter than `delayMs` gives up first).
 * `phase: "after"` performs the operation, then loses the answer — the hard case for idempotency.
 */
export interface FaultAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Fault {
  kind: "error" | "secondary-limit" | "slow";
  /** An OpenAPI operationId ("issues/create") or an HTTP method ("POST"); omitted = any request. */
  match?: string;
  /** How many matching requests it hits. */
  times: number;
  /** Matching requests to let through before it starts hitting. */
  skip: number;
  phase: "before" | "after";
  delayMs?: number;
  answer?: FaultAnswer;
}

export interface FaultSpec {
  match?: string;
  times?: number;
  skip?: number;
  phase?: "before" | "after";
}

export interface Faults {
  error(spec?: FaultSpec & { status?: number }): void;
  secondaryLimit(spec?: FaultSpec & { retryAfter?: number }): void;
  slow(spec: FaultSpec & { delayMs: number }): void;
  /** Removes and returns the first fault matching this request, if any. */
  take(operationId: string, method: string): Fault | undefined;
  pending(): number;
  clear(): void;
}

export function createFaults(): Faults {
  const list: Fault[] = [];
  const add = (f: Fault) => list.push(f);
  return {
    error: ({ match, times = 1, skip = 0, phase = "before", status = 500 } = {}) =>
      add({ kind: "error", match, times, skip, phase, answer: { status, body: { message: "Server Error" } } }),
    secondaryLimit: ({ match, times = 1, skip = 0, phase = "before", retryAfter = 60 } = {}) =>
      add({
        kind: "secondary-limit",
        match,
        times,
        skip,
        phase,
        answer: {
          status: 403,
          headers: { "retry-after": String(retryAfter) },
          body: {
            message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            documentation_url:
              "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          },
        },
      }),
    slow: ({ match, times = 1, skip = 0, phase = "before", delayMs }) =>
      add({ kind: "slow", match, times, skip, phase, delayMs }),
    take(operationId, method) {
      const i = list.findIndex((f) => f.match === undefined || f.match === operationId || f.match === method);
      if (i < 0) return undefined;
      const fault = list[i]!;
      if (fault.skip > 0) {
        fault.skip--;
        return undefined;
      }
      if (--fault.times <= 0) list.splice(i, 1);
      return fault;
    },
    pending: () => list.reduce((n, f) => n + f.times, 0),
    clear: () => void list.splice(0),
  };
}
