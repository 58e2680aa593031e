import { readFile } from "node:fs/promises";
import { z } from "zod";

/**
 * The `issue_comment` event payload, as the workflow hands it over in $GITHUB_EVENT_PATH: the
 * comment's text reaches the code only through this file, never through a shell. Parsed once, at
 * the edge; only the fields used are kept.
 */
const User = z.object({ login: z.string().min(1), type: z.string().default("User") });

export const CommentEvent = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number().int().positive(),
    body: z
      .string()
      .nullable()
      .transform((b) => b ?? ""),
    user: User,
    created_at: z.string(),
  }),
  issue: z.object({
    number: z.number().int().positive(),
    state: z.enum(["open", "closed"]),
    body: z
      .string()
      .nullable()
      .transform((b) => b ?? ""),
    labels: z
      .array(z.union([z.string(), z.object({ name: z.string() })]))
      .transform((ls) => ls.map((l) => (typeof l === "string" ? l : l.name))),
    pull_request: z.unknown().optional(),
    html_url: z.string().optional(),
  }),
  repository: z.object({
    full_name: z.string(),
    default_branch: z.string().default("main"),
    html_url: z.string().optional(),
  }),
});

export type CommentEvent = z.output<typeof CommentEvent>;

/** Reads and checks the event file; the error names the file and the field that is wrong. */
export async function readCommentEvent(file: string): Promise<CommentEvent> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(
      `cannot read the event file ${file}: ${(error as Error).message}; run on an issue_comment event (GITHUB_EVENT_PATH) or pass --event FILE`,
      { cause: error },
    );
  }
  const parsed = CommentEvent.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`${file} is not an issue_comment event: ${first.path.join(".") || "(root)"}: ${first.message}`);
  }
  return parsed.data;
}
