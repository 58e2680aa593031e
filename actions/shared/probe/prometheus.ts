/**
 * `prometheus` probe: one PromQL instant query (GET /api/v1/query) against Prometheus or a
 * compatible API such as Fly's managed one (https://api.fly.io/prometheus/<org>), with a bearer
 * token. It returns the value (and the series); thresholds and `for:` are the evaluation's job.
 */
import type { PrometheusProbeConfig } from "../config/schema/index.ts";
import { authFailure, mergeHeaders, openSession, parseJson } from "./api/request.ts";
import type { ProbeKind } from "./kind.ts";
import { readAnswer } from "./prometheus/answer.ts";
import type { Sample } from "./result.ts";

export { describeLabels, worstSeries } from "./prometheus/answer.ts";

export const prometheusKind: ProbeKind<PrometheusProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const session = openSession(opts);
  const done = (rest: Omit<Sample, "at" | "timings">, firstByte?: number): Sample => ({
    at,
    timings: { ...(firstByte !== undefined && { firstByte }), total: session.elapsed() },
    ...rest,
  });
  try {
    let url: URL;
    try {
      url = new URL(`${probe.url.replace(/\/+$/, "")}/api/v1/query`);
    } catch {
      return done({
        ok: false,
        failure: {
          kind: "protocol",
          detail: "probe.url is not a URL; expected the API base, e.g. https://api.fly.io/prometheus/<org>",
        },
      });
    }
    url.searchParams.set("query", probe.query);
    const headers = mergeHeaders({ accept: "application/json" }, probe.headers, {
      authorization: probe.token && `Bearer ${probe.token}`,
    });

    const out = await session.request({ url: url.href, headers });
    if (!out.ok) return done({ ok: false, failure: out.failure });
    const res = out.response;
    const base = { statusCode: res.status };
    const auth = authFailure(res, "Prometheus API");
    if (auth) return done({ ...base, ok: false, failure: auth }, res.firstByteMs);

    // Prometheus answers query errors (400, 422, 503) with a JSON body saying what went wrong.
    const json = parseJson(res.text, "Prometheus answer", opts.redact);
    if ("failure" in json) {
      const failure =
        res.status >= 300 ? { kind: "status" as const, expected: "2xx", found: res.status } : json.failure;
      return done({ ...base, ok: false, failure }, res.firstByteMs);
    }
    const reading = readAnswer(json.value, probe);
    if ("failure" in reading) return done({ ...base, ok: false, failure: reading.failure }, res.firstByteMs);
    return done(
      {
        ...base,
        ok: true,
        ...(reading.value !== undefined && { value: reading.value }),
        ...(reading.series.length > 0 && { series: reading.series }),
      },
      res.firstByteMs,
    );
  } finally {
    await session.close();
  }
};
