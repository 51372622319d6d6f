/**
 * The refresh lease (pk "refresh-lease"): which invocation may call Spotify's token endpoint right
 * now (lib/platform/lease.ts).
 */
import { releaseLease, takeLease } from '../platform/lease';

const LEASE_PK = 'refresh-lease';

export const acquireRefreshLease = (ttlMs: number): Promise<boolean> => takeLease(LEASE_PK, ttlMs);

export const releaseRefreshLease = (): Promise<void> => releaseLease(LEASE_PK);
