/**
 * Every time-dependent rule takes its time from a Clock, so a test (or `ops --now`) can replay a
 * sequence of runs deterministically.
 */
export interface Clock {
  now(): Date;
  /** Waits `ms` of this clock's time. Resolves early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => realSleep(ms, signal),
};

/** A clock that starts at `start` and then advances with real time (what `--now` uses). */
export function offsetClock(start: Date, base: Clock = systemClock): Clock {
  const offset = start.getTime() - base.now().getTime();
  return {
    now: () => new Date(base.now().getTime() + offset),
    sleep: (ms, signal) => base.sleep(ms, signal),
  };
}

/** A clock that only moves when told to; `sleep` advances it at once. For tests and replays. */
export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function manualClock(start: Date | string): ManualClock {
  let t = new Date(start).getTime();
  if (Number.isNaN(t)) throw new Error(`manualClock: "${String(start)}" is not a date`);
  return {
    now: () => new Date(t),
    sleep: async (ms) => {
      t += Math.max(0, ms);
    },
    set: (at) => {
      t = new Date(at).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
