/**
 * GET /status: what the owner (or their monitoring) needs to know: who is connected, until when
 * Spotify will honour the authorization, how the last dealings with Spotify went, and the day's
 * Spotify budget (what is spent, how often each feature refreshes, Spotify's quota). Never a token
 * or a secret. The facts come from lib/listening/budget-status.ts, which the console shows in words.
 */
export { serviceStatus as getStatus } from '../../listening/budget-status';
