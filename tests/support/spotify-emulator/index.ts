export { SpotifyModel, AuthorizeError, createDefaultModel, KNOWN_SCOPES, CODE_LIFETIME_MS, REFRESH_TOKEN_LIFETIME_MS,
  DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, OWNER_ID, INTRUDER_ID, UNREGISTERED_ID, MAX_DEVELOPMENT_USERS } from './model';
export type { TokenRequest, ApiRequest } from './model';
export { addListener, localTrack, sampleArtists, sampleEpisodes, sampleHistory, sampleTracks } from './sample-data';
export { AD_DURATION_MS, contextOf, MAX_REACHABLE_PLAYS, PAUSED_FORGOTTEN_AFTER_MS, Player } from './player';
export type { Playable, Playback, PlayOptions } from './player';
export { imagePng } from './images';
export { startEmulator, emulatorControl, FORWARDED_HOST_HEADER } from './server';
export type { RunningEmulator, EmulatorControl, EmulatorState } from './server';
export { interceptSpotify, isLoopback, spotifyHandlers } from './intercept';
export { SCOPE_REFUSALS, TIME_RANGES, WEB_API_ROUTES } from './types';
export type * from './types';
