/** The signed-in user's profile (GET /me): who just authorized. */
import type { Deadline } from '../platform/time';
import { call, client, read, text } from './client';
import type { SpotifyProfile } from './types';

export async function currentProfile(accessToken: string, deadline: Deadline): Promise<SpotifyProfile> {
  const api = await client({ accessToken });
  return read(deadline, async () => {
    const body = await call(deadline, () => api.getMe());
    return { id: text(body?.id), displayName: typeof body?.display_name === 'string' ? body.display_name : null };
  });
}
