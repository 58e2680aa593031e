import type { MachineSpec } from "../../emulators/machines/fleet.ts";

export const APP = "hotdash-agent-service";
export const IMG = (n: number) => `registry.fly.io/${APP}:deployment-0${n}`;

/** Three machines on release 43, with releases 41 and 42 in their history. */
export function threeMachines(overrides: Record<string, Partial<MachineSpec>> = {}): MachineSpec[] {
  const history = [
    { image: IMG(41), releaseVersion: 41 },
    { image: IMG(42), releaseVersion: 42 },
  ];
  return [
    { id: "m1", region: "iad", image: IMG(43), releaseVersion: 43, history, ...overrides.m1 },
    { id: "m2", region: "iad", image: IMG(43), releaseVersion: 43, history, ...overrides.m2 },
    { id: "m3", region: "lhr", image: IMG(43), releaseVersion: 43, history, ...overrides.m3 },
  ];
}
