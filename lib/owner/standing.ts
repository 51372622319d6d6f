/**
 * What this container knows of the owner: who they are, which authorization their tokens come
 * from, and whether Spotify still accepts it. Every consistent read of the owner's item updates
 * it. A warm container may trust it for OWNER_RECHECK_SECONDS to answer from memory without any
 * I/O; every other answer starts from the item as it is now (`readStanding`), so a change of
 * owner, a reconnect or a refusal shows at once there, and in memory within that time.
 */
import { NotAuthorized } from '../platform/errors';
import { getOwner, ownerKeyOf, type OwnerKey, type OwnerRecord } from './owner-store';
import { withUnsavedStored } from './unsaved-tokens';

export interface Standing extends OwnerKey {
  reauthRequired: boolean;
  /** What the authorization allows: its granted scopes but those Spotify refused. */
  scopes: string[];
  /** When the read it comes from was made (its start: the item said this at least then). */
  readAt: number;
}

/** Undefined: never read in this container; null: nobody was connected when it was read. */
let known: { standing: Standing | null; readAt: number } | undefined;

function standingOf(owner: OwnerRecord, readAt: number): Standing {
  const refused = owner.refusedScopes ?? [];
  const scopes = (owner.scopes ?? []).filter((scope) => !refused.includes(scope));
  return { ...ownerKeyOf(owner), reauthRequired: Boolean(owner.reauthRequired), scopes, readAt };
}

/** Takes what a consistent read of the owner's item, started at `readAt`, said. */
export function noteOwner(owner: OwnerRecord | undefined, readAt: number): void {
  if (known && known.readAt > readAt) return;
  known = { standing: owner ? standingOf(owner, readAt) : null, readAt };
}

/** The owner as this container last read them, if that was less than `recheckMs` (OWNER_RECHECK_SECONDS) ago and all was well. */
export function trustedStanding(recheckMs: number): Standing | undefined {
  if (!known?.standing || known.standing.reauthRequired) return undefined;
  return Date.now() - known.readAt < recheckMs ? known.standing : undefined;
}

/** The owner as the item says now; NotAuthorized when nobody is connected. */
export async function readStanding(): Promise<Standing> {
  const readAt = Date.now();
  const owner = await withUnsavedStored(await getOwner());
  noteOwner(owner, readAt);
  if (!owner) throw new NotAuthorized();
  return standingOf(owner, readAt);
}

/** Forgets what this container knew (tests). */
export function forgetStanding(): void {
  known = undefined;
}
