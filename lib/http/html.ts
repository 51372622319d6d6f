/**
 * HTML for the browser routes: a tagged template that escapes every interpolated value,
 * and one page layout with a strict Content-Security-Policy (the only style is hashed).
 */
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) out += part instanceof SafeHtml ? part.value : escapeHtml(String(part ?? ''));
    out += strings[index + 1] ?? '';
  });
  return new SafeHtml(out);
}

/** The look of a page: its accent colour and icon. */
export type Tone = 'ok' | 'info' | 'warn' | 'stop';

const STYLE = [
  ':root{color-scheme:light dark;--bg:#f4f4f1;--card:#fff;--text:#191414;--muted:#5e5e5e;--line:#e4e4e0;--code:#191414;--code-text:#eaeaea;--tone:#1db954}',
  '@media (prefers-color-scheme:dark){:root{--bg:#121212;--card:#1f1f1f;--text:#f2f2f2;--muted:#a9a9a9;--line:#333;--code:#000}}',
  '*{box-sizing:border-box}',
  'body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:10vh 1rem 2rem;background:var(--bg);color:var(--text)}',
  'main{max-width:34rem;margin:0 auto;padding:2rem;background:var(--card);border-top:6px solid var(--tone);border-radius:16px;box-shadow:0 2px 14px #0000001f}',
  '.ok{--tone:#1db954}.info{--tone:#8c8c8c}.warn{--tone:#e8a317}.stop{--tone:#e22134}',
  '.icon{display:block;width:3rem;height:3rem;margin-bottom:1rem;color:var(--tone)}',
  'h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}',
  'pre{background:var(--code);color:var(--code-text);padding:.85rem 1rem;border-radius:10px;overflow-x:auto;font-size:.9rem}',
  'a{color:inherit}',
  'a.button{display:inline-block;background:#1db954;color:#000;padding:.65rem 1.5rem;border-radius:999px;text-decoration:none;font-weight:700}',
  'a.button:focus-visible{outline:3px solid var(--text);outline-offset:3px}',
  '.muted{font-size:.875rem;color:var(--muted);border-top:1px solid var(--line);padding-top:1rem;margin-bottom:0}',
  'footer{max-width:34rem;margin:1.25rem auto 0;text-align:center;font-size:.8rem;color:var(--muted)}',
  // Forms, snippets to copy, and pages wider than a message (main.wide, or a main holding a .wide block).
  'h2{font-size:1.15rem;line-height:1.3;margin:1.75rem 0 .5rem}',
  'main.wide,main:has(>.wide){max-width:60rem}',
  '.columns{display:grid;gap:0 2rem}',
  '@media (min-width:60rem){.columns{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}',
  '.columns>*{min-width:0}',
  'fieldset{min-width:0;margin:0 0 1rem;padding:.5rem 1rem 1rem;border:1px solid var(--line);border-radius:10px}',
  'legend{padding:0 .35rem;font-weight:700}',
  '.fields{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr))}',
  'label{display:block;margin:.6rem 0 .2rem;font-size:.9rem;font-weight:600}',
  'input,select,textarea,button{font:inherit;color:inherit}',
  'input,select,textarea{display:block;width:100%;padding:.45rem .6rem;border:1px solid var(--muted);border-radius:8px;background:var(--card)}',
  'textarea{font:.85rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;resize:vertical;overflow-wrap:anywhere}',
  'button{margin-top:.25rem;padding:.65rem 1.5rem;border:0;border-radius:999px;background:#1db954;color:#000;font-weight:700;cursor:pointer}',
  'input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible{outline:3px solid var(--text);outline-offset:2px}',
  '[aria-invalid=true]{border-color:#c5221f}',
  '.problem{margin:.25rem 0 0;font-size:.85rem;color:#c5221f}',
  '@media (prefers-color-scheme:dark){[aria-invalid=true]{border-color:#ff8a80}.problem{color:#ff8a80}}',
  '.hint{margin:.5rem 0 0;font-size:.85rem;color:var(--muted)}',
  'img{max-width:100%;height:auto}',
  'pre code{font:inherit}',
  // Checkboxes beside their words (not stretched like the other inputs); a long list of them in columns.
  'input[type=checkbox]{display:inline-block;width:auto;margin:0 .5rem 0 0;vertical-align:-.1em;accent-color:#1db954}',
  '.picks{columns:12rem}',
  '.picks label{margin:.2rem 0;font-weight:400;break-inside:avoid}',
].join('');

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export interface PageOptions {
  /** Where the page's forms may send: nowhere (the default), or the service itself. */
  formAction?: 'none' | 'self';
  /** The page's own scripts (their exact text), allowed by hash: never 'unsafe-inline'. */
  scripts?: string[];
}

const hashOf = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The headers of a page: no caching, and a CSP that allows the hashed style, the given scripts and forms. */
export function pageHeaders({ formAction = 'none', scripts = [] }: PageOptions = {}): Record<string, string> {
  const script = scripts.length ? `; script-src ${scripts.map(hashOf).join(' ')}; connect-src 'self'` : '';
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self' data:${script}; base-uri 'none'; form-action '${formAction}'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}

export const PAGE_HEADERS: Record<string, string> = pageHeaders();

// Drawn with presentation attributes, not style attributes: the CSP allows no inline style but the hashed one.
const ICON_PATHS: Record<Tone, string> = {
  ok: 'M7 12.5l3.2 3.2L17 9',
  info: 'M8 12h8',
  warn: 'M12 7v6M12 16.5v.5',
  stop: 'M8.5 8.5l7 7M15.5 8.5l-7 7',
};

function icon(tone: Tone): SafeHtml {
  return html`<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><circle cx="12" cy="12" r="10.5"/><path d="${ICON_PATHS[tone]}"/></svg>`;
}

// A data: URL (allowed by img-src), so the browser does not ask the service for /favicon.ico.
const FAVICON = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='8' fill='%231db954'/%3E%3C/svg%3E";

export function page(title: string, body: SafeHtml, tone: Tone = 'info'): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · spotify-highlights</title>
<link rel="icon" href="${FAVICON}">
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main class="${tone}">
${icon(tone)}
<h1>${title}</h1>
${body}
</main>
<footer>spotify-highlights · your top Spotify artists, as JSON</footer>
</body>
</html>
`.value;
}
