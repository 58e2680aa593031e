import { describe, expect, it } from "vitest";
import { backoffDelay, classifyPushFailure } from "./push-errors.ts";

describe("classifyPushFailure", () => {
  it("sees a race with another writer as 'behind'", () => {
    const stderr = " ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs to 'origin'";
    expect(classifyPushFailure(stderr).kind).toBe("behind");
    expect(classifyPushFailure(" ! [rejected] HEAD -> main (non-fast-forward)").kind).toBe("behind");
  });

  it("gives a fix for permission and protection refusals, which no retry heals", () => {
    const denied = classifyPushFailure(
      "remote: Permission to acme/ops.git denied to github-actions[bot].\nfatal: unable to access: The requested URL returned error: 403",
    );
    expect(denied).toMatchObject({ kind: "permanent", hint: expect.stringContaining("contents: write") });
    const protectedBranch = classifyPushFailure(
      "remote: error: GH006: Protected branch update failed for refs/heads/main.",
    );
    expect(protectedBranch).toMatchObject({ kind: "permanent", hint: expect.stringContaining("branch protection") });
  });

  it("retries network trouble", () => {
    expect(
      classifyPushFailure("fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com").kind,
    ).toBe("transient");
    expect(classifyPushFailure("error: RPC failed; HTTP 502 curl 22 The requested URL returned error: 502").kind).toBe(
      "transient",
    );
  });
});

describe("backoffDelay", () => {
  it("doubles per attempt up to the cap, with jitter in the upper half", () => {
    expect(backoffDelay(1, 1000, 15_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 15_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 15_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(10, 1000, 15_000, () => 1)).toBe(15_000);
  });
});
