export { SpotifyModel, AuthorizeError, createDefaultModel, KNOWN_SCOPES, CODE_LIFETIME_MS, REFRESH_TOKEN_LIFETIME_MS,
  DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, OWNER_ID, INTRUDER_ID, UNREGISTERED_ID, MAX_DEVELOPMENT_USERS } from './model';
export type { TokenRequest, ApiRequest } from './model';
export { sampleArtists, sampleTracks } from './sample-data';
export { imagePng } from './images';
export { startEmulator, emulatorControl, FORWARDED_HOST_HEADER } from './server';
export type { RunningEmulator, EmulatorControl, EmulatorState } from './server';
export { interceptSpotify, isLoopback, spotifyHandlers } from './intercept';
export { TIME_RANGES } from './types';
export type * from './types';
