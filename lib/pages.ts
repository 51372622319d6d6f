/** The pages a person sees in the browser during /login and /callback. */
import type { HttpError } from 'http-errors';
import { errorCode } from './errors';
import { html, page } from './html';

const startAgain = html`<p><a class="button" href="login">Start again</a></p>`;

export function connectedPage(highlightsUrl: string, displayName: string | null): string {
  return page(
    'Spotify is connected',
    html`<p>${displayName ? `Thanks, ${displayName}. ` : ''}Your website can now show what you listen to.</p>
<p>Your top artists, as JSON:</p>
<pre><code>curl ${highlightsUrl}</code></pre>
<p class="badge">You will not need to sign in again until Spotify asks for it.</p>`,
  );
}

const titles: Record<string, string> = {
  invalid_state: 'This sign-in link is no longer valid',
  access_denied: 'Spotify is not connected',
  authorization_failed: 'Spotify could not connect',
  not_owner: 'This site belongs to another Spotify account',
  invalid_request: 'That link is not complete',
  configuration_error: 'The service is not set up yet',
};

/** Renders any HTTP error as a short, friendly page; the message was written by us, and is escaped anyway. */
export function errorPage(error: HttpError): string {
  const code = errorCode(error);
  const title = titles[code] ?? (error.status >= 500 ? 'Something went wrong' : 'That did not work');
  const retry = code === 'not_owner' || code === 'configuration_error' ? html`` : startAgain;
  return page(title, html`<p>${error.message}</p>${retry}`);
}
