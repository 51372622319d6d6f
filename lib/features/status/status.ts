/**
 * GET /status: what the owner (or their monitoring) needs to know: who is connected, until when
 * Spotify will honour the authorization, and how the last dealings with Spotify went. Never a
 * token or a secret. The facts come from lib/owner/owner-status.ts, which the console shows in words.
 */
export { getStatus, type Status } from '../../owner/owner-status';
