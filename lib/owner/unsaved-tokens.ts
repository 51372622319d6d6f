/**
 * Tokens Spotify gave this container that DynamoDB would not take, and the refresh token they
 * came from. A rotated refresh token may be the only one that still works, so it is kept here
 * and stored by the container's next read of the owner, before anything is decided from that
 * read (if the container is gone, the next refresh is refused and the owner is told to reconnect).
 * So the table never says "re-authorization required" while a working token waits in memory.
 */
import { logger } from '../platform/logger';
import { getOwner, type OwnerRecord } from './owner-store';
import { saveUnsavedTokens, type RefreshedTokens } from './owner-updates';

let unsaved: { refreshedFrom: string; tokens: RefreshedTokens } | undefined;

export function keepUnsaved(refreshedFrom: string, tokens: RefreshedTokens): void {
  unsaved = { refreshedFrom, tokens };
}

/** The owner's item as just read, after storing what this container kept, if it still may. */
export async function withUnsavedStored(owner: OwnerRecord | undefined): Promise<OwnerRecord | undefined> {
  if (!unsaved || !owner) return owner;
  const pending = unsaved;
  // Something newer was stored since, or the owner logged in again: theirs wins.
  if (owner.refreshToken !== pending.refreshedFrom) {
    unsaved = undefined;
    return owner;
  }
  const saved = await saveUnsavedTokens(pending.refreshedFrom, pending.tokens);
  unsaved = undefined;
  logger.info('Stored tokens that an earlier write could not', { stored: Boolean(saved), clearedRefusal: Boolean(saved && owner.reauthRequired) });
  return saved ?? (await getOwner());
}
