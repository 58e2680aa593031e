/**
 * The one logger every step receives: `info` for progress, `warn` for what someone should look at
 * (a failed step, a skipped file). Entries map it to the console, @actions/core or stderr.
 */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLog: Log = { info: () => {}, warn: () => {} };
