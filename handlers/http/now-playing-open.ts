/** GET /now-playing/open: a browser is sent to what the owner plays (or played last) on Spotify; a card links here. */
import { renderErrorPage } from '../../lib/features/connect/pages';
import { getNowPlaying } from '../../lib/features/player/now-playing';
import { cacheControl } from '../../lib/http/caching';
import { redirectResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderErrorPage }, async () => {
  const { openUrl, freshness } = await getNowPlaying();
  return redirectResponse(openUrl, [], { 'Cache-Control': cacheControl(freshness) });
});
