import { request } from "undici";
import type { Failure, ProbeResult } from "./probe/result.ts";

/**
 * The runner's own pre-check. Before any service is blamed, the runner must reach at least one of
 * `config.connectivity.urls` (any HTTP answer counts: we test the network, not those sites). If
 * none answers, the run records every service `unknown` and opens no incidents.
 */
export interface ConnectivityConfig {
  urls: readonly string[];
  timeout: number;
}

export type Reach = (url: string, timeoutMs: number) => Promise<void>;

export interface Connectivity {
  online: boolean;
  /** Why each URL failed (empty when online or when the check is not configured). */
  failures: Array<{ url: string; error: string }>;
  /** The failure to record for every service when offline (feeds the `offline` step input). */
  offline?: Failure;
}

/** Any HTTP status counts; only transport errors and timeouts mean "unreachable". */
export const reachByHttp: Reach = async (url, timeoutMs) => {
  const res = await request(url, {
    method: "HEAD",
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body.dump();
};

/** Checks the URLs concurrently; online as soon as one answers. No URLs configured = online. */
export async function checkConnectivity(config: ConnectivityConfig, reach: Reach = reachByHttp): Promise<Connectivity> {
  if (config.urls.length === 0) return { online: true, failures: [] };
  const failures: Connectivity["failures"] = [];
  const attempts = config.urls.map((url) =>
    reach(url, config.timeout).then(
      () => url,
      (error: unknown) => {
        failures.push({ url, error: message(error) });
        throw error;
      },
    ),
  );
  try {
    await Promise.any(attempts);
    return { online: true, failures: [] };
  } catch {
    // AggregateError: every URL failed; the reasons were collected above.
    const detail = `none of ${config.urls.length} connectivity URL(s) reachable (${failures.map((f) => `${f.url}: ${f.error}`).join("; ")})`;
    return { online: false, failures, offline: { kind: "offline", detail } };
  }
}

/**
 * What an offline run records for each service: an inconclusive result (status `unknown`), so
 * no incident is opened or closed on the runner's account.
 */
export function offlineResults(
  services: ReadonlyArray<{ id: string; probe: { type: string } }>,
  offline: Failure,
  at: Date,
): ProbeResult[] {
  return services.map((s) => ({
    serviceId: s.id,
    type: s.probe.type,
    startedAt: at.toISOString(),
    durationMs: 0,
    attempts: 0,
    samples: [],
    metrics: { successRate: 0, okCount: 0, count: 0, statusCodes: [] },
    inconclusive: offline,
  }));
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
