/** When the site changes hands, the previous owner's listening must never be served as the new one's. */
import { clearListeningMemory } from './cached-source';
import { deleteResults } from './result-store';
import { TOP_LIST_NAMES } from './top-lists';

/** Deletes every stored result and forgets this container's memory of them. */
export async function forgetListening(): Promise<void> {
  await deleteResults(TOP_LIST_NAMES);
  clearListeningMemory();
}
