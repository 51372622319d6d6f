/**
 * The card of /history.svg: the period's plays as bars (one a day, scaled to the busiest; a week
 * a bar when a day's would be thinner than MIN_BAR px; a month a bar for a period over a year, a
 * year a bar when a month's would be too thin), a baseline with the period's first and
 * last dates under it, the total plays and time in the subtitle, a note when the history is not
 * complete, and the period's top three artists as text rows (the history keeps no pictures, so
 * `images` changes nothing here). Nothing collected yet: a message card saying so.
 */
import type { History } from '../../listening/history';
import { localDate, startOfDay } from '../../platform/time';
import { frame, header, HEADER, messageCard, styleOf, textAt } from './draw';
import { lookOf, type Look, type LookOptions } from './look';
import { textWidth, wrapText } from './text-width';

/** The tallest bar, px. */
const CHART = 88;
/** A bar takes this share of its slot; the rest is the gap to the next. */
const BAR_SHARE = 0.75;
/** A day's bar thinner than this (px) is not drawn: the bars become weeks. */
export const MIN_BAR = 1.5;
/** Nor wider than this, when the period has few days. */
const MAX_BAR = 28;
const LEFT = 16;
const NOTE_LINE = 18;
const ARTIST_ROW = 26;
const FOOTER = 32;
const TOP_ARTISTS = 3;

export interface HistoryBar {
  /** The first and last date it counts (the same for a day). */
  from: string;
  to: string;
  plays: number;
  x: number;
  width: number;
  height: number;
}

/** Where the card is drawn from: today and the calendar's time zone, as /history reads them. */
export interface HistoryCalendar {
  today: string;
  timeZone: string;
}

const round = (value: number) => Math.round(value * 100) / 100;
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Minutes as the card says them: "45 min" under an hour, else whole hours ("56 h"). */
export function duration(minutes: number): string {
  return minutes < 60 ? `${minutes} min` : `${Math.round(minutes / 60).toLocaleString('en-US')} h`;
}

/**
 * The bars of `days` across `width` px: one a day, or, when a day's bar would be under MIN_BAR
 * px, one per seven days counted back from the last (the oldest may hold fewer). Heights are
 * shares of CHART, the busiest bar the tallest; a bar with plays is never under MIN_BAR tall.
 */
export function historyBars(days: History['days'], width: number): { unit: 'day' | 'week'; bars: HistoryBar[] } {
  const unit = (width / Math.max(days.length, 1)) * BAR_SHARE < MIN_BAR ? 'week' : 'day';
  const groups: History['days'][] = [];
  if (unit === 'day') groups.push(...days.map((day) => [day]));
  else for (let end = days.length; end > 0; end -= 7) groups.unshift(days.slice(Math.max(0, end - 7), end));
  const slot = width / Math.max(groups.length, 1);
  const barWidth = Math.min(slot * BAR_SHARE, MAX_BAR);
  const plays = groups.map((group) => group.reduce((sum, day) => sum + day.plays, 0));
  const busiest = Math.max(0, ...plays);
  const bars = groups.map((group, index) => {
    const share = busiest ? plays[index]! / busiest : 0;
    return {
      from: group[0]!.date,
      to: group.at(-1)!.date,
      plays: plays[index]!,
      x: round(LEFT + index * slot + (slot - barWidth) / 2),
      width: round(barWidth),
      height: plays[index] ? round(Math.max(share * CHART, MIN_BAR)) : 0,
    };
  });
  return { unit, bars };
}

/** The bars of a long period's `months` across `width` px: one a month, or a year a bar when a month's would be under MIN_BAR px. */
export function monthBars(months: History['months'], width: number): { unit: 'month' | 'year'; bars: HistoryBar[] } {
  const unit = (width / Math.max(months.length, 1)) * BAR_SHARE < MIN_BAR ? 'year' : 'month';
  const groups: History['months'][] = [];
  for (const month of months) {
    const last = groups.at(-1);
    if (unit === 'year' && last && last[0]!.month.slice(0, 4) === month.month.slice(0, 4)) last.push(month);
    else groups.push([month]);
  }
  const slot = width / Math.max(groups.length, 1);
  const barWidth = Math.min(slot * BAR_SHARE, MAX_BAR);
  const plays = groups.map((group) => group.reduce((sum, month) => sum + month.plays, 0));
  const busiest = Math.max(0, ...plays);
  const bars = groups.map((group, index) => ({
    from: `${group[0]!.month}-01`,
    to: `${group.at(-1)!.month}-01`,
    plays: plays[index]!,
    x: round(LEFT + index * slot + (slot - barWidth) / 2),
    width: round(barWidth),
    height: plays[index] ? round(Math.max((plays[index]! / busiest) * CHART, MIN_BAR)) : 0,
  }));
  return { unit, bars };
}

/** What the period is called: "today", "in the last 30 days", "on 2026-11-20", "from … to …". */
function periodWords(history: History, today: string): { words: string; span: string } {
  if (history.by === 'month') {
    const span = count(history.months.length, 'month');
    const first = history.from.slice(0, 7);
    return { words: history.to === today ? `since ${first}` : `from ${first} to ${history.to.slice(0, 7)}`, span };
  }
  const days = Math.round((Date.parse(`${history.to}T00:00:00Z`) - Date.parse(`${history.from}T00:00:00Z`)) / 86_400_000) + 1;
  const span = count(days, 'day');
  if (history.to === today) return { words: days === 1 ? 'today' : `in the last ${days} days`, span };
  return { words: history.from === history.to ? `on ${history.from}` : `from ${history.from} to ${history.to}`, span };
}

