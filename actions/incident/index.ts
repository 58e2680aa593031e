import * as core from "@actions/core";
import { main } from "./main.ts";

try {
  await main();
} catch (e) {
  core.setFailed(e instanceof Error ? e.message : String(e));
}
