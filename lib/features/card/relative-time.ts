/**
 * When something was played, as a card says it: "just now", "3 min ago", "5 h ago", "yesterday",
 * "4 days ago", "3 weeks ago", "2 months ago". Counted in elapsed time, not calendar days: the
 * card cannot know its viewer's time zone. A time in the future (clocks differ) is "just now".
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function relativeTime(then: number, now: number): string {
  const ago = now - then;
  const count = (unit: number) => Math.floor(ago / unit);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${count(MINUTE)} min ago`;
  if (ago < DAY) return `${count(HOUR)} h ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 14 * DAY) return plural(count(DAY), 'day');
  if (ago < 60 * DAY) return plural(count(7 * DAY), 'week');
  if (ago < 365 * DAY) return plural(count(30 * DAY), 'month');
  return 'over a year ago';
}
