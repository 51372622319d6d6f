/**
 * Whose listening this site shows: the bound owner's name, nobody yet, or unknown when the
 * owner's item cannot be read; and the owner's card defaults (their settings), which the builder
 * starts from. The home page always answers, so a failed read is a state here,
 * not an error. Only the name leaves this file: never a token.
 */
import { getOwner } from '../../owner/owner-store';
import { settingsOf, type OwnerSettings } from '../../owner/settings';
import { logger } from '../../platform/logger';

export type Whose =
  | { state: 'nobody' }
  | { state: 'unknown' }
  /** `reconnect`: Spotify refused the stored authorization, so the cards ask the owner to connect again. */
  | { state: 'owner'; name: string; reconnect: boolean; defaults: OwnerSettings['defaults'] };

export async function whoseListening(): Promise<Whose> {
  let owner: Awaited<ReturnType<typeof getOwner>>;
  try {
    owner = await getOwner();
  } catch (error) {
    // Our own errors' messages (StorageError, ConfigError) name what failed, never a value read.
    logger.warn('The home page could not read the owner', { reason: error instanceof Error ? error.message : 'unknown' });
    return { state: 'unknown' };
  }
  if (!owner) return { state: 'nobody' };
  const name = owner.displayName?.trim() || owner.spotifyUserId || "this site's owner";
  return { state: 'owner', name, reconnect: Boolean(owner.reauthRequired), defaults: settingsOf(owner).defaults };
}
