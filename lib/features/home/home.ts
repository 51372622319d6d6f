/**
 * GET /: what this service is, whose listening it shows, and (once the owner is connected) a
 * card builder: a plain GET form back to this page (no script) whose answer is the card's live
 * preview and the snippets to copy. Links to every endpoint. Answers in every state of the
 * owner, a failed read of it included.
 */
import { serviceBase, type ServiceRequest } from '../../platform/config';
import { html, page, type SafeHtml } from '../../http/html';
import { builder } from './builder-form';
import { readBuilder, type Params } from './card-builder';
import type { Whose } from './whose';

const ENDPOINTS: [href: string, what: SafeHtml][] = [
  ['highlights', html`the owner's top artists, as JSON`],
  ['highlights?type=tracks', html`their top tracks`],
  ['card.svg', html`the top list as an image, for any page or README`],
  ['now-playing', html`what the owner plays now, or played last, as JSON`],
  ['now-playing.svg', html`the same as an image`],
  ['now-playing/open', html`opens what plays on Spotify`],
  ['recently-played', html`the last plays, as JSON`],
  ['status', html`whether Spotify is connected, and until when`],
  ['login', html`connect Spotify (the site's owner only)`],
];

function endpointList(): SafeHtml {
  return html`<h2>Endpoints</h2>
<ul>
${ENDPOINTS.map(([href, what]) => html`<li><a href="${href}"><code>/${href}</code></a>: ${what}</li>\n`)}<li><a href="owner">Owner's console</a>: for the site's owner</li>
</ul>`;
}

const connectButton = html`<p><a class="button" href="login">Connect Spotify</a></p>`;

export interface HomeRequest {
  whose: Whose;
  /** The query: the builder's choices. */
  params: Params;
  /** Where the service answers, without the final "/"; '' when unknown (snippetBase). */
  base: string;
}

/** Where the service answers (platform/config.ts's serviceBase) as the snippets join paths to it: without the final "/", '' when unknown. */
export function snippetBase(request: ServiceRequest): string {
  return serviceBase(request)?.toString().replace(/\/$/, '') ?? '';
}

export function homePage({ whose, params, base }: HomeRequest): string {
  const about = html`<p>This service shows the Spotify listening of this site's owner to any website: top artists and tracks, what plays now and the last plays, as JSON and as cards to embed.</p>`;
  if (whose.state === 'nobody') {
    return page(
      'Spotify highlights',
      html`${about}
<p>No Spotify account is connected yet.</p>
${connectButton}
${endpointList()}
<p class="muted">Connecting is for the site's owner: only the owner's Spotify account is accepted. <a href="status">/status</a> says whether it is connected.</p>`,
    );
  }
  if (whose.state === 'unknown') {
    return page(
      'Spotify highlights',
      html`${about}
<p>Whether Spotify is connected could not be read just now: try again in a moment.</p>
${connectButton}
${endpointList()}
<p class="muted">Connecting is for the site's owner: only the owner's Spotify account is accepted.</p>`,
      'warn',
    );
  }
  return page(
    'Spotify highlights',
    html`<p>This is the Spotify listening of <strong>${whose.name}</strong>, for any website: top artists and tracks, what plays now and the last plays, as JSON and as cards to embed.</p>
${whose.reconnect ? html`<p class="problem">Spotify no longer accepts the stored authorization: the cards ask the owner to <a href="login">connect again</a>.</p>\n` : ''}${builder(readBuilder(params, whose.defaults), whose.name, base)}
${endpointList()}
<p class="muted">The cards follow the owner's listening as it changes; <a href="status">/status</a> says until when Spotify is connected.</p>`,
    whose.reconnect ? 'warn' : 'ok',
  );
}

/** The home route's errors (a method other than GET, say), as a short page. */
export function renderHomeError(answer: { status: number; message: string }): { statusCode: number; body: string } {
  return { statusCode: answer.status, body: page('That did not work', html`<p>${answer.message}</p><p><a href="./">Back to the start</a></p>`, 'warn') };
}
