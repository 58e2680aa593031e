/**
 * `dns` probe: asks one resolver (or the runner's) for one record type and checks the answer.
 * NXDOMAIN, SERVFAIL, REFUSED and "no records of that type" are typed `dns` failures with the
 * response code; the answer time is the sample's `timings.total` (and `dns`).
 */
import { Resolver } from "node:dns/promises";
import { performance } from "node:perf_hooks";
import type { DnsProbeConfig } from "../config/schema/index.ts";
import { errorCode, errorMessage } from "./net-error.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";

/** c-ares error codes as the DNS response codes (RFC 1035 §4.1.1) an operator knows. */
const RCODES: Record<string, string> = {
  ENOTFOUND: "NXDOMAIN",
  ESERVFAIL: "SERVFAIL",
  EREFUSED: "REFUSED",
  ENODATA: "NODATA",
  EFORMERR: "FORMERR",
  ENOTIMP: "NOTIMP",
  EBADRESP: "BADRESP",
  ECONNREFUSED: "CONNREFUSED",
};

export const dnsKind: ProbeKind<DnsProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const start = performance.now();
  const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
  // One try, the sample's whole timeout: c-ares would otherwise retry and double the wait.
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(opts.timeoutMs)), tries: 1 });
  if (probe.resolver) resolver.setServers([probe.resolver]);
  const onCancel = () => resolver.cancel();
  opts.signal?.addEventListener("abort", onCancel, { once: true });
  const timer = setTimeout(onCancel, opts.timeoutMs);

  const sample = (rest: Omit<Sample, "at" | "timings">): Sample => {
    const total = elapsed();
    return { at, timings: { dns: total, total }, ...rest };
  };
  try {
    const values = await query(resolver, probe);
    const missing = probe.expect.filter((v) => !values.some((got) => same(got, v, probe.record)));
    if (missing.length) {
      return sample({
        ok: false,
        failure: {
          kind: "assertion",
          assertion: `${probe.record} ${probe.name} includes`,
          expected: probe.expect.join(", "),
          found: [...values].sort().join(", ") || "no records",
        },
      });
    }
    return sample({ ok: true });
  } catch (error) {
    const afterMs = elapsed();
    return {
      at,
      timings: { total: afterMs },
      ok: false,
      failure: dnsFailure(error, probe, afterMs, opts.signal?.aborted ?? false),
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onCancel);
  }
};

async function query(resolver: Resolver, probe: DnsProbeConfig): Promise<string[]> {
  switch (probe.record) {
    case "A":
      return resolver.resolve4(probe.name);
    case "AAAA":
      return resolver.resolve6(probe.name);
    case "CNAME":
      return resolver.resolveCname(probe.name);
    case "TXT":
      // A TXT record is a list of strings of at most 255 bytes each; one record reads as their concatenation.
      return (await resolver.resolveTxt(probe.name)).map((parts) => parts.join(""));
  }
}

/** Names compare without case and without a trailing dot; addresses and TXT exactly (IPv6 canonical). */
function same(got: string, wanted: string, record: DnsProbeConfig["record"]): boolean {
  if (record === "CNAME") return got.replace(/\.$/, "").toLowerCase() === wanted.replace(/\.$/, "").toLowerCase();
  if (record === "AAAA") return got.toLowerCase() === wanted.toLowerCase();
  return got === wanted;
}

export function dnsFailure(error: unknown, probe: DnsProbeConfig, afterMs: number, cancelled: boolean): Failure {
  const code = errorCode(error);
  if (code === "ETIMEOUT" || (code === "ECANCELLED" && !cancelled)) return { kind: "timeout", phase: "dns", afterMs };
  if (code === "ECANCELLED") return { kind: "network", code: "ABORTED", detail: "the run was cancelled" };
  const rcode = code ? RCODES[code] : undefined;
  if (rcode === "CONNREFUSED") return { kind: "refused", address: probe.resolver ?? "the system resolver" };
  if (rcode)
    return {
      kind: "dns",
      code: rcode,
      host: `${probe.name} (${probe.record}${probe.resolver ? ` @${probe.resolver}` : ""})`,
    };
  return { kind: "network", code: code ?? "UNKNOWN", detail: errorMessage(error) };
}
