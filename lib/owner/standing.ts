/**
 * What this container knows of the owner: who they are, which authorization their tokens come
 * from, and whether Spotify still accepts it. Every consistent read of the owner's item updates
 * it. A warm container may trust it for OWNER_RECHECK_SECONDS to answer from memory without any
 * I/O; every other answer starts from the item as it is now (`readStanding`), so a change of
 * owner, a reconnect or a refusal shows at once there, and in memory within that time.
 */
import { loadConfig } from '../platform/config';
import { NotAuthorized } from '../platform/errors';
import { getOwner, ownerKeyOf, type OwnerKey, type OwnerRecord } from './owner-store';
import { withUnsavedStored } from './unsaved-tokens';

export interface Standing extends OwnerKey {
  reauthRequired: boolean;
}

/** Undefined: never read in this container; null: nobody was connected when it was read. */
let known: { standing: Standing | null; readAt: number } | undefined;

/** Takes what a consistent read of the owner's item said. */
export function noteOwner(owner: OwnerRecord | undefined): void {
  known = { standing: owner ? { ...ownerKeyOf(owner), reauthRequired: Boolean(owner.reauthRequired) } : null, readAt: Date.now() };
}

/** The owner as this container last read them, if that was within OWNER_RECHECK_SECONDS and all was well. */
export function trustedStanding(): Standing | undefined {
  if (!known?.standing || known.standing.reauthRequired) return undefined;
  return Date.now() - known.readAt < loadConfig().ownerRecheckSeconds * 1000 ? known.standing : undefined;
}

/** The owner as the item says now; NotAuthorized when nobody is connected. */
export async function readStanding(): Promise<Standing> {
  const owner = await withUnsavedStored(await getOwner());
  noteOwner(owner);
  if (!owner) throw new NotAuthorized();
  return { ...ownerKeyOf(owner), reauthRequired: Boolean(owner.reauthRequired) };
}

/** Forgets what this container knew (tests). */
export function forgetStanding(): void {
  known = undefined;
}
