/** The watch, on its schedule (WATCH_SCHEDULE): sends the owner the notices that are due. */
import { runWatch } from '../../lib/features/watch/watch';
import { scheduled } from '../../lib/http/scheduled';

export const handler = scheduled('owner', () => runWatch());
