/** `google-analytics`: the GA4 Data API with a service-account key (OAuth 2 JWT bearer flow). */
import { z } from "zod";
import { SecretString } from "./units.ts";

export const GA_QUOTAS = [
  "tokensPerDay",
  "tokensPerHour",
  "concurrentRequests",
  "serverErrorsPerProjectPerHour",
  "potentiallyThresholdedRequestsPerHour",
  "tokensPerProjectPerHour",
] as const;

export const GoogleAnalyticsProbe = z.strictObject({
  type: z
    .literal("google-analytics")
    .describe(
      "Google Analytics 4: a Data API report for the property, and optionally a quota read as `value` (on-call runbook: GA query success).",
    ),
  property: SecretString.describe("The GA4 property id (digits), e.g. ${GA_PROPERTY_ID}.").meta({
    examples: ["${GA_PROPERTY_ID}", "123456789"],
  }),
  serviceAccount: SecretString.describe(
    "The service account's JSON key, whole, from a secret: ${GA_SERVICE_ACCOUNT_JSON}. Exchanged for an access token (OAuth 2 JWT bearer, RFC 7523) once per run and cached until shortly before it expires.",
  ),
  metric: z
    .string()
    .min(1)
    .default("activeUsers")
    .describe("The metric of the one-row report run as the check (the same kind of query the dashboard runs)."),
  quota: z
    .enum(GA_QUOTAS)
    .optional()
    .describe(
      "Read this property quota (returnPropertyQuota) as `value`: the percentage consumed, consumed / (consumed + remaining). Rate it with thresholds.value.",
    ),
  apiUrl: z.string().url().default("https://analyticsdata.googleapis.com").describe("GA Data API base URL."),
  tokenUrl: z
    .string()
    .url()
    .optional()
    .describe("OAuth 2 token endpoint; default the key's token_uri (https://oauth2.googleapis.com/token)."),
});

export type GoogleAnalyticsProbeConfig = z.output<typeof GoogleAnalyticsProbe>;
