/**
 * A counting semaphore: at most `max` tasks run at once, the rest wait in FIFO order. The engine
 * holds a slot per request, not per service, so sample spacing and confirmation backoff never
 * keep other services waiting.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new Error(`concurrency must be a whole number ≥ 1, got ${max}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) {
      active++;
      next();
    }
  };
  return {
    async run(task) {
      if (active < max) active++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** No limit: for probing one service on its own (rollback verification). */
export const unlimited: Limiter = { run: (task) => task() };
