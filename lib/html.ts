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

const STYLE = [
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#191414}',
  'main{max-width:34rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}',
  'h1{font-size:1.5rem;margin-top:0}',
  'pre{background:#191414;color:#e8e8e8;padding:.75rem 1rem;border-radius:8px;overflow-x:auto}',
  'a.button{display:inline-block;background:#1db954;color:#fff;padding:.5rem 1.25rem;border-radius:999px;text-decoration:none;font-weight:600}',
  '.badge{font-size:.875rem;color:#555}',
].join('');

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · spotify-highlights</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.value;
}
