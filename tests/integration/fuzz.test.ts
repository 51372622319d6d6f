/**
 * The generated fuzz set (tests/support/fuzz-corpus.ts) against every route's real handler, with
 * nobody connected, with the owner bound, and with the owner's authorization revoked by Spotify:
 * every answer is one the route documents for that state, with no stack trace, no secret, the
 * route's format and no redirect but Spotify's; and the stored owner survives it.
 */
import { describe, expect, it } from 'vitest';
import { FUZZ_CASES, FUZZ_SEED, fuzzCorpus, KNOWN_NAMES } from '../support/fuzz-corpus';
import { problemsOf, routes, secretFinder, send, storedOwnerBytes, type Phase } from '../support/hostile';
import { baseEnv, useService } from '../support/service';

const service = useService();
const corpus = fuzzCorpus();

/** Requests in flight at once: keeps the handlers and dynalite (in the main process) busy on two cores. */
const IN_FLIGHT = 8;

async function inPool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** A thousand requests take a few seconds alone, but far longer on a loaded two-core machine. */
const FUZZ_TIMEOUT_MS = 120_000;

interface PhaseSetup {
  prepare(): Promise<void>;
  /** How many of the fuzz set's queries this phase sends (the owner's state only matters once a query is accepted). */
  cases: number;
  /** Whether the stored owner must stay byte-for-byte the same (a revoked one may be marked for re-authorization). */
  ownerUntouched: boolean;
}

const phases: Record<Phase, PhaseSetup> = {
  unbound: { prepare: async () => undefined, cases: 150, ownerUntouched: true },
  bound: {
    prepare: async () => {
      expect((await service.connect()).statusCode).toBe(200);
    },
    cases: FUZZ_CASES,
    ownerUntouched: true,
  },
  revoked: {
    prepare: async () => {
      expect((await service.connect()).statusCode).toBe(200);
      service.model.revokeRefreshTokens();
      await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
    },
    cases: 150,
    ownerUntouched: false,
  },
};

describe('the fuzz set', () => {
  it('is the same on every run and holds every kind of hostile input', () => {
    expect(fuzzCorpus().map((fuzz) => fuzz.rawQueryString)).toEqual(corpus.map((fuzz) => fuzz.rawQueryString));
    expect(fuzzCorpus(FUZZ_SEED + 1)[7]?.rawQueryString).not.toBe(corpus[7]?.rawQueryString);
    expect(FUZZ_CASES).toBeGreaterThanOrEqual(1000);
    expect(new Set(corpus.map((fuzz) => fuzz.rawQueryString)).size).toBe(FUZZ_CASES);

    const count = (test: (fuzz: (typeof corpus)[number]) => boolean) => corpus.filter(test).length;
    const values = (fuzz: (typeof corpus)[number]) => fuzz.pairs.map(([, value]) => value);
    for (const name of KNOWN_NAMES) expect(count((fuzz) => fuzz.pairs.some(([key]) => key === name)), name).toBeGreaterThan(50);
    expect(count((fuzz) => fuzz.pairs.some(([key]) => !KNOWN_NAMES.includes(key))), 'unknown names').toBeGreaterThan(200);
    expect(count((fuzz) => new Set(fuzz.pairs.map(([key]) => key)).size < fuzz.pairs.length), 'repeated keys').toBeGreaterThan(100);
    expect(count((fuzz) => values(fuzz).some((value) => value.length > 2048)), 'huge values').toBeGreaterThan(50);
    expect(count((fuzz) => values(fuzz).some((value) => /[^\x20-\x7e]/.test(value))), 'unicode and control').toBeGreaterThan(200);
    expect(count((fuzz) => values(fuzz).some((value) => /%/.test(value))), 'percent junk').toBeGreaterThan(100);
    expect(count((fuzz) => values(fuzz).some((value) => /<script|onerror|DROP TABLE|\$ne/.test(value))), 'payloads').toBeGreaterThan(50);
    expect(count((fuzz) => values(fuzz).some((value) => /^(?:[1-9]|[1-4]\d|50)$/.test(value))), 'valid limits').toBeGreaterThan(20);
    expect(count((fuzz) => (fuzz.cookies ?? []).some((cookie) => cookie.startsWith('spotify_highlights_state='))), 'state cookies').toBeGreaterThan(100);
    expect(count((fuzz) => fuzz.pairs.length === 0), 'empty query').toBe(1);
  });
});

describe.each(Object.keys(phases) as Phase[])('fuzzing with the owner %s', (phase) => {
  it.each(routes)('$path answers all of it as documented, with no stack trace and no secret', async (route) => {
    await phases[phase].prepare();
    const ownerBefore = await storedOwnerBytes();
    const exchangesBefore = service.model.calls.token.authorization_code;
    const findSecrets = secretFinder(() => service.model.issuedSecrets());
    const answers = new Map<string, number>();
    const failures: string[] = [];

    const queries = corpus.slice(0, phases[phase].cases);
    await inPool(queries, async (fuzz) => {
      const response = await send(route.path, { pairs: fuzz.pairs, ...(fuzz.cookies ? { cookies: fuzz.cookies } : {}) });
      const problems = problemsOf(response, {
        format: route.format,
        answers: route.answers[phase],
        redirectUri: baseEnv.SPOTIFY_REDIRECT_URI,
        ...(route.opensSpotify ? { opensSpotify: true } : {}),
        findSecrets,
      });
      const answer = problems.length ? 'failed' : String(response.statusCode);
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
      if (problems.length) failures.push(`#${fuzz.index} ?${fuzz.rawQueryString.slice(0, 240)} → ${problems.join('; ')}`);
    });

    expect(failures.sort().slice(0, 8), `${failures.length} of ${queries.length} queries failed`).toEqual([]);
    // Every documented answer was reached by some query, so the set exercises the route, not just its guard.
    expect([...answers.keys()].sort()).toEqual([...new Set(route.answers[phase].map((answer) => answer.split(' ')[0]))].sort());
    expect(service.model.calls.token.authorization_code, 'no code was exchanged').toBe(exchangesBefore);
    const ownerAfter = await storedOwnerBytes();
    if (phases[phase].ownerUntouched) {
      expect(ownerAfter).toBe(ownerBefore);
    } else {
      const [before, after] = [ownerBefore, ownerAfter].map((bytes) => JSON.parse(bytes ?? '{}'));
      expect([after.spotifyUserId, after.refreshToken]).toEqual([before.spotifyUserId, before.refreshToken]);
    }
  }, FUZZ_TIMEOUT_MS);
});
