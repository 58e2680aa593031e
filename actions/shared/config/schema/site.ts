import { z } from "zod";

/**
 * `site:`: the static status site `ops site` builds for GitHub Pages (docs/site.md). Every field is
 * optional; with no `site:` block the site shows every service of every environment.
 */
export const Site = z
  .strictObject({
    title: z
      .string()
      .min(1)
      .optional()
      .describe("Heading and page title of the site; default: the config's top-level `title`."),
    baseUrl: z
      .string()
      .url()
      .regex(/^https?:\/\//, { message: "an http(s) URL" })
      .optional()
      .describe(
        "Public URL the site is served from, e.g. https://hotdash.github.io/ops/. Makes the feed links absolute and adds a link to the site in STATUS.md.",
      ),
    logo: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Logo shown beside the title: an https URL, or a path inside the built site (copy the file there yourself).",
      ),
    services: z
      .array(z.string())
      .optional()
      .describe("Ids of the services (and groups) shown on the site, in this order; default: all of them."),
    environments: z
      .array(z.string())
      .optional()
      .describe("Environments shown on the site, e.g. [production, shared]; default: all of them."),
  })
  .describe(
    "The static status site built by `ops site` (see docs/site.md). Default: every service of every environment.",
  );

export type SiteConfig = z.output<typeof Site>;
