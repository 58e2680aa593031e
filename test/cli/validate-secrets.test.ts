import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { main } from "../../scripts/cli/main.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

it("ops validate refuses a secret too short to be hidden, naming it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "validate-"));
  dirs.push(dir);
  await writeFile(
    join(dir, "ops.config.yml"),
    'services:\n  - id: api\n    name: API\n    probe: { type: http, url: "https://api.example.test/", headers: { x-key: "${TINY}" } }\n',
  );
  const run = async (env: Record<string, string>) => {
    let err = "";
    const code = await main(["validate"], { env, cwd: dir, io: { out: () => {}, err: (t) => void (err += t) } });
    return { code, err };
  };
  const short = await run({ TINY: "ab" });
  expect(short.code).toBe(2);
  expect(short.err).toMatch(
    /secret TINY \(shorter than 4 characters, which cannot be hidden in output; set a longer value\)/,
  );
  expect((await run({ TINY: "abcd" })).code).toBe(0);
  expect((await run({})).code).toBe(0);
});
