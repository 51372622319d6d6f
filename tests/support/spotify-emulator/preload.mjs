// Use with NODE_OPTIONS="--import /abs/path/tests/support/spotify-emulator/preload.mjs"
// so a child process (serverless offline) talks to the emulator instead of Spotify.
import { forwardSpotify } from './forward.mjs';

const url = process.env.SPOTIFY_EMULATOR_URL;
if (!url) {
  throw new Error('preload.mjs: set SPOTIFY_EMULATOR_URL to the Spotify emulator URL (e.g. http://127.0.0.1:4010)');
}
forwardSpotify(url);
