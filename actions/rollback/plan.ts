/**
 * Deciding, not doing: validates the target, resolves it against the machines' current state
 * and version history, and orders the machines to roll. Pure functions of their arguments.
 */
import { InputError } from "./inputs.ts";
import { releaseVersionOf, type FlyMachine, type FlyMachineVersion } from "./fly.ts";

export type TargetSpec = { kind: "previous" } | { kind: "release"; version: number } | { kind: "image"; ref: string };

const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
/** Docker's reference grammar (distribution/reference), requiring a tag or a digest. */
const IMAGE_REF = new RegExp(
  String.raw`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$`,
);
const RELEASE = /^v?([1-9]\d{0,8})$/;

export function parseFlyTarget(target: string | undefined): TargetSpec {
  if (target === undefined) return { kind: "previous" };
  const release = RELEASE.exec(target);
  if (release) return { kind: "release", version: Number(release[1]) };
  const image = IMAGE_REF.exec(target);
  if (image && (image.groups?.tag || image.groups?.digest)) return { kind: "image", ref: target };
  const why = image
    ? "an image needs an explicit tag or digest (a rollback to an implied :latest is ambiguous)"
    : "expected a release version (v42 or 42) or an image reference (registry.fly.io/app:deployment-01H… or name@sha256:<64 hex>)";
  throw new InputError([`input "target": "${target}" is not valid: ${why}`]);
}

export interface ResolvedTarget {
  image: string;
  releaseVersion?: number;
  /** How the image was chosen, for the plan and the record. */
  source: string;
}

/**
 * "release v42" for a release target (its source says it already), "previous distinct image,
 * release v42", "given image": how the target was chosen, each fact once.
 */
export function describeTarget(target: { source: string; releaseVersion?: number }): string {
  const release = target.releaseVersion === undefined ? undefined : `release v${target.releaseVersion}`;
  return release && !target.source.includes(release) ? `${target.source}, ${release}` : target.source;
}

/** Machines that are not part of the app's serving fleet (flyctl's release-command and console machines). */
const EPHEMERAL_GROUPS = new Set(["fly_app_release_command", "fly_app_console"]);

export function servingMachines(machines: FlyMachine[]): FlyMachine[] {
  return machines.filter(
    (m) =>
      !["destroyed", "destroying"].includes(m.state) &&
      !EPHEMERAL_GROUPS.has(m.config.metadata?.fly_process_group ?? ""),
  );
}

/**
 * Resolves the target image. `versions` holds each machine's versions (any order); Fly's version
 * ids are ULIDs, so sorting them as strings orders them in time.
 */
export function resolveFlyTarget(
  spec: TargetSpec,
  machines: FlyMachine[],
  versions: FlyMachineVersion[][],
): ResolvedTarget {
  if (spec.kind === "image") return { image: spec.ref, source: "given image" };
  const history = versions.flat().sort((a, b) => (a.version < b.version ? 1 : a.version > b.version ? -1 : 0));

  if (spec.kind === "release") {
    const hit = history.find((v) => releaseVersionOf(v.user_config) === spec.version);
    if (!hit) {
      const known = [
        ...new Set(history.map((v) => releaseVersionOf(v.user_config)).filter((v) => v !== undefined)),
      ].sort((a, b) => a - b);
      throw new InputError([
        `input "target": release v${spec.version} is not in the machines' version history (known: ${known.map((v) => `v${v}`).join(", ") || "none"}); give an image reference instead`,
      ]);
    }
    return { image: hit.user_config.image, releaseVersion: spec.version, source: `release v${spec.version}` };
  }

  const current = currentImage(machines, history);
  const previous = history.find((v) => v.user_config.image !== current);
  if (!previous) {
    throw new InputError([
      `input "target": no previous image found; every version of the machines runs ${current}. Give a target (a release version or an image reference)`,
    ]);
  }
  const releaseVersion = releaseVersionOf(previous.user_config);
  return {
    image: previous.user_config.image,
    ...(releaseVersion !== undefined ? { releaseVersion } : {}),
    source: "previous distinct image",
  };
}

/** The image of the newest version a machine currently runs. */
function currentImage(machines: FlyMachine[], history: FlyMachineVersion[]): string {
  const live = new Set(machines.map((m) => m.instance_id));
  const newest = history.find((v) => live.has(v.version));
  return newest?.user_config.image ?? machines[0]?.config.image ?? "";
}

export interface PlanStep {
  machineId: string;
  name: string;
  region: string;
  state: string;
  fromImage: string;
  fromRelease?: number;
  toImage: string;
}

export interface FlyPlan {
  app: string;
  target: ResolvedTarget;
  /** Machines to update, in order. */
  steps: PlanStep[];
  /** Machines that already run the target image and are left alone. */
  unchanged: PlanStep[];
  /** Distinct images the machines run now. */
  fromImages: string[];
  warnings: string[];
}

export function planFlyRollback(app: string, machines: FlyMachine[], target: ResolvedTarget): FlyPlan {
  const serving = servingMachines(machines).sort(
    (a, b) => a.region.localeCompare(b.region) || a.id.localeCompare(b.id),
  );
  if (serving.length === 0)
    throw new Error(`Fly app ${app} has no serving machines to roll back; check rollback.app in ops.config.yml`);
  const all = serving.map((m): PlanStep => {
    const fromRelease = releaseVersionOf(m.config);
    return {
      machineId: m.id,
      name: m.name,
      region: m.region,
      state: m.state,
      fromImage: m.config.image,
      ...(fromRelease !== undefined ? { fromRelease } : {}),
      toImage: target.image,
    };
  });
  const fromImages = [...new Set(all.map((s) => s.fromImage))];
  const warnings: string[] = [];
  if (fromImages.length > 1)
    warnings.push(
      `the machines run ${fromImages.length} different images now (${fromImages.join(", ")}): a split state from an earlier deploy or rollback`,
    );
  const stopped = all.filter((s) => s.state !== "started");
  if (stopped.length) warnings.push(`not started now: ${stopped.map((s) => `${s.machineId} (${s.state})`).join(", ")}`);
  return {
    app,
    target,
    steps: all.filter((s) => s.fromImage !== target.image),
    unchanged: all.filter((s) => s.fromImage === target.image),
    fromImages,
    warnings,
  };
}

export function describePlan(plan: FlyPlan): string[] {
  const lines = [
    `Fly app ${plan.app}: roll ${plan.steps.length} machine(s) to ${plan.target.image} (${describeTarget(plan.target)}), one at a time:`,
    ...plan.steps.map(
      (s, i) => `  ${i + 1}. ${s.machineId} (${s.name}, ${s.region}, ${s.state}): ${s.fromImage} → ${s.toImage}`,
    ),
  ];
  if (plan.unchanged.length)
    lines.push(`  already on the target, left alone: ${plan.unchanged.map((s) => s.machineId).join(", ")}`);
  for (const w of plan.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
