/** The collector, on its schedule (HISTORY_COLLECT_MINUTES): stores the owner's new plays in the history. */
import { collect } from '../../lib/features/history/collect';
import { scheduled } from '../../lib/http/scheduled';

export const handler = scheduled('collector', () => collect());
