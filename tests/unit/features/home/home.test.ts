/** The home page (GET /) in each state of the owner: what it says, the builder's form, preview and snippets, every endpoint. */
import { describe, expect, it } from 'vitest';
import { homePage, renderHomeError } from '../../../../lib/features/home/home';
import type { Whose } from '../../../../lib/features/home/whose';
import { DEFAULT_SETTINGS } from '../../../../lib/owner/settings';

const BASE = 'http://127.0.0.1:3000';
const OWNER: Whose = { state: 'owner', name: 'Alex', reconnect: false, defaults: DEFAULT_SETTINGS.defaults };
const render = (whose: Whose, params: Record<string, string> = {}, base = BASE) => homePage({ whose, params, base });

/** A textarea's text as the browser shows it. */
function snippet(markup: string, id: string): string {
  const text = new RegExp(`<textarea id="${id}"[^>]*>([^<]*)</textarea>`).exec(markup)?.[1];
  if (text === undefined) throw new Error(`no snippet ${id}`);
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const ENDPOINTS = ['highlights', 'highlights?type=tracks', 'card.svg', 'now-playing', 'now-playing.svg', 'now-playing/open', 'recently-played', 'status', 'login'];

describe('the home page', () => {
  it('before anyone connected: what the site is, Connect Spotify, every endpoint, and no builder', () => {
    const markup = render({ state: 'nobody' });
    expect(markup).toContain('<h1>Spotify highlights</h1>');
    expect(markup).toContain('No Spotify account is connected yet.');
    expect(markup).toContain('<a class="button" href="login">Connect Spotify</a>');
    expect(markup).not.toContain('<form');
    expect(markup).not.toContain('<img');
  });

  it.each<[string, Whose]>([
    ['nobody connected', { state: 'nobody' }],
    ['the status unknown', { state: 'unknown' }],
    ['the owner connected', OWNER],
  ])('links every endpoint and the owner\'s console with %s', (_, whose) => {
    const markup = render(whose);
    for (const href of ENDPOINTS) expect(markup).toContain(`<a href="${href}"><code>/${href}</code></a>`);
    expect(markup).toContain('<a href="owner">Owner\'s console</a>');
  });

  it('says when the status could not be read, with no builder', () => {
    const markup = render({ state: 'unknown' });
    expect(markup).toContain('Whether Spotify is connected could not be read just now');
    expect(markup).toContain('<main class="warn">');
    expect(markup).not.toContain('<form');
  });

  it('once connected: whose listening it is, and the builder with the default card', () => {
    const markup = render(OWNER);
    expect(markup).toContain('This is the Spotify listening of <strong>Alex</strong>');
    expect(markup).toContain('<form action="./" method="get">');
    expect(markup).toContain('<img class="preview" src="card.svg" alt="Preview: Alex&#39;s top artists on Spotify">');
    expect(snippet(markup, 'snippet-url')).toBe(`${BASE}/card.svg`);
    expect(snippet(markup, 'snippet-html')).toBe(`<img src="${BASE}/card.svg" alt="Alex's top artists on Spotify">`);
    expect(snippet(markup, 'snippet-markdown')).toBe(`![Alex's top artists on Spotify](${BASE}/card.svg)`);
    expect(snippet(markup, 'snippet-picture')).toBe(
      `<picture><source media="(prefers-color-scheme: dark)" srcset="${BASE}/card.svg?theme=dark"><img src="${BASE}/card.svg?theme=light" alt="Alex's top artists on Spotify"></picture>`,
    );
    expect(markup).not.toContain('Connect Spotify</a>');
  });

  it('shows the chosen card: the form keeps the choices, the preview and snippets follow them', () => {
    const markup = render(OWNER, { card: 'list', type: 'tracks', time_range: 'long_term', limit: '3', theme: 'paper', accent: '#f0a', width: '600', images: '0' });
    const path = 'card.svg?type=tracks&time_range=long_term&limit=3&theme=paper&accent=f0a&width=600&images=0';
    expect(markup).toContain(`<img class="preview" src="${path.replace(/&/g, '&amp;')}" alt="Preview: Alex&#39;s top tracks on Spotify">`);
    expect(snippet(markup, 'snippet-url')).toBe(`${BASE}/${path}`);
    expect(markup).toContain('<option value="tracks" selected>');
    expect(markup).toContain('<option value="long_term" selected>');
    expect(markup).toContain('<option value="paper" selected>');
    expect(markup).toMatch(/<select id="images" name="images"><option value="1">Yes<\/option><option value="0" selected>No<\/option><\/select>/);
    expect(markup).toContain('<input id="limit" name="limit" type="number" min="1" max="10" step="1" value="3">');
    expect(markup).toContain('<input id="width" name="width" type="number" min="300" max="800" step="1" value="600">');
    expect(markup).toContain(`name="accent" type="text" maxlength="7" pattern="#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})" placeholder="the theme's" value="#f0a">`);
  });

  it('builds the now-playing card too', () => {
    const markup = render(OWNER, { card: 'now-playing', theme: 'contrast' });
    expect(markup).toContain('<img class="preview" src="now-playing.svg?theme=contrast"');
    expect(snippet(markup, 'snippet-markdown')).toBe(`[![What Alex is playing on Spotify](${BASE}/now-playing.svg?theme=contrast)](${BASE}/now-playing/open)`);
  });

  it('answers bad input with the form, the value clamped and a note beside its field, nothing echoed', () => {
    const markup = render(OWNER, { width: '5000', bg: '"><script>alert(1)</script>', limit: 'lots' });
    expect(markup).toContain('<input id="width" name="width" type="number" min="300" max="800" step="1" value="800" aria-describedby="width-problem" aria-invalid="true">');
    expect(markup).toContain('<p class="problem" id="width-problem">width goes from 300 to 800: showing 800.</p>');
    expect(markup).toContain('<p class="problem" id="bg-problem">bg must be a colour in hex, like #1db954 or 1db954: left out.</p>');
    expect(markup).toContain('<p class="problem" id="limit-problem">limit must be a whole number from 1 to 10: showing 5.</p>');
    expect(snippet(markup, 'snippet-url')).toBe(`${BASE}/card.svg?width=800`);
    expect(markup).not.toContain('<script');
    expect(markup).not.toContain('alert(1)');
  });

  it('escapes the owner\'s name and the title everywhere', () => {
    const markup = render({ ...OWNER, name: '<script>alert("x")</script>' }, { title: '</textarea><script>y</script>' });
    expect(markup).not.toMatch(/<script/i);
    expect(markup).toContain('<strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</strong>');
    expect(markup).toContain('value="&lt;/textarea&gt;&lt;script&gt;y&lt;/script&gt;"');
    expect(snippet(markup, 'snippet-html')).toContain('alt="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\'s top artists on Spotify"');
  });

  it('says the cards ask the owner to connect again when Spotify refused the authorization', () => {
    const markup = render({ ...OWNER, reconnect: true });
    expect(markup).toContain('<main class="warn">');
    expect(markup).toContain('<a href="login">connect again</a>');
    expect(markup).toContain('<form action="./" method="get">');
  });

  it('writes paths for the snippets when the service\'s address is unknown, and says so', () => {
    const markup = render(OWNER, { theme: 'dark' }, '');
    expect(snippet(markup, 'snippet-url')).toBe('/card.svg?theme=dark');
    expect(markup).toContain("Put this service's address before each path.");
  });
});

describe('the home page\'s errors', () => {
  it('are a page with the answer\'s status, the message escaped', () => {
    const rendered = renderHomeError({ status: 405, message: 'POST <b>is</b> not allowed here; use GET.' });
    expect(rendered.statusCode).toBe(405);
    expect(rendered.body).toContain('<h1>That did not work</h1>');
    expect(rendered.body).toContain('POST &lt;b&gt;is&lt;/b&gt; not allowed here');
  });
});

describe("the builder and the owner's card defaults", () => {
  const dark: Whose = { ...OWNER, defaults: { timeRange: 'long_term', limit: 3, theme: 'dark' } };

  it('starts from them, and leaves out of the URL what equals them, which the card fills in', () => {
    const markup = render(dark);
    expect(markup).toContain('src="card.svg"');
    expect(markup).toMatch(/<option value="dark" selected>/);
    expect(snippet(render(dark, { theme: 'light', limit: '5' }), 'snippet-url')).toBe(`${BASE}/card.svg?limit=5&theme=light`);
  });

  it('names the theme in both URLs of the <picture> pair, whatever the owner\'s default', () => {
    const picture = snippet(render(dark), 'snippet-picture');
    expect(picture).toContain(`srcset="${BASE}/card.svg?theme=dark"`);
    expect(picture).toContain(`src="${BASE}/card.svg?theme=light"`);
  });
});
