import type { Env } from "../../actions/shared/config/secrets.ts";
import type { Progress } from "../../actions/shared/cycle/context.ts";

/**
 * Progress on stderr while the fleet is probed, so a run confirming a failing service is never
 * silent for minutes: in a terminal one live line (done / total, who is being confirmed and until
 * when); in GitHub Actions timestamped lines inside a `::group::`; piped elsewhere, a timestamped
 * line when confirmation starts. stdout keeps the command's output (the table or JSON).
 */
export function cliProgress(io: { err(text: string): void }, env: Env, terminal: boolean, now: () => Date): Progress {
  const actions = env.GITHUB_ACTIONS === "true";
  const stamp = (d: Date) => d.toISOString().slice(11, 19);
  let total = 0;
  let done = 0;
  let began = 0;
  const confirming = new Map<string, Date>();
  const live = () => {
    const who = [...confirming].map(([id, until]) => `${id} until ${stamp(until)}`).join(", ");
    io.err(`\r\u001b[2Kprobing: ${done}/${total} done${who ? ` · confirming ${who}` : ""}`);
  };
  return {
    start(n) {
      total = n;
      began = now().getTime();
      if (actions) io.err(`::group::Probing ${n} service(s)\n[${stamp(now())}] probing ${n} service(s)\n`);
      else if (terminal) live();
    },
    done(id) {
      done++;
      const wasConfirming = confirming.delete(id);
      if (actions && wasConfirming) io.err(`[${stamp(now())}] ${id}: confirmation over (${done}/${total} done)\n`);
      else if (terminal) live();
    },
    confirming(id, until) {
      confirming.set(id, until);
      if (terminal && !actions) return live();
      io.err(
        `[${stamp(now())}] ${id} looks down: re-probing until ${stamp(until)} UTC to confirm (${done}/${total} done)\n`,
      );
    },
    end() {
      const took = ((now().getTime() - began) / 1000).toFixed(1);
      if (actions) io.err(`[${stamp(now())}] probed ${total} service(s) in ${took} s\n::endgroup::\n`);
      else if (terminal) io.err("\r\u001b[2K");
    },
  };
}
