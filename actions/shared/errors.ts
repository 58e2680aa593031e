/**
 * An error the user can fix, whose message says how. `code` is the exit code a CLI ends with
 * (2: usage or setup, 1: a failed operation); the CLI prints the message alone, without a stack
 * (scripts/cli/context.ts names it ExitError). The shared modules throw it for conditions that are
 * not bugs, such as `ops commit` run outside a git work tree.
 */
export class ActionableError extends Error {
  readonly code: number;
  constructor(code: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ActionableError";
    this.code = code;
  }
}
