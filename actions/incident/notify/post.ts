import { request } from "undici";

/**
 * One JSON POST with a total timeout. The URL is a secret (a webhook) or carries none, but is
 * never put in an error message either way: callers name the route instead.
 */
export async function postJson(url: string, body: unknown, timeoutMs: number, label: string): Promise<void> {
  let status: number;
  let text = "";
  try {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    text = (await res.body.text()).slice(0, 200);
  } catch (error) {
    const why = error instanceof Error ? (error.name === "TimeoutError" || /timeout/i.test(error.message) ? "timed out" : error.name) : "failed";
    throw new Error(`${label}: request ${why}`, { cause: error });
  }
  if (status < 200 || status >= 300) throw new Error(`${label}: answered ${status}${text ? ` (${text.replace(/\s+/g, " ")})` : ""}`);
}