/** Why the history of the period is not complete, in words; nothing when it is. */
export function incompleteNotes(history: History, timeZone: string): string[] {
  if (history.complete) return [];
  const notes: string[] = [];
  const since = history.collectingSince;
  const imported = history.sources.imported?.from;
  // The history starts with whichever came first: an import of Spotify's data export, or collecting.
  const begins = imported && (!since || imported < since) ? { at: imported, words: 'History from' } : since ? { at: since, words: 'Collecting since' } : undefined;
  if (begins && Date.parse(begins.at) > startOfDay(history.from, timeZone)) notes.push(`${begins.words} ${localDate(Date.parse(begins.at), timeZone)}`);
  const unknown = history.gaps.filter((gap) => gap.reason === 'not_collected');
  const lost = history.gaps.length - unknown.length;
  for (const gap of unknown) notes.push(`Nothing imported or collected from ${localDate(Date.parse(gap.from), timeZone)} to ${localDate(Date.parse(gap.to), timeZone)}`);
  if (lost) notes.push(`Incomplete: ${lost === 1 ? 'a gap' : `${lost} gaps`} where Spotify no longer had the plays`);
  if (!notes.length) notes.push('Incomplete: plays this old are no longer kept');
  return notes;
}

/** The longest of `texts` that fits `width` px as the subtitle (the last one always). */
function fitting(texts: string[], width: number): string {
  return texts.find((text) => textWidth(text, styleOf('sub')) <= width) ?? texts.at(-1)!;
}

function artistRows(look: Look, artists: History['topArtists'], top: number): string {
  return artists
    .map((artist, index) => {
      const y = top + index * ARTIST_ROW + 17;
      const plays = count(artist.plays, 'play');
      const nameRight = look.right - textWidth(plays, styleOf('detail')) - 8;
      return (
        `<g class="artist">` +
        textAt('rank', 28, y, String(index + 1), { anchor: 'end' }) +
        textAt('name', 44, y, artist.name, { width: nameRight - 44 }) +
        textAt('detail', look.right, y, plays, { anchor: 'end' }) +
        `</g>`
      );
    })
    .join('');
}

/** The history card for `history` as `options` ask, or the message card while nothing is collected. */
export function renderHistoryCard(history: History, options: Partial<LookOptions>, calendar: HistoryCalendar): string {
  const look = lookOf(options);
  if (history.collectingSince === null && history.plays === 0) {
    return messageCard('Nothing collected yet', 'The listening history starts with the collector’s first run: the plays show here after it.', look);
  }
  const title = look.title ?? 'Listening history';
  const totals = `${count(history.plays, 'play')} · ${duration(history.minutes)}`;
  const { words, span } = periodWords(history, calendar.today);
  const subtitle = `${totals} ${words}`;
  const top = header(look, title, fitting([subtitle, `${totals} · ${span}`, totals], look.right - 44));
  const notes = incompleteNotes(history, calendar.timeZone);
  const noteLines = notes.length ? wrapText(notes.join(' · '), look.right - LEFT, styleOf('status')).slice(0, 3) : [];

  let y = HEADER + top.shift;
  const noteSvg = noteLines.map((line, index) => textAt('status', LEFT, y + 10 + index * NOTE_LINE, line, { width: look.right - LEFT, extraClass: 'note' })).join('');
  y += noteLines.length * NOTE_LINE + 10;
  const chartWidth = look.right - LEFT;
  const { unit, bars } = history.by === 'month' ? monthBars(history.months, chartWidth) : historyBars(history.days, chartWidth);
  const baseline = y + CHART;
  const barSvg = bars
    .map((bar) => `<rect class="${unit} accent" x="${bar.x}" y="${round(baseline - bar.height)}" width="${bar.width}" height="${bar.height}" rx="${round(Math.min(2, bar.width / 2, bar.height / 2))}"/>`)
    .join('');
  const quiet = history.plays === 0 ? textAt('detail', LEFT + chartWidth / 2, y + CHART / 2 + 4, 'No plays in this period', { anchor: 'middle' }) : '';
  const dates =
    textAt('foot', LEFT, baseline + 17, history.from) +
    (history.to === history.from ? '' : textAt('foot', look.right, baseline + 17, history.to, { anchor: 'end' })) +
    (unit === 'day' ? '' : textAt('foot', LEFT + chartWidth / 2, baseline + 17, `by ${unit}`, { anchor: 'middle' }));
  const chart = `<g class="chart">${barSvg}<rect class="baseline" x="${LEFT}" y="${baseline}" width="${chartWidth}" height="1" fill="${look.colours.line}"/>${quiet}${dates}</g>`;
  y = baseline + 28;

  const artists = history.topArtists.slice(0, TOP_ARTISTS);
  const artistSvg = artists.length ? textAt('status', LEFT, y + 12, 'Top artists') + artistRows(look, artists, y + 18) : '';
  if (artists.length) y += 18 + artists.length * ARTIST_ROW;
  const height = y + FOOTER;
  const footer = textAt('foot', look.right, height - 14, 'Data from Spotify', { anchor: 'end' });

  const perBar = `plays per ${unit}`;
  const shownArtists = artists.length ? `Top artists: ${artists.map((artist) => `${artist.name} (${count(artist.plays, 'play')})`).join(', ')}.` : 'No plays in this period.';
  const label = `${title}, ${subtitle} (${history.from} to ${history.to}, ${perBar}). ${shownArtists}${notes.length ? ` ${notes.join('. ')}.` : ''}`;
  return frame({ look, height, label, body: top.svg + noteSvg + chart + artistSvg + footer });
}
