import type { SetupServer } from 'msw/node';
import { forwardSpotify } from './forward.mjs';

export { isLoopback, spotifyHandlers } from './forward.mjs';

/**
 * Routes https://accounts.spotify.com, https://api.spotify.com and https://i.scdn.co to the emulator in this
 * process (fetch and node http/https alike) and fails any other non-loopback request.
 * Call `.close()` on the result when done.
 */
export function interceptSpotify(emulatorUrl: string): SetupServer {
  return forwardSpotify(emulatorUrl);
}
