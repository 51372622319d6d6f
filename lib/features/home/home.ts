/**
 * GET /: what this service is, and the way to each of its endpoints, so opening the site's address
 * shows more than an error. No data and no setting is read: it answers even before Spotify is set up.
 */
import { html, page, type SafeHtml } from '../../http/html';

const ENDPOINTS: [path: string, what: SafeHtml][] = [
  ['highlights', html`the owner's top artists, as JSON (<code>?type=tracks</code> for tracks)`],
  ['card.svg', html`the same as an image, for any page or README`],
  ['status', html`whether Spotify is connected, and until when`],
];

export function homePage(): string {
  return page(
    'Spotify highlights',
    html`<p>This service shows the top Spotify artists and tracks of this site's owner, to any website.</p>
<ul>
${ENDPOINTS.map(([path, what]) => html`<li><a href="${path}"><code>/${path}</code></a>: ${what}</li>\n`)}</ul>
<p><a class="button" href="login">Connect Spotify</a></p>
<p class="muted">Connecting is for the site's owner: only the owner's Spotify account is accepted. <a href="status">/status</a> says whether it is connected.</p>`,
  );
}

/** The home route's errors (a method other than GET, say), as a short page. */
export function renderHomeError(answer: { status: number; message: string }): { statusCode: number; body: string } {
  return { statusCode: answer.status, body: page('That did not work', html`<p>${answer.message}</p><p><a href="./">Back to the start</a></p>`, 'warn') };
}
