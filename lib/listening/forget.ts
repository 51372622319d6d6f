/**
 * When the site changes hands, the previous owner's listening is deleted: it is never served as
 * the new owner's anyway (results are kept per owner), but it is theirs, not the site's.
 */
import type { OwnerKey } from '../owner/owner-store';
import { clearListeningMemory } from './cached-source';
import { deleteResults, resultKey } from './result-store';
import { TOP_LIST_NAMES } from './top-lists';

export async function forgetListening(previous: OwnerKey): Promise<void> {
  await deleteResults(
    TOP_LIST_NAMES.map((name) => resultKey(previous, name)),
    TOP_LIST_NAMES,
  );
  clearListeningMemory();
}
