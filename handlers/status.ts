/** GET /status: whether the owner is connected, until when, and how dealings with Spotify went. */
import { apiRoute, jsonResponse } from '../lib/http';
import { logger } from '../lib/logger';
import { getStatus } from '../lib/status';

export const handler = apiRoute(async () => {
  const status = await getStatus();
  if (status.warning && status.connected) logger.warn(status.warning, { daysLeft: status.daysLeft });
  return jsonResponse(200, status, { 'Cache-Control': 'no-store' });
});
