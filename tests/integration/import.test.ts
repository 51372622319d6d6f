/**
 * Importing Spotify's data export into the history (lib/features/import/import.ts) against dynalite,
 * beside plays the collector stored from the emulator: each play stored once whichever source saw it
 * (both sides of the matching windows), a second import adding nothing, an interrupted one finished
 * by the next, the account data used only outside the extended history, the export's listening time
 * counted, and no personal field stored or written anywhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { handler as historyCardHandler } from '../../handlers/http/history-card';
import { importExport, MATCH_MS } from '../../lib/features/import/import';
import { documentClient } from '../../lib/platform/dynamo';
import { httpEvent, lambdaContext } from '../support/events';
import { collect, history, useHistoryDefaults } from '../support/history';
import { useService, type Result } from '../support/service';
import { FAKE_PERSONAL, writeExportFolder, type GivenPlay } from '../support/spotify-export';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();
useHistoryDefaults();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'import-test-'));
  folders.push(made);
  return made;
}

const body = (response: Result) => JSON.parse(response.body);
const tracks = () => service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];
const player = () => service.model.player(OWNER_ID);

async function storedPlays(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `play#${OWNER_ID}` }, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Runs `work` while keeping everything written to stdout, stderr and the console. */
async function written<T>(work: () => Promise<T>): Promise<{ result: T; text: string }> {
  const chunks: string[] = [];
  const spies = [
    ...[process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        chunks.push(String(chunk));
        return true;
      }),
    ),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void chunks.push(format(...args)))),
  ];
  try {
    return { result: await work(), text: chunks.join('\n') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

/** Collects `plays` of the emulator's tracks (index, epoch ms) through the collector. */
async function collected(...plays: [index: number, at: number][]): Promise<void> {
  player().setHistory(plays.map(([index, at]) => ({ track: tracks()[index]!, playedAt: at, context: null })));
  expect(await collect()).toMatchObject({ outcome: 'collected', stored: plays.length });
}

/** Noon yesterday (UTC, the history's default zone): plays around it stay on one day whenever the test runs. */
const noonYesterday = () => Math.floor(Date.now() / DAY) * DAY - 12 * HOUR;
const yesterday = () => {
  const date = new Date(noonYesterday()).toISOString().slice(0, 10);
  return { from: date, to: date };
};

const given = (index: number, at: number): GivenPlay => ({ track: tracks()[index]!, playedAt: at });

/** An extended-history file of music plays written by hand: [track index, ended at, ms played]. */
function extendedFile(dir: string, plays: [index: number, at: number, ms?: number][], name = 'Streaming_History_Audio_2026_0.json'): void {
  const entries = plays.map(([index, at, ms]) => {
    const track = tracks()[index]!;
    return {
      ts: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ms_played: ms ?? track.duration_ms,
      master_metadata_track_name: track.name,
      master_metadata_album_artist_name: track.artists[0]!.name,
      master_metadata_album_album_name: track.album.name,
      spotify_track_uri: `spotify:track:${track.id}`,
      episode_name: null,
      episode_show_name: null,
      spotify_episode_uri: null,
      incognito_mode: false,
      ...FAKE_PERSONAL,
    };
  });
  writeFileSync(join(dir, name), JSON.stringify(entries));
}

/** An account-data file written by hand: [artist, track, ended at (its minute is kept), ms played]. */
function accountFile(dir: string, plays: [artist: string, track: string, at: number, ms: number][]): void {
  const minute = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  writeFileSync(join(dir, 'StreamingHistory_music_0.json'), JSON.stringify(plays.map(([artistName, trackName, at, msPlayed]) => ({ endTime: minute(at), artistName, trackName, msPlayed }))));
}

describe('importing Spotify\'s data export', { timeout: 120_000 }, () => {
  it('stores every play once beside the collected ones, counts the export\'s listening time, and a second import adds nothing', async () => {
    await service.connect();
    const now = Date.now();
    const recent: [number, number][] = [
      [0, now - 5 * HOUR],
      [1, now - 4 * HOUR],
      [2, now - 3 * HOUR],
    ];
    await collected(...recent);
    const dir = folder();
    // The export also holds the collected plays, ended a few seconds apart from what the API said.
    const generated = await writeExportFolder(dir, { years: 1, playsPerDay: 4, end: now - HOUR, plays: recent.map(([index, at]) => given(index, at + 7_000)), seed: 7 });
    const { result: report, text } = await written(() => importExport([dir], { user: OWNER_ID }));

    expect(report.imported + report.duplicates).toBe(generated.extended.play);
    expect(report.duplicates).toBe(recent.length);
    expect(report.skipped).toMatchObject({ podcast: generated.extended.podcast, audiobook: generated.extended.audiobook, no_track: generated.extended.no_track, incognito: generated.extended.incognito });
    expect(report.skipped.short).toBe(generated.extended.short + generated.account.short);
    // The account data's year lies inside the extended history: none of it is added.
    expect(report.covered).toBe(generated.account.play);
    expect(report.skippedFiles.length).toBeGreaterThan(0);
    expect(report.days).toBeGreaterThan(300);

    const stored = await storedPlays();
    expect(stored).toHaveLength(recent.length + report.imported);
    const answer = body(await history({ days: '365' }));
    expect(answer.plays).toBe(stored.filter((play) => (play.playedAt as string) >= new Date(now - 364 * DAY).toISOString().slice(0, 10)).length);
    // Imported plays keep the export's listening time and say where they came from; collected ones neither.
    expect(stored.filter((play) => play.source === 'import' && typeof play.msPlayed === 'number')).toHaveLength(report.imported);
    expect(stored.filter((play) => play.source === undefined && play.msPlayed === undefined)).toHaveLength(recent.length);

    // Nothing personal reached the table, the log or the console.
    const { Items } = await documentClient().send(new ScanCommand({ TableName: process.env.HISTORY_TABLE_NAME }));
    const everything = JSON.stringify(Items) + text;
    // A short value is looked for as a whole JSON string (a two-letter country is inside many ids).
    for (const value of Object.values(FAKE_PERSONAL)) expect(everything).not.toContain(String(value).length < 6 ? `"${value}"` : String(value));
    for (const field of ['username', 'conn_country', 'ip_addr', 'user_agent', 'platform', 'offline_timestamp']) expect(JSON.stringify(Items)).not.toContain(`"${field}`);

    const again = await importExport([dir], { user: OWNER_ID });
    expect(again).toMatchObject({ imported: 0, duplicates: report.imported + report.duplicates });
    expect(await storedPlays()).toHaveLength(stored.length);
    expect(body(await history({ days: '365' }))).toMatchObject({ plays: answer.plays, minutes: answer.minutes });
  });

  it('takes the same track within 20 s of a collected play as that play, and 31 s apart as another', async () => {
    await service.connect();
    const noon = noonYesterday();
    await collected([0, noon - HOUR], [1, noon]);
    const dir = folder();
    extendedFile(dir, [
      [0, noon - HOUR + MATCH_MS.exact],
      [1, noon - 31_000],
    ]);
    const report = await importExport([dir], { user: OWNER_ID });
    expect(report).toMatchObject({ read: 2, imported: 1, duplicates: 1 });
    expect(body(await history(yesterday())).plays).toBe(3);
  });

  it('counts the listening time the export gives, not the track\'s length', async () => {
    await service.connect();
    const noon = noonYesterday();
    const dir = folder();
    extendedFile(dir, [
      [0, noon - HOUR, 60_000],
      [0, noon, 120_000],
    ]);
    await importExport([dir], { user: OWNER_ID });
    const answer = body(await history(yesterday()));
    expect(answer).toMatchObject({ plays: 2, minutes: 3 });
  });

  it('uses the account data only where the extended history does not reach, matching collected plays by name within 90 s', async () => {
    await service.connect();
    const noon = noonYesterday();
    const [first, second] = tracks();
    await collected([1, noon + 2 * HOUR]);
    const dir = folder();
    // The extended history ends at 07:00; the account data goes on after it.
    extendedFile(dir, [[0, noon - 5 * HOUR]]);
    accountFile(dir, [
      [first!.artists[0]!.name, first!.name, noon - 5 * HOUR, 200_000], // inside the extended history: left out
      [first!.artists[0]!.name, first!.name, noon - HOUR, 200_000], // after it: imported, by name
      [second!.artists[0]!.name, second!.name, noon + 2 * HOUR + 60_000, 200_000], // the collected play, to the minute
      [second!.artists[0]!.name, second!.name, noon + 2 * HOUR + 150_000, 200_000], // another play of it
      [second!.artists[0]!.name, second!.name, noon + 3 * HOUR, 10_000], // short
    ]);
    const report = await importExport([dir], { user: OWNER_ID });
    expect(report).toMatchObject({ imported: 3, duplicates: 1, covered: 1 });
    expect(report.skipped.short).toBe(1);
    const answer = body(await history(yesterday()));
    expect(answer.plays).toBe(4);
    // A name-only artist merges with the one the collector knows by id.
    expect(answer.topArtists.find((artist: { name: string }) => artist.name === first!.artists[0]!.name)?.plays).toBe(2);
    const card = (await (historyCardHandler as (event: unknown, context: unknown) => Promise<Result>)(httpEvent('/history.svg', { query: { days: '7' } }), lambdaContext('historyCard'))) as Result;
    expect(card.statusCode).toBe(200);
  });

  it('says where its plays came from and from when, and a stretch neither imported nor collected stays a gap', async () => {
    await service.connect();
    const noon = noonYesterday();
    const dir = folder();
    extendedFile(dir, [
      [0, noon - 20 * DAY],
      [1, noon - 15 * DAY],
      [2, noon - 10 * DAY],
    ]);
    await importExport([dir], { user: OWNER_ID });
    await collected([3, noon]);
    const answer = body(await history({ days: '30' }));
    const since = answer.collectingSince;
    expect(answer.sources).toEqual({ imported: { from: new Date(noon - 20 * DAY).toISOString(), to: new Date(noon - 10 * DAY).toISOString() }, collected: { since } });
    expect(answer.plays).toBe(4);
    expect(answer.complete).toBe(false);
    expect(answer.gaps).toContainEqual({ from: new Date(noon - 10 * DAY).toISOString(), to: since, reason: 'not_collected' });
    // A period the import covers alone is complete.
    const covered = (day: number) => new Date(noon - day * DAY).toISOString().slice(0, 10);
    expect(body(await history({ from: covered(19), to: covered(11) }))).toMatchObject({ complete: true, gaps: [], plays: 1 });
    const card = await (historyCardHandler as (event: unknown, context: unknown) => Promise<Result>)(httpEvent('/history.svg', { query: { days: '30' } }), lambdaContext('historyCard'));
    expect(card.body).toContain(`Nothing imported or collected from ${covered(10)}`);
  });

  it('an import cut short by a bad file is finished by running it again: the same history as one clean run', async () => {
    await service.connect();
    const now = Date.now();
    const dir = folder();
    await writeExportFolder(dir, { years: 1, playsPerDay: 3, end: now - HOUR, seed: 11 });
    const broken = join(folder(), 'Streaming_History_Audio_9999_9.json');
    writeFileSync(broken, '[{"ts": "2026-01-01T00:00:00Z", "ms_played": 40000,');
    await expect(importExport([dir, broken], { user: OWNER_ID })).rejects.toThrow(/Streaming_History_Audio_9999_9\.json/);
    // Most plays were stored, none of their days' aggregates written.
    const cut = (await storedPlays()).length;
    expect(cut).toBeGreaterThan(0);
    expect(body(await history({ days: '365' })).plays).toBe(0);

    const finished = await importExport([dir], { user: OWNER_ID });
    expect(finished.duplicates).toBe(cut);
    const stored = await storedPlays();
    expect(stored).toHaveLength(finished.imported + finished.duplicates);
    const whole = body(await history({ days: '365' }));
    expect(whole.plays).toBe(stored.filter((play) => (play.playedAt as string).slice(0, 10) >= whole.from).length);
    expect(whole.plays).toBeGreaterThan(cut - 10);
  });
});
