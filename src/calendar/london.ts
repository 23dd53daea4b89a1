/**
 * @module
 * Moments as the clock in England read them. Lantern keeps times in UTC (ISO strings); papers
 * and pages for an English committee show them in UK time, labelled, since a bare UTC time is
 * an hour out all summer and a date cut from it can be the day before (a load at 00:30 BST on
 * 2 July is 23:30 UTC on 1 July).
 */

const LONDON = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
});

function parts(iso: string): Record<string, string> | undefined {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return Object.fromEntries(LONDON.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
}

/** "2025-07-02 00:30 UK time (BST)"; a string that is not a moment is given back as it is. */
export function londonTime(iso: string): string {
  const p = parts(iso);
  return p ? `${p["year"]}-${p["month"]}-${p["day"]} ${p["hour"]}:${p["minute"]} UK time (${p["timeZoneName"]})` : iso;
}

/** The day in England, "2025-07-02"; a string that is not a moment gives its first ten characters. */
export function londonDate(iso: string): string {
  const p = parts(iso);
  return p ? `${p["year"]}-${p["month"]}-${p["day"]}` : iso.slice(0, 10);
}
