/**
 * The home page's card builder: the options of /card.svg and /now-playing.svg as a form sends
 * them, read leniently (a bad value is clamped or left out, with a short note for its field,
 * never a refusal), and the card's URL with only what differs from the card's defaults.
 *
 * The options are declared here, not imported from features/card (features stand alone);
 * tests/unit/features/home/card-contract.test.ts checks that the card accepts every one of them.
 */
import { TIME_RANGES, TOP_TYPES, type TimeRange } from '../../spotify/types';

/** Which card: the top list (or the last plays) at card.svg, or what plays now at now-playing.svg. */
export const CARD_KINDS = ['list', 'now-playing'] as const;
export type CardKind = (typeof CARD_KINDS)[number];

export const CARD_TYPES = [...TOP_TYPES, 'recent'] as const;
export type CardType = (typeof CARD_TYPES)[number];

export { TIME_RANGES };

export const CARD_THEMES = ['light', 'dark', 'spotify', 'midnight', 'paper', 'contrast'] as const;
export type CardTheme = (typeof CARD_THEMES)[number];

export const COLOUR_FIELDS = ['bg', 'text', 'accent'] as const;
export type ColourField = (typeof COLOUR_FIELDS)[number];

/** The whole-number options: their bounds and the card's default. */
export const NUMBER_FIELDS = {
  limit: { min: 1, max: 10, fallback: 5 },
  width: { min: 300, max: 800, fallback: 400 },
  radius: { min: 0, max: 24, fallback: 12 },
} as const;
export type NumberField = keyof typeof NUMBER_FIELDS;

/** The on/off options (1 or 0 in a URL), on by default. */
export const SWITCH_FIELDS = ['images', 'border'] as const;
export type SwitchField = (typeof SWITCH_FIELDS)[number];

export const TITLE_MAX = 60;

/** The URL parameters each card takes, as the builder writes them. */
export const LIST_PARAMS = ['type', 'time_range', 'limit', 'theme', ...COLOUR_FIELDS, 'width', 'radius', ...SWITCH_FIELDS, 'title'] as const;
export const NOW_PLAYING_PARAMS = ['theme', ...COLOUR_FIELDS, 'width', 'radius', ...SWITCH_FIELDS, 'title'] as const;

/** Every field of the form: the card's parameters, and which card. */
export type BuilderField = 'card' | (typeof LIST_PARAMS)[number];

export interface CardChoice {
  card: CardKind;
  type: CardType;
  timeRange: TimeRange;
  limit: number;
  theme: CardTheme;
  /** Lower-case hex digits, without '#'; absent: the theme's. */
  colours: Partial<Record<ColourField, string>>;
  width: number;
  radius: number;
  images: boolean;
  border: boolean;
  /** Empty: the card's own title. */
  title: string;
}

export const DEFAULT_CHOICE: CardChoice = {
  card: 'list',
  type: 'artists',
  timeRange: 'short_term',
  limit: NUMBER_FIELDS.limit.fallback,
  theme: 'light',
  colours: {},
  width: NUMBER_FIELDS.width.fallback,
  radius: NUMBER_FIELDS.radius.fallback,
  images: true,
  border: true,
  title: '',
};

export type Params = Record<string, string | undefined> | null | undefined;

/**
 * The owner's defaults (their settings): what a card fills in for an omitted time range, limit or
 * theme. The builder starts from them and leaves out of a URL what equals them; a theme of null
 * writes the theme into every URL (the <picture> pair, which must not follow the owner's default).
 */
export interface BuilderDefaults {
  timeRange?: TimeRange;
  limit?: number;
  theme?: CardTheme | null;
}

export interface BuilderInput {
  choice: CardChoice;
  defaults: BuilderDefaults;
  /** A short note for each field whose value was not taken as it came. */
  problems: Partial<Record<BuilderField, string>>;
}

const HEX = /^(?:[0-9a-f]{3}){1,2}$/;

/** The title cut to at most TITLE_MAX UTF-16 units, never inside a character. */
function cutTitle(title: string): string {
  let out = '';
  for (const character of title) {
    if (out.length + character.length > TITLE_MAX) break;
    out += character;
  }
  return out;
}

