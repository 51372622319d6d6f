import { describe, expect, it } from 'vitest';
import { AUTHORIZATION_MAX_DAYS, authorizationWindow } from '../../../lib/owner/authorization-window';
import { REFRESH_TOKEN_LIFETIME_MS } from '../../support/spotify-emulator';

const DAY = 86_400_000;
const endOf = (authorizedAt: string) => authorizationWindow(authorizedAt, Date.parse(authorizedAt)).expiresAt;

describe('the six-month window', () => {
  it.each([
    // A month too short for the day: its last day, never a day of the month after (setUTCMonth said 3 March).
    ['2026-08-31T10:00:00.000Z', '2027-02-28T10:00:00.000Z'],
    ['2027-08-31T10:00:00.000Z', '2028-02-29T10:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', '2027-06-30T23:59:59.999Z'],
    ['2026-05-31T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['2027-03-31T08:15:00.000Z', '2027-09-30T08:15:00.000Z'],
    // The same day six months later, to the millisecond.
    ['2026-06-01T12:00:00.000Z', '2026-12-01T12:00:00.000Z'],
    ['2026-01-31T10:00:00.000Z', '2026-07-31T10:00:00.000Z'],
    ['2026-02-28T10:00:00.000Z', '2026-08-28T10:00:00.000Z'],
    // Six calendar months of 184 days: 183 days, as Spotify's tokens are taken to last.
    ['2026-07-31T10:00:00.000Z', '2027-01-30T10:00:00.000Z'],
    ['2026-03-01T00:00:00.000Z', '2026-08-31T00:00:00.000Z'],
  ])('authorized at %s ends at %s', (authorizedAt, end) => {
    expect(endOf(authorizedAt)).toBe(end);
  });

  it('ends no later than the emulator\'s Spotify ends the refresh token, and at most three days earlier, for every day of four years', () => {
    expect(AUTHORIZATION_MAX_DAYS * DAY).toBe(REFRESH_TOKEN_LIFETIME_MS);
    const lengths = new Set<number>();
    for (let at = Date.parse('2026-01-01T10:00:00.000Z'); at < Date.parse('2030-01-01T00:00:00.000Z'); at += DAY) {
      const authorizedAt = new Date(at).toISOString();
      const end = Date.parse(endOf(authorizedAt));
      expect(end, authorizedAt).toBeLessThanOrEqual(at + REFRESH_TOKEN_LIFETIME_MS);
      expect(end - at, authorizedAt).toBeGreaterThanOrEqual(181 * DAY);
      lengths.add((end - at) / DAY);
    }
    expect([...lengths].sort()).toEqual([181, 182, 183]);
  });

  it('counts whole days left and warns from 14 days before the end', () => {
    const end = Date.parse('2027-02-28T10:00:00.000Z');
    expect(authorizationWindow('2026-08-31T10:00:00.000Z', end - 15 * DAY)).toEqual({ expiresAt: '2027-02-28T10:00:00.000Z', daysLeft: 15, warning: null });
    expect(authorizationWindow('2026-08-31T10:00:00.000Z', end - 14 * DAY)).toEqual({
      expiresAt: '2027-02-28T10:00:00.000Z',
      daysLeft: 14,
      warning: 'Spotify will end this authorization on 2027-02-28 (14 days left): open /login to renew it.',
    });
    expect(authorizationWindow('2026-08-31T10:00:00.000Z', end - DAY / 2).daysLeft).toBe(0);
    expect(authorizationWindow('2026-08-31T10:00:00.000Z', end + 30 * DAY)).toMatchObject({ daysLeft: 0, warning: expect.stringContaining('2027-02-28 (0 days left)') });
  });
});
