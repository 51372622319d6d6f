/** The pages of connecting Spotify: what the owner (or anyone else) sees after Spotify's consent page. */
import { describe, expect, it } from 'vitest';
import { connectedPage, errorPage, renderErrorPage } from '../../../../lib/features/connect/pages';

describe('pages', () => {
  const connected = { highlightsUrl: 'http://127.0.0.1:3000/highlights', displayName: null, spotifyUserId: 'owner-123' };

  it('the connected page shows the curl command and escapes the display name', () => {
    const markup = connectedPage({ ...connected, displayName: '<img src=x onerror=alert(1)>' });
    expect(markup).toContain('<code>curl http://127.0.0.1:3000/highlights</code>');
    expect(markup).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(markup).not.toContain('<img');
  });

  it('the connected page links to /highlights', () => {
    expect(connectedPage(connected)).toContain('<a class="button" href="http://127.0.0.1:3000/highlights">');
    expect(connectedPage(connected)).toContain('<a href="owner">open your console</a>');
  });

  it('the connected page shows the owner\'s Spotify user id, for OWNER_SPOTIFY_ID, escaped', () => {
    expect(connectedPage(connected)).toContain('Your Spotify user id is <strong>owner-123</strong>. A deployed site takes it');
    expect(connectedPage(connected)).toContain('<pre>OWNER_SPOTIFY_ID=owner-123</pre>');
    const markup = connectedPage({ ...connected, spotifyUserId: '<b>x</b>' });
    expect(markup).toContain('<pre>OWNER_SPOTIFY_ID=&lt;b&gt;x&lt;/b&gt;</pre>');
    expect(markup).not.toContain('<b>');
  });

  it('the cancelled page offers to connect', () => {
    const markup = errorPage({ status: 400, code: 'access_denied', message: 'You chose not to connect' });
    expect(markup).toContain('Spotify is not connected');
    expect(markup).toContain('<a class="button" href="login">Connect Spotify</a>');
  });

  it('an error page escapes the message and offers to start again', () => {
    const markup = errorPage({ status: 400, code: 'invalid_state', message: 'bad <b>state</b>' });
    expect(markup).toContain('This sign-in link is no longer valid');
    expect(markup).toContain('bad &lt;b&gt;state&lt;/b&gt;');
    expect(markup).toContain('href="login"');
  });

  it('the not-owner page offers no retry', () => {
    const markup = errorPage({ status: 403, code: 'not_owner', message: 'no' });
    expect(markup).toContain('This site belongs to another Spotify account');
    expect(markup).not.toContain('href="login"');
  });

  it('the route renderer answers the page with the answer\'s status', () => {
    const answer = { status: 503, code: 'storage_unavailable', message: 'The token store is not answering right now.' };
    const rendered = renderErrorPage(answer);
    expect(rendered.statusCode).toBe(503);
    expect(rendered.body).toBe(errorPage(answer));
    expect(rendered.body).toContain('Something went wrong');
  });
});