/** The form's values as the card's options: never throws, whatever the query. */
export function readBuilder(params: Params, defaults: BuilderDefaults = {}): BuilderInput {
  const problems: BuilderInput['problems'] = {};
  // Own properties only: a query may name "constructor" or "__proto__".
  const given = (name: string): string | undefined => {
    const value = params && Object.hasOwn(params, name) ? params[name] : undefined;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };

  function pick<const T extends readonly string[]>(name: BuilderField, values: T, fallback: T[number]): T[number] {
    const value = given(name);
    if (value === undefined) return fallback;
    if ((values as readonly string[]).includes(value)) return value as T[number];
    problems[name] = `${name} must be one of ${values.join(', ')}: showing ${fallback}.`;
    return fallback;
  }

  function whole(name: NumberField): number {
    const { min, max } = NUMBER_FIELDS[name];
    const fallback = name === 'limit' && defaults.limit !== undefined ? defaults.limit : NUMBER_FIELDS[name].fallback;
    const value = given(name);
    if (value === undefined) return fallback;
    if (!/^-?\d{1,9}$/.test(value)) {
      problems[name] = `${name} must be a whole number from ${min} to ${max}: showing ${fallback}.`;
      return fallback;
    }
    const number = Number(value);
    if (number < min || number > max) {
      const used = number < min ? min : max;
      problems[name] = `${name} goes from ${min} to ${max}: showing ${used}.`;
      return used;
    }
    return number;
  }

  function onOff(name: SwitchField): boolean {
    const value = given(name);
    if (value === undefined || value === '1') return true;
    if (value === '0') return false;
    problems[name] = `${name} must be 1 (on) or 0 (off): showing it on.`;
    return true;
  }

  const colours: CardChoice['colours'] = {};
  for (const name of COLOUR_FIELDS) {
    const value = given(name)?.replace(/^#/, '').toLowerCase();
    if (value === undefined) continue;
    if (HEX.test(value)) colours[name] = value;
    else problems[name] = `${name} must be a colour in hex, like #1db954 or 1db954: left out.`;
  }

  const rawTitle = given('title') ?? '';
  const title = cutTitle(rawTitle);
  if (title !== rawTitle) problems.title = `title may have at most ${TITLE_MAX} characters: cut to fit.`;

  const choice: CardChoice = {
    card: pick('card', CARD_KINDS, DEFAULT_CHOICE.card),
    type: pick('type', CARD_TYPES, DEFAULT_CHOICE.type),
    timeRange: pick('time_range', TIME_RANGES, defaults.timeRange ?? DEFAULT_CHOICE.timeRange),
    limit: whole('limit'),
    theme: pick('theme', CARD_THEMES, defaults.theme ?? DEFAULT_CHOICE.theme),
    colours,
    width: whole('width'),
    radius: whole('radius'),
    images: onOff('images'),
    border: onOff('border'),
    title,
  };
  return { choice, problems, defaults };
}

/** encodeURIComponent, with the characters it leaves that end a Markdown link or a srcset entry encoded too. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The card's file and its query: only the options that differ from the card's defaults (the owner's, where they have one). */
export function cardPath(choice: CardChoice, defaults: BuilderDefaults = {}): string {
  const query: [string, string][] = [];
  const add = (name: string, value: string | number, fallback: string | number | null) => {
    if (value !== fallback) query.push([name, String(value)]);
  };
  if (choice.card === 'list') {
    add('type', choice.type, DEFAULT_CHOICE.type);
    // The last plays have no time range: the card refuses one.
    if (choice.type !== 'recent') add('time_range', choice.timeRange, defaults.timeRange ?? DEFAULT_CHOICE.timeRange);
    add('limit', choice.limit, defaults.limit ?? DEFAULT_CHOICE.limit);
  }
  add('theme', choice.theme, defaults.theme === null ? null : (defaults.theme ?? DEFAULT_CHOICE.theme));
  for (const name of COLOUR_FIELDS) {
    const colour = choice.colours[name];
    if (colour) query.push([name, colour]);
  }
  add('width', choice.width, DEFAULT_CHOICE.width);
  add('radius', choice.radius, DEFAULT_CHOICE.radius);
  add('images', choice.images ? 1 : 0, 1);
  add('border', choice.border ? 1 : 0, 1);
  if (choice.title) query.push(['title', choice.title]);
  const file = choice.card === 'list' ? 'card.svg' : 'now-playing.svg';
  return query.length ? `${file}?${query.map(([name, value]) => `${name}=${encode(value)}`).join('&')}` : file;
}
