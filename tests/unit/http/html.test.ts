import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { html, page, PAGE_HEADERS } from '../../../lib/http/html';

describe('html', () => {
  it('escapes every interpolated value', () => {
    expect(html`<p>${'<script>alert("x")</script>&\''}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
  });

  it('keeps nested safe fragments as they are', () => {
    expect(html`<div>${html`<b>${'<i>'}</b>`}</div>`.value).toBe('<div><b>&lt;i&gt;</b></div>');
  });
});

describe('page', () => {
  const markup = page('Title <x>', html`<p>body</p>`);

  it('is an HTML5 page with a language, a title, a viewport and exactly one heading', () => {
    expect(markup.startsWith('<!doctype html>')).toBe(true);
    expect(markup).toContain('<html lang="en">');
    expect(markup).toContain('<title>Title &lt;x&gt; · spotify-highlights</title>');
    expect(markup).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(markup.match(/<h1>/g)).toHaveLength(1);
    expect(markup).not.toMatch(/<script/i);
  });

  it('has no style attributes, which the CSP would block', () => {
    for (const tone of ['ok', 'info', 'warn', 'stop'] as const) expect(page('T', html`<p>b</p>`, tone)).not.toMatch(/\sstyle=/i);
  });

  it('names its icon, so the browser never asks for /favicon.ico', () => {
    expect(markup).toMatch(/<link rel="icon" href="data:image\/svg\+xml,[^"]+">/);
  });

  it('is allowed its one inline style by the CSP hash, and nothing else', () => {
    const style = /<style>(.*)<\/style>/s.exec(markup)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    const csp = PAGE_HEADERS['Content-Security-Policy'];
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(PAGE_HEADERS['Cache-Control']).toBe('no-store');
    expect(PAGE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(PAGE_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });
});
