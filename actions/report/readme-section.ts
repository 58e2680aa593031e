/**
 * The README's live status section lives between these markers; everything outside them is the
 * humans' and is returned byte for byte.
 */
export const README_START = "<!-- status:start -->";
export const README_END = "<!-- status:end -->";

/**
 * Replaces what lies between the markers with `table`. Text without both markers (in that order)
 * comes back unchanged: the caller decides whether that deserves a warning.
 */
export function updateReadmeSection(readmeText: string, table: string): string {
  const start = readmeText.indexOf(README_START);
  if (start === -1) return readmeText;
  const end = readmeText.indexOf(README_END, start + README_START.length);
  if (end === -1) return readmeText;
  const body = table.trim();
  return `${readmeText.slice(0, start + README_START.length)}\n${body}\n${readmeText.slice(end)}`;
}

export function hasReadmeMarkers(readmeText: string): boolean {
  const start = readmeText.indexOf(README_START);
  return start !== -1 && readmeText.indexOf(README_END, start) !== -1;
}
