/**
 * What this container knows of the owner: who they are, which authorization their tokens come
 * from, and whether Spotify still accepts it. Every consistent read of the owner's item updates
 * it. A warm container may trust it for OWNER_RECHECK_SECONDS to answer from memory without any
 * I/O; every other answer starts from the item as it is now (`readStanding`), so a change of
 * owner, a reconnect or a refusal shows at once there, and in memory within that time.
 */
import { loadConfig } from '../platform/config';
import { NotAuthorized } from '../platform/errors';
import { ContainerMemory } from '../platform/memory';
import { getOwner, ownerKeyOf, type OwnerKey, type OwnerRecord } from './owner-store';
import { settingsOf, type OwnerSettings } from './settings';
import { withUnsavedStored } from './unsaved-tokens';

export interface Standing extends OwnerKey {
  reauthRequired: boolean;
  /** What the authorization allows: its granted scopes but those Spotify refused. */
  scopes: string[];
  /** When the read it comes from was made (its start: the item said this at least then). */
  readAt: number;
  /** The owner's settings (the defaults when none are saved), and their version (0: never saved). */
  settings: OwnerSettings;
  settingsVersion: number;
}

interface Snapshot {
  /** Null: nobody was connected when it was read. */
  standing: Standing | null;
  readAt: number;
}

/**
 * The one snapshot (absent: never read in this container). It does not expire: how long it is
 * trusted is the reader's (trustedStanding), and however old, it keeps a read that started before
 * it from replacing it.
 */
const known = new ContainerMemory<Snapshot>({ bound: 1 });
const SNAPSHOT = 'owner';

function standingOf(owner: OwnerRecord, readAt: number): Standing {
  const refused = owner.refusedScopes ?? [];
  const scopes = (owner.scopes ?? []).filter((scope) => !refused.includes(scope));
  return { ...ownerKeyOf(owner), reauthRequired: Boolean(owner.reauthRequired), scopes, readAt, settings: settingsOf(owner), settingsVersion: owner.settingsVersion ?? 0 };
}

/** Takes what a consistent read of the owner's item, started at `readAt`, said. */
export function noteOwner(owner: OwnerRecord | undefined, readAt: number): void {
  const current = known.get(SNAPSHOT);
  if (current && current.readAt > readAt) return;
  known.set(SNAPSHOT, { standing: owner ? standingOf(owner, readAt) : null, readAt });
}

/** The owner as this container last read them, if that was less than `recheckMs` (OWNER_RECHECK_SECONDS) ago and all was well. */
export function trustedStanding(recheckMs: number): Standing | undefined {
  const current = known.get(SNAPSHOT);
  if (!current?.standing || current.standing.reauthRequired) return undefined;
  return Date.now() - current.readAt < recheckMs ? current.standing : undefined;
}

/** The owner as the item says now; NotAuthorized when nobody is connected. */
export async function readStanding(): Promise<Standing> {
  const readAt = Date.now();
  const owner = await withUnsavedStored(await getOwner());
  noteOwner(owner, readAt);
  if (!owner) throw new NotAuthorized();
  return standingOf(owner, readAt);
}

/** The owner as a request sees them, and whether it was read just now (not the trusted snapshot). */
export interface OwnerView {
  standing: Standing;
  readNow: boolean;
}

/**
 * The owner for a request that needs their settings before it reads (the defaults of its query):
 * the snapshot trusted for OWNER_RECHECK_SECONDS (no I/O), else a consistent read, which the
 * listening source then reuses instead of reading the item again.
 */
export async function ownerView(): Promise<OwnerView> {
  const trusted = trustedStanding(loadConfig().ownerRecheckSeconds * 1000);
  return trusted ? { standing: trusted, readNow: false } : { standing: await readStanding(), readNow: true };
}

/**
 * A query whose omitted parameters take the owner's defaults: parsed once without them, so a bad
 * query is refused before anything is read, then with them, and the owner as this request saw them.
 */
export async function withOwnerDefaults<Q>(parse: (defaults?: OwnerSettings['defaults']) => Q): Promise<{ query: Q; view: OwnerView }> {
  parse();
  const view = await ownerView();
  return { query: parse(view.standing.settings.defaults), view };
}

/** Forgets what this container knew (after it changed the owner's settings; tests). */
export function forgetStanding(): void {
  known.clear();
}
