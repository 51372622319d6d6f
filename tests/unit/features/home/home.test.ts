/** The home page (GET /): what the service is, and a link to each of its routes. */
import { describe, expect, it } from 'vitest';
import { homePage, renderHomeError } from '../../../../lib/features/home/home';

describe('the home page', () => {
  it('links /login, /status and the endpoints, relative to where the service is served', () => {
    const markup = homePage();
    expect(markup).toContain('<a class="button" href="login">Connect Spotify</a>');
    for (const path of ['highlights', 'card.svg', 'status']) expect(markup).toContain(`<a href="${path}"><code>/${path}</code></a>`);
    expect(markup).toContain('<h1>Spotify highlights</h1>');
  });

  it('draws its errors as a page with the answer\'s status, the message escaped', () => {
    const rendered = renderHomeError({ status: 405, message: 'POST <b>is</b> not allowed here; use GET.' });
    expect(rendered.statusCode).toBe(405);
    expect(rendered.body).toContain('<h1>That did not work</h1>');
    expect(rendered.body).toContain('POST &lt;b&gt;is&lt;/b&gt; not allowed here');
  });
});
