/**
 * Field names of the Fly Machines API as published in its OpenAPI 3 description
 * (https://docs.machines.dev/openapi.json, mirrored in superfly/fly-openapi-sdk `go/api/openapi.yaml`),
 * transcribed for the schemas and operations the rollback uses. The emulator and the client are
 * both checked against these lists (test/rollback/machines-contract.test.ts), so neither can drift
 * into field names Fly does not use.
 *
 * One documented deviation: the OpenAPI types the lease endpoints' answer as a bare `Lease`, but
 * the live API (and Fly's own Go client, fly-go `MachineLease`) wraps it as
 * `{ status, data: Lease, message?, code? }`. The emulator answers with the envelope; the client
 * accepts both shapes.
 */

export const BASE_PATH = "/v1";

/** Operations the rollback calls: method, path template, OpenAPI operationId. */
export const OPERATIONS = [
  { method: "GET", path: "/apps/{app_name}/machines", operationId: "Machines_list" },
  { method: "GET", path: "/apps/{app_name}/machines/{machine_id}", operationId: "Machines_show" },
  { method: "POST", path: "/apps/{app_name}/machines/{machine_id}", operationId: "Machines_update" },
  { method: "GET", path: "/apps/{app_name}/machines/{machine_id}/lease", operationId: "Machines_show_lease" },
  { method: "POST", path: "/apps/{app_name}/machines/{machine_id}/lease", operationId: "Machines_create_lease" },
  { method: "DELETE", path: "/apps/{app_name}/machines/{machine_id}/lease", operationId: "Machines_release_lease" },
  { method: "GET", path: "/apps/{app_name}/machines/{machine_id}/wait", operationId: "Machines_wait" },
  { method: "GET", path: "/apps/{app_name}/machines/{machine_id}/versions", operationId: "Machines_list_versions" },
] as const;

/** `components.schemas.Machine.properties` */
export const MACHINE_FIELDS = [
  "checks",
  "config",
  "created_at",
  "events",
  "host_status",
  "id",
  "image_ref",
  "instance_id",
  "name",
  "nonce",
  "private_ip",
  "region",
  "state",
  "updated_at",
] as const;

/**
 * `Machine.host_status`: the health of the host the machine runs on, as Fly's Go client types it
 * (fly-go `HostStatus`: `HostStatusOk`, `HostStatusUnknown`, `HostStatusUnreachable`; flyctl skips
 * machines whose host is unreachable when it deploys).
 */
export const HOST_STATUSES = ["ok", "unknown", "unreachable"] as const;

/**
 * Machine states (https://fly.io/docs/machines/machine-states/): persistent, transitional, and the
 * ones after a failure. `launch_failed` is the state of a machine whose creation or start failed.
 */
export const MACHINE_STATES = [
  "created",
  "starting",
  "started",
  "stopping",
  "stopped",
  "suspending",
  "suspended",
  "replacing",
  "updating",
  "destroying",
  "destroyed",
  "failed",
  "launch_failed",
] as const;

/** `components.schemas.CheckStatus.properties` */
export const CHECK_STATUS_FIELDS = ["name", "output", "status", "updated_at"] as const;

/** `components.schemas.ImageRef.properties` */
export const IMAGE_REF_FIELDS = ["digest", "labels", "registry", "repository", "tag"] as const;

/** `components.schemas.MachineVersion.properties` */
export const MACHINE_VERSION_FIELDS = ["user_config", "version"] as const;

/** `components.schemas.Lease.properties` (inside the live API's `data` envelope). */
export const LEASE_FIELDS = ["description", "expires_at", "nonce", "owner"] as const;

/** `components.schemas.CreateLeaseRequest.properties` */
export const CREATE_LEASE_REQUEST_FIELDS = ["description", "ttl"] as const;

/** `components.schemas.UpdateMachineRequest.properties` */
export const UPDATE_MACHINE_REQUEST_FIELDS = [
  "config",
  "current_version",
  "lease_ttl",
  "lsvd",
  "name",
  "region",
  "skip_launch",
  "skip_service_registration",
] as const;

/** `components.schemas["api.MachineConfig"].properties` */
export const MACHINE_CONFIG_FIELDS = [
  "auto_destroy",
  "checks",
  "disable_machine_autostart",
  "dns",
  "env",
  "files",
  "guest",
  "host_dedication_id",
  "image",
  "init",
  "metadata",
  "metrics",
  "mounts",
  "processes",
  "restart",
  "schedule",
  "services",
  "size",
  "standbys",
  "statics",
  "stop_config",
] as const;

/** `components.schemas.ErrorResponse.properties` */
export const ERROR_RESPONSE_FIELDS = ["details", "error", "status"] as const;

/** `Machines_wait` query parameters; `timeout` is in seconds ("default 60s"). */
export const WAIT_QUERY = ["instance_id", "timeout", "state"] as const;
export const WAIT_STATES = ["started", "stopped", "destroyed"] as const;

/** Header carrying a lease's nonce on mutating calls (fly-go `flaps.NonceHeader`). */
export const LEASE_NONCE_HEADER = "fly-machine-lease-nonce";

/** Metadata keys flyctl writes on every machine of a Fly Launch app. */
export const RELEASE_METADATA = {
  version: "fly_release_version",
  id: "fly_release_id",
  group: "fly_process_group",
} as const;
