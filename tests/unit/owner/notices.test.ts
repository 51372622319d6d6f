import { describe, expect, it } from 'vitest';
import { dueNotices, nextExpiryNotice } from '../../../lib/owner/notices';
import type { OwnerRecord } from '../../../lib/owner/owner-store';

const DAY = 86_400_000;
const LINK = 'https://api.example.org/login';
const owner = (values: Partial<OwnerRecord> = {}): OwnerRecord => ({
  spotifyUserId: 'me',
  displayName: 'Me',
  refreshToken: 'refresh-secret',
  accessToken: 'access-secret',
  accessTokenExpiresAt: 0,
  scopes: ['user-top-read', 'user-read-currently-playing', 'user-read-recently-played'],
  authorizedAt: '2026-06-01T12:00:00.000Z',
  updatedAt: '2026-06-01T12:00:00.000Z',
  version: 1,
  ...values,
});
const END = Date.parse('2026-12-01T12:00:00.000Z');

describe('dueNotices', () => {
  it('says what happens, the date it matters and the one link, and nothing secret', () => {
    const [notice] = dueNotices(owner(), LINK, END - 2 * DAY);
    expect(notice).toMatchObject({ cause: 'expiry-3', mattersAt: '2026-12-01T12:00:00.000Z', link: LINK });
    expect(notice!.title).toBe('Spotify ends your site’s authorization in 3 days');
    expect(notice!.text).toContain('ends on 2026-12-01, in 2 days');
    expect(notice!.text.endsWith(LINK)).toBe(true);
    expect(JSON.stringify(notice)).not.toMatch(/secret/);
  });

  it.each([
    [15 * DAY, undefined],
    [14 * DAY, 'expiry-14'],
    [4 * DAY, 'expiry-14'],
    [3 * DAY, 'expiry-3'],
    [DAY + 1, 'expiry-3'],
    [DAY, 'expiry-1'],
    [-DAY, 'expiry-1'],
  ])('%d ms before the end: %s', (before, cause) => {
    expect(dueNotices(owner(), LINK, END - before)[0]?.cause).toBe(cause);
  });

  it('tells re-authorization instead of the end, missing scopes by endpoint, and a refresh failing for over a day', () => {
    const causes = dueNotices(
      owner({ reauthRequired: true, scopes: ['user-top-read'], refreshFailures: 3, refreshFailingSince: new Date(END - 2 * DAY - 25 * 3_600_000).toISOString() }),
      LINK,
      END - 2 * DAY,
    ).map((notice) => notice.cause);
    expect(causes).toEqual(['reauthorization', 'scopes-user-read-currently-playing+user-read-recently-played', `refresh-failing-${new Date(END - 2 * DAY - 25 * 3_600_000).toISOString()}`]);
  });
});

describe('nextExpiryNotice', () => {
  it('is the next threshold to come, none once the last has come or a reconnect is needed', () => {
    expect(nextExpiryNotice(owner(), END - 30 * DAY)).toEqual({ cause: 'expiry-14', at: new Date(END - 14 * DAY).toISOString() });
    expect(nextExpiryNotice(owner(), END - 10 * DAY)).toEqual({ cause: 'expiry-3', at: new Date(END - 3 * DAY).toISOString() });
    expect(nextExpiryNotice(owner(), END - 2 * DAY)).toEqual({ cause: 'expiry-1', at: new Date(END - DAY).toISOString() });
    expect(nextExpiryNotice(owner(), END - 3_600_000)).toBeNull();
    expect(nextExpiryNotice(owner({ reauthRequired: true }), END - 30 * DAY)).toBeNull();
  });
});
