/**
 * When the site changes hands, the previous owner's listening is deleted: it is never served as
 * the new owner's anyway (results are kept per owner), but it is theirs, not the site's.
 */
import type { OwnerKey } from '../owner/owner-store';
import { historyTableName } from '../platform/config';
import { deleteWithPrefixes, emptyTable } from '../platform/table';
import { clearListeningMemory, FETCH_LEASE_PREFIX } from './cached-source';
import { deleteResults, RESULT_PREFIX, resultKey } from './result-store';
import { SOURCE_NAMES, TOP_LIST_NAMES } from './source-names';

export async function forgetListening(previous: OwnerKey): Promise<void> {
  await deleteResults(
    SOURCE_NAMES.map((name) => resultKey(previous, name)),
    // Earlier versions kept top lists only, under their names alone.
    TOP_LIST_NAMES,
  );
  clearListeningMemory();
}

/** Deletes every stored result and fetch lease, whoever's, and this container's memory of them (disconnecting). */
export async function forgetAllListening(): Promise<void> {
  await deleteWithPrefixes([RESULT_PREFIX, FETCH_LEASE_PREFIX]);
  clearListeningMemory();
}

/**
 * Deletes the listening history, all of it (the history's table holds this service's owner's
 * plays and what is computed from them, nothing else), until `stopBy`: whether it is all gone.
 */
export async function forgetHistory(stopBy: number): Promise<{ deleted: number; done: boolean }> {
  return emptyTable(historyTableName(), ['pk', 'sk'], stopBy);
}
