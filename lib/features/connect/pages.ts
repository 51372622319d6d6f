/** The pages a person sees in the browser during /login and /callback. */
import { html, page, type SafeHtml, type Tone } from '../../http/html';

/** What the owner sees once connected: how to fetch the highlights, and the user id a deploy's OWNER_SPOTIFY_ID takes. */
export function connectedPage(connected: { highlightsUrl: string; displayName: string | null; spotifyUserId: string }): string {
  const { highlightsUrl, displayName, spotifyUserId } = connected;
  return page(
    'Spotify is connected',
    html`<p>${displayName ? `Thanks, ${displayName}. ` : ''}Your website can now show what you listen to.</p>
<p>Your top artists, as JSON:</p>
<pre><code>curl ${highlightsUrl}</code></pre>
<p><a class="button" href="${highlightsUrl}">See your top artists</a></p>
<p>Your console shows how the connection stands and holds your settings (artists to hide, explicit tracks, cleaner titles, the cards' defaults): <a href="owner">open your console</a>. This browser stays signed in to it for 12 hours.</p>
<p>Your Spotify user id is <strong>${spotifyUserId}</strong>. A deployed site takes it, so that no other account can ever connect:</p>
<pre>OWNER_SPOTIFY_ID=${spotifyUserId}</pre>
<p class="muted">You will not need to do this again until Spotify asks for it, at the latest in six months.</p>`,
    'ok',
  );
}

interface ErrorLook {
  title: string;
  tone: Tone;
  /** What the page offers next, besides the message. */
  next?: SafeHtml;
}

const startAgain = html`<p><a class="button" href="login">Start again</a></p>`;

const looks: Record<string, ErrorLook> = {
  invalid_state: { title: 'This sign-in link is no longer valid', tone: 'warn', next: startAgain },
  access_denied: { title: 'Spotify is not connected', tone: 'info', next: html`<p><a class="button" href="login">Connect Spotify</a></p>` },
  authorization_failed: { title: 'Spotify could not connect', tone: 'warn', next: startAgain },
  // No retry: whoever sees this is not the owner, or signed in to Spotify with another account.
  not_owner: {
    title: 'This site belongs to another Spotify account',
    tone: 'stop',
    next: html`<p class="muted">If this is your site, sign out of Spotify in this browser and sign in with the account that owns it first.</p>`,
  },
  account_not_allowed: {
    title: 'This Spotify account cannot use this site’s app',
    tone: 'stop',
    next: html`<p class="muted">If this is your site, add your Spotify account under <strong>User Management</strong> in your app’s settings on the Spotify developer dashboard, then <a href="login">connect again</a>.</p>`,
  },
  invalid_request: { title: 'That link is not complete', tone: 'warn', next: startAgain },
  configuration_error: { title: 'The service is not set up yet', tone: 'stop' },
};

/** What the service answers for a failure (lib/http/errors.ts): the page shows it. */
interface Failure {
  status: number;
  code: string;
  message: string;
}

/** Renders any failure as a short, friendly page; the message was written by us, and is escaped anyway. */
export function errorPage(error: Failure): string {
  const look = looks[error.code] ?? {
    title: error.status >= 500 ? 'Something went wrong' : 'That did not work',
    tone: error.status >= 500 ? 'stop' : 'warn',
    next: startAgain,
  };
  return page(look.title, html`<p>${error.message}</p>${look.next ?? html``}`, look.tone);
}

/** The browser routes' error renderer: the page, with the answer's status. */
export function renderErrorPage(answer: Failure): { statusCode: number; body: string } {
  return { statusCode: answer.status, body: errorPage(answer) };
}
