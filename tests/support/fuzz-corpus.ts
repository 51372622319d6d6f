/**
 * A deterministic set of hostile query strings (and the cookies sent with them), generated from a
 * fixed seed so every run, and every failure report, sees the same inputs.
 */
import { encodeComponent, rawQuery, type QueryPairs } from './hostile';
import { prng } from './spotify-emulator/util';

export const FUZZ_SEED = 0x5eed_f00d;
export const FUZZ_CASES = 1000;

/** The parameter names the routes read, so values reach the parsers instead of being ignored. */
export const KNOWN_NAMES = ['limit', 'time_range', 'type', 'theme', 'code', 'state', 'error', 'error_description', 'moved', 'days', 'from', 'to'];

const HOSTILE_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  'redirect_uri', 'next', 'return_to', 'redirect', 'url', 'continue',
  'LIMIT', 'Limit', 'limit[]', 'limit[0]', ' limit', 'limit ', 'limit\u0000', 'time_range.', 'st%61te', 'state;',
  '', '=', '&', '#', '$where', ':id', '#n0', 'pk', 'a'.repeat(300), '\u202eetats', 'ｌｉｍｉｔ',
];

const NUMBERS = [
  '0', '1', '5', '49', '50', '51', '99', '100', '-1', '-0', '+5', '05', '005', '5.0', '5.', '.5', '5e0', '1e3', '1e309',
  '0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', 'null', 'undefined', 'true', '[]', '{}',
  '9007199254740993', '18446744073709551616', '-9223372036854775809', ' 5', '5 ', '\t5', '5\n', '1,2', '1;2', '1 2',
  '\u0665', '\uff15', '\u2075', '5\u0000', '\u00005',
];

const WORDS = [
  'short_term', 'medium_term', 'long_term', 'SHORT_TERM', 'Short_Term', 'short-term', 'short_term ', 'short_term,long_term',
  'artists', 'tracks', 'Artists', 'light', 'dark', 'access_denied', 'server_error', 'invalid_scope', 'AQ', 'BQ', 'owner', 'login-state#',
];

const UNICODE = [
  '\u0000', '\u0000\u0000\u0000', '\u0001\u0002\u0003\u001f\u007f', '\r\n', '\r\nSet-Cookie: injected=1', '\t', '\b\f\v',
  '\ufeff', '\u200b\u200c\u200d', '\u202ereversed\u202c', '\u2028\u2029', '\ud800', '\udfff', '\udbff\udfff', '\ufffd', '\uffff',
  'e\u0301\u0301\u0301\u0301', 'ǅ', 'İ', 'ß', 'ﬃ', '𝔲𝔫𝔦𝔠𝔬𝔡𝔢', '🎵🎸🥁', '👩‍👩‍👧‍👦', '日本語のテキスト', 'مرحبا', 'שלום', '\u0085\u00a0',
];

const PERCENT_JUNK = [
  '%', '%%', '%2', '%zz', '%G0', '%00', '%0a%0d', '%2525', '%252e%252e', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF%FE',
  '%u0041', '%%32%35', '+', '%2B', '&', '&&', '=', '==', '?', '#', ';', '%3Cscript%3E',
];

const PAYLOADS = [
  "' OR '1'='1", "'; DROP TABLE owner; --", '" OR ""="', '1 UNION SELECT token FROM owner', '{"$ne":null}', '{"__proto__":{"admin":true}}',
  'attribute_not_exists(pk)', 'version = :version', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>", '</title><script>alert(document.cookie)</script>', 'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>', '&lt;script&gt;', '&#x3C;script&#x3E;', '<!--', ']]>',
  '//evil.example', 'https://evil.example/callback', '\\\\evil.example', '/\\evil.example', 'http://127.0.0.1:3000@evil.example',
  '../../../../etc/passwd', '..%2f..%2f', '${7*7}', '{{7*7}}', '#{7*7}', '%s%s%s%n', '\u0000<script>', 'A\u0000B',
];

const ALPHABET = 'abcXYZ019_-.~!*()\'";:@&=+$,/?#[]<> %\\`{}|^\u0000\u0007\u00e9\u4e2d\u{1f3b5}';

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomText(random: Random, maxLength: number): string {
  const chars = [...ALPHABET];
  let out = '';
  const length = Math.floor(random() * (maxLength + 1));
  for (let i = 0; i < length; i++) out += pick(random, chars);
  return out;
}

const HUGE_LENGTHS = [257, 1025, 2049, 8193, 65_537];

const junk = (random: Random) => randomText(random, 40);

const VALUE_KINDS: ((random: Random) => string)[] = [
  (random) => pick(random, NUMBERS),
  (random) => pick(random, WORDS),
  (random) => pick(random, [...'A0%<\u00e9\u{1f3b5}\u0000']).repeat(pick(random, HUGE_LENGTHS)),
  (random) => pick(random, UNICODE),
  (random) => pick(random, PERCENT_JUNK),
  (random) => pick(random, PAYLOADS),
  junk,
  // Mixtures: a plausible value with junk around it.
  (random) => pick(random, [...NUMBERS, ...WORDS]) + pick(random, [...UNICODE, ...PERCENT_JUNK, ...PAYLOADS]),
  () => '',
];

function name(random: Random): string {
  const roll = random();
  if (roll < 0.6) return pick(random, KNOWN_NAMES);
  if (roll < 0.85) return pick(random, HOSTILE_NAMES);
  return randomText(random, 12);
}

export interface FuzzCase {
  index: number;
  pairs: QueryPairs;
  cookies?: string[];
  /** The query string as sent, for failure reports. */
  rawQueryString: string;
}

function cookiesFor(random: Random, pairs: QueryPairs): string[] | undefined {
  const roll = random();
  const state = pairs.filter(([key]) => key === 'state').map(([, value]) => value);
  // Half the time a state cookie agrees with the query, so the state check reaches the store.
  if (roll < 0.5 && state.length) return [`spotify_highlights_state=${encodeComponent(state.join(','))}`];
  if (roll < 0.7) return [`spotify_highlights_state=${encodeComponent(junk(random))}`, `${randomText(random, 8)}=${randomText(random, 20)}`];
  return undefined;
}

/** The fuzz set: `count` distinct query strings from `seed`, the same on every run. */
export function fuzzCorpus(seed = FUZZ_SEED, count = FUZZ_CASES): FuzzCase[] {
  const random = prng(seed);
  const cases: FuzzCase[] = [];
  const seen = new Set<string>();
  while (cases.length < count) {
    const pairs: QueryPairs = [];
    const size = Math.floor(random() * 7);
    for (let i = 0; i < size; i++) pairs.push([name(random), pick(random, VALUE_KINDS)(random)]);
    // Repeated keys: API Gateway joins them with commas.
    if (pairs.length && random() < 0.2) {
      const [repeated] = pick(random, pairs);
      for (let i = 1 + Math.floor(random() * 3); i > 0; i--) pairs.push([repeated, pick(random, VALUE_KINDS)(random)]);
    }
    const cookies = cookiesFor(random, pairs);
    const rawQueryString = rawQuery(pairs);
    if (seen.has(rawQueryString)) continue;
    seen.add(rawQueryString);
    cases.push({ index: cases.length, pairs, ...(cookies ? { cookies } : {}), rawQueryString });
  }
  return cases;
}
