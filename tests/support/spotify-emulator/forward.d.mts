import type { HttpHandler } from 'msw';
import type { SetupServer } from 'msw/node';

export declare const SPOTIFY_HOSTS: readonly string[];
export declare const FORWARDED_HOST_HEADER: string;
export declare function isLoopback(url: string): boolean;
/** msw handlers: Spotify hosts → emulator, loopback → passthrough, anything else → network error. */
export declare function spotifyHandlers(emulatorUrl: string): HttpHandler[];
/** Starts (listens) msw: Spotify hosts → emulator, loopback bypassed, anything else errors. */
export declare function forwardSpotify(emulatorUrl: string): SetupServer;
