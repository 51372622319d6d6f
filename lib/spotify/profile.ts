/** The signed-in user's profile (GET /me): who just authorized. */
import { call, client, read, text } from './client';
import type { SpotifyProfile } from './types';

export async function currentProfile(accessToken: string): Promise<SpotifyProfile> {
  const api = await client({ accessToken });
  return read(async () => {
    const body = await call(() => api.getMe());
    return { id: text(body?.id), displayName: typeof body?.display_name === 'string' ? body.display_name : null };
  });
}
