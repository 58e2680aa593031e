import { duration } from "../format.ts";
import { phaseLabel } from "./home.ts";
import type { SiteModel } from "./model.ts";

/**
 * Atom, RSS 2.0 and JSON Feed 1.1 of the incidents and their public updates: one entry when an
 * incident starts, one per public update, one when it is resolved, newest first. Links are
 * absolute when `site.baseUrl` is set, relative to the feed otherwise. All text is escaped (and
 * characters XML forbids are dropped): titles and updates come from services and comments.
 */
export const FEED_LIMIT = 100;

export interface FeedEntry {
  id: string;
  title: string;
  /** Relative to the site root. */
  path: string;
  at: number;
  text: string;
}

export function feedEntries(model: SiteModel): FeedEntry[] {
  const entries: FeedEntry[] = [];
  const idOf = (slug: string, what: string) =>
    model.baseUrl ? `${model.baseUrl}incidents/${slug}.html#${what}` : `urn:hotdash-ops:incident:${slug}:${what}`;
  for (const i of model.incidents) {
    const path = `incidents/${i.slug}.html`;
    const sev = i.severity ? `${i.severity} ` : "";
    if (i.startedAt !== undefined) {
      entries.push({
        id: idOf(i.slug, "started"),
        title: `Incident started: ${sev}${i.title}`,
        path,
        at: i.startedAt,
        text: `${i.subject}: incident started${i.severity ? ` (${i.severity})` : ""}.`,
      });
    }
    for (const u of i.updates) {
      entries.push({
        id: idOf(i.slug, `update-${u.commentId}`),
        title: `${phaseLabel(u.phase)}: ${i.title}`,
        path: `${path}#update-${u.commentId}`,
        at: Date.parse(u.at),
        text: u.text,
      });
    }
    if (!i.open && i.endedAt !== undefined) {
      const took = i.startedAt !== undefined ? ` after ${duration(i.endedAt - i.startedAt)}` : "";
      entries.push({
        id: idOf(i.slug, "resolved"),
        title: `Incident resolved: ${i.title}`,
        path,
        at: i.endedAt,
        text: `${i.subject}: resolved${took}.`,
      });
    }
  }
  return entries.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id)).slice(0, FEED_LIMIT);
}

/** XML text: escaped, and without the control characters XML 1.0 forbids. */
export function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** JSON with "<", ">" and "&" as \u escapes: the same data, and inert if a browser ever renders it as HTML. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

function link(model: SiteModel, path: string): string {
  return `${model.baseUrl ?? ""}${path}`;
}

function updatedOf(model: SiteModel, entries: FeedEntry[]): number {
  return entries[0]?.at ?? model.dataAt ?? model.builtAt;
}

export function atomFeed(model: SiteModel): string {
  const entries = feedEntries(model);
  const iso = (t: number) => new Date(t).toISOString();
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `<title>${xml(`${model.title}: incidents`)}</title>`,
    `<id>${xml(model.baseUrl ? `${model.baseUrl}feed.atom` : "urn:hotdash-ops:feed")}</id>`,
    `<link rel="self" type="application/atom+xml" href="${xml(link(model, "feed.atom"))}"/>`,
    `<link rel="alternate" type="text/html" href="${xml(link(model, "index.html"))}"/>`,
    `<updated>${iso(updatedOf(model, entries))}</updated>`,
    `<author><name>${xml(model.title)}</name></author>`,
    ...entries.map(
      (e) =>
        `<entry><title>${xml(e.title)}</title><id>${xml(e.id)}</id><link rel="alternate" type="text/html" href="${xml(link(model, e.path))}"/><updated>${iso(e.at)}</updated><published>${iso(e.at)}</published><summary type="text">${xml(e.text)}</summary></entry>`,
    ),
    `</feed>`,
    "",
  ].join("\n");
}

export function rssFeed(model: SiteModel): string {
  const entries = feedEntries(model);
  const date = (t: number) => new Date(t).toUTCString().replace("GMT", "+0000");
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>`,
    `<title>${xml(`${model.title}: incidents`)}</title>`,
    `<link>${xml(link(model, "index.html"))}</link>`,
    `<description>${xml(`Incidents and public updates of ${model.title}`)}</description>`,
    `<atom:link rel="self" type="application/rss+xml" href="${xml(link(model, "feed.rss"))}"/>`,
    `<lastBuildDate>${date(updatedOf(model, entries))}</lastBuildDate>`,
    ...entries.map(
      (e) =>
        `<item><title>${xml(e.title)}</title><link>${xml(link(model, e.path))}</link><guid isPermaLink="false">${xml(e.id)}</guid><pubDate>${date(e.at)}</pubDate><description>${xml(e.text)}</description></item>`,
    ),
    `</channel></rss>`,
    "",
  ].join("\n");
}

export function jsonFeed(model: SiteModel): string {
  const entries = feedEntries(model);
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: `${model.title}: incidents`,
    ...(model.baseUrl && { home_page_url: `${model.baseUrl}index.html`, feed_url: `${model.baseUrl}feed.json` }),
    description: `Incidents and public updates of ${model.title}`,
    items: entries.map((e) => ({
      id: e.id,
      url: link(model, e.path),
      title: e.title,
      content_text: e.text,
      date_published: new Date(e.at).toISOString(),
    })),
  };
  return `${jsonText(feed)}\n`;
}
