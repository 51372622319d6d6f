/**
 * `npm run import` and `npm run export` end to end (scripts/import.ts, scripts/export.ts), each run
 * as its own process the way a person runs it, against tables of the run's dynalite named as
 * serverless.yml names a stage's (scripts/history-target.ts, pointed there by
 * HIGHLIGHTS_DYNAMODB_ENDPOINT): the report's numbers on a generated zip, a file that is no export,
 * the stack not running, nobody connected, an import killed midway then run again (the same plays
 * as one clean run), export then import into an empty stage (the same plays), and never a personal
 * field of the export on the scripts' output.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { endpointFor, NO_OWNER, NOT_RUNNING, tableNames } from '../../scripts/history-target';
import { createTable } from '../support/table';
import { FAKE_PERSONAL, writeExportZip, type GeneratedExport } from '../support/spotify-export';

const root = resolve(import.meta.dirname, '../..');
const endpoint = inject('dynamoEndpoint');
const OWNER = 'cli-owner';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));

const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  client.destroy();
});

/** Everything the scripts printed in this file's runs: checked for personal fields at the end. */
const printed: string[] = [];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The child's environment: the run's dynalite, and nothing a developer's shell or .env could add
 * to change the outcome (loadEnvFile keeps what is set, empty included).
 */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HIGHLIGHTS_DYNAMODB_ENDPOINT: endpoint, OWNER_SPOTIFY_ID: '', HISTORY_RETENTION_DAYS: '', HISTORY_TIME_ZONE: 'UTC', ...extra };
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return env;
}

/** Runs `script` with `args`; `until`, when given, is told each stdout chunk and may kill the child. */
function run(script: 'import' | 'export', args: string[], env = childEnv(), until?: (stdout: string, kill: (signal?: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      until?.(stdout, (signal = 'SIGKILL') => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      printed.push(stdout, stderr);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** A stage of its own: both tables made from serverless.yml, the owner connected unless told not to. */
async function stage(connected = true, at = endpoint): Promise<string> {
  const name = `cli${randomUUID().slice(0, 8)}`;
  const { tableName, historyTableName } = tableNames(name);
  await createTable(at, tableName);
  await createTable(at, historyTableName, 'HistoryTable');
  if (connected) {
    const owner = at === endpoint ? client : DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: at, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    await owner.send(new PutCommand({ TableName: tableName, Item: { pk: 'owner', spotifyUserId: OWNER, displayName: 'CLI owner' } }));
    if (owner !== client) owner.destroy();
  }
  return name;
}

async function items(name: string, pk: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ TableName: tableNames(name).historyTableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${pk}#${OWNER}` }, ExclusiveStartKey: start }),
    );
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** A report line's number: "  imported        1,234 plays" → 1234. */
function reported(stdout: string, label: string): number {
  const line = stdout.split('\n').find((text) => text.trimStart().startsWith(`${label} `));
  if (!line) throw new Error(`no "${label}" line in:\n${stdout}`);
  return Number(/\s(\d[\d,]*)/.exec(line.slice(label.length + 2))![1]!.replace(/,/g, ''));
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

let zip: string;
let made: GeneratedExport;
beforeAll(async () => {
  zip = join(dir, 'my_spotify_data.zip');
  // Half a year, split into several files, so a run can be stopped between them.
  made = await writeExportZip(zip, { years: 0.5, playsPerDay: 12, fileBytes: 200_000, seed: 5 });
});

/** Whether `stdout` has a plain progress line yet ("3/9 files, …"). */
const progressed = (stdout: string) => stdout.split('\n').some((line) => /^\d+\/\d+ files/.test(line));

describe('where the scripts go', () => {
  it('names the tables as serverless.yml does, and finds the local stack where npm start puts it', () => {
    const config = parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { service: string; custom: Record<string, string> };
    const named = (template: string, stage: string) => template.replace('${self:service}', config.service).replace('${sls:stage}', stage);
    expect(tableNames('prod')).toEqual({ tableName: named(config.custom.tableName!, 'prod'), historyTableName: named(config.custom.historyTableName!, 'prod') });
    expect(endpointFor('local', {})).toBe('http://127.0.0.1:8000');
    expect(endpointFor('local', { DYNAMODB_PORT: '' })).toBe('http://127.0.0.1:8000');
    expect(endpointFor('local', { DYNAMODB_PORT: '8123' })).toBe('http://127.0.0.1:8123');
    expect(endpointFor('prod', { DYNAMODB_PORT: '8123' })).toBeUndefined();
    expect(endpointFor('prod', { HIGHLIGHTS_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
  });
});

describe('npm run import', () => {
  it('imports a generated zip and reports what it read, imported, skipped and why; again, it adds nothing', async () => {
    const name = await stage();
    const first = await run('import', [zip, '--stage', name]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const { extended, account } = made;
    const elements = Object.values(extended).reduce((sum, value) => sum + value, 0);
    expect(reported(first.stdout, 'read')).toBe(elements + account.play + account.short);
    expect(reported(first.stdout, 'imported') + reported(first.stdout, 'duplicates')).toBe(extended.play);
    // The generator's account data repeats plays of the extended history, whose period covers them all: it adds nothing.
    expect(reported(first.stdout, 'covered')).toBe(account.play);
    expect(first.stdout).toMatch(new RegExp(`skipped +${(elements - extended.play + account.short).toLocaleString('en-US')}: `));
    expect(first.stdout).toContain(`${extended.podcast.toLocaleString('en-US')} podcast`);
    expect(first.stdout).toContain(`${extended.incognito} incognito`);
    expect(first.stdout).toContain(`${(extended.short + account.short).toLocaleString('en-US')} short`);
    expect(reported(first.stdout, 'days touched')).toBeGreaterThanOrEqual(175);
    expect(first.stdout).toMatch(/first play +20\d\d-\d\d-\d\dT/);
    expect(first.stdout).toMatch(/last play +20\d\d-\d\d-\d\dT/);
    for (const skipped of ['Userdata.json', 'Playlist1.json', 'StreamingHistory_podcast_0.json', 'ReadMeFirst_ExtendedStreamingHistory.pdf']) expect(first.stdout).toContain(skipped);
    expect((await items(name, 'play')).length).toBe(reported(first.stdout, 'imported'));

    const again = await run('import', [zip, '--stage', name]);
    expect(again.code).toBe(0);
    expect(reported(again.stdout, 'imported')).toBe(0);
    expect(reported(again.stdout, 'duplicates')).toBe(extended.play);
  }, 120_000);

  it('refuses a file that is no Spotify export: one line naming it, exit 2', async () => {
    const name = await stage();
    const bad = join(dir, 'Streaming_History_Audio_2020_0.json');
    writeFileSync(bad, '{"this": "is an object, not a list of plays"}');
    const result = await run('import', [bad, '--stage', name]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(bad)]);
    expect(result.stderr).toContain('not a Spotify streaming history');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    const missing = await run('import', [join(dir, 'nowhere.zip'), '--stage', name]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`${join(dir, 'nowhere.zip')}: no such file or folder\n`);
  }, 60_000);

  it('says in one line that the local stack is not running', async () => {
    const result = await run('import', [zip], childEnv({ HIGHLIGHTS_DYNAMODB_ENDPOINT: undefined, DYNAMODB_PORT: String(await closedPort()) }));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${NOT_RUNNING}\n`);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('says in one line that nobody is connected, and takes OWNER_SPOTIFY_ID instead', async () => {
    const name = await stage(false);
    const nobody = await run('import', [zip, '--stage', name]);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toBe(`${NO_OWNER}\n`);

    const configured = await run('export', ['--stage', name], childEnv({ OWNER_SPOTIFY_ID: OWNER }));
    expect(configured.code).toBe(0);
    expect(configured.stderr).toContain('Exported 0 plays');
  }, 60_000);

  it('asks for the export when given none, and explains itself with --help', async () => {
    const none = await run('import', []);
    expect(none.code).toBe(2);
    expect(none.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('npm run import -- <my_spotify_data.zip');
    const help = await run('import', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--stage <name>');
  }, 60_000);

  it('finishes an import killed midway when run again: the same plays and days as one clean run', async () => {
    const clean = await stage();
    const cut = await stage();
    expect((await run('import', [zip, '--stage', clean])).code).toBe(0);

    // Killed at its first progress line after the start: some files read, some plays written, the days not rewritten.
    const killed = await run('import', [zip, '--stage', cut], childEnv(), (stdout, kill) => {
      if (progressed(stdout)) kill();
    });
    expect(killed.signal).toBe('SIGKILL');
    const halfway = (await items(cut, 'play')).length;
    expect(halfway).toBeGreaterThan(0);
    expect(halfway).toBeLessThan((await items(clean, 'play')).length);

    const rerun = await run('import', [zip, '--stage', cut]);
    expect(rerun.code).toBe(0);
    expect(reported(rerun.stdout, 'imported') + reported(rerun.stdout, 'duplicates')).toBe(made.extended.play);
    const plays = async (name: string) => (await items(name, 'play')).map(({ ttl: _ttl, ...play }) => play).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    expect(await plays(cut)).toEqual(await plays(clean));
    const days = async (name: string) => (await items(name, 'day')).map((day) => day.sk).sort();
    expect(await days(cut)).toEqual(await days(clean));
  }, 180_000);

  it('says in one line, exit 1, that the database went away midway, and that running it again finishes', async () => {
    // A dynalite of this test's own, stopped under the running import (as when `npm start` is stopped).
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const own = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const stop = () => {
      if (!server.listening) return;
      server.close();
      server.closeAllConnections();
    };
    const name = await stage(true, own);
    const stopped = await run('import', [zip, '--stage', name], childEnv({ HIGHLIGHTS_DYNAMODB_ENDPOINT: own }), (stdout) => {
      if (progressed(stdout)) stop();
    });
    stop();
    expect(stopped.code).toBe(1);
    expect(stopped.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^DynamoDB request failed: .*run it again to finish/)]);
  }, 60_000);

  it('stopped with Ctrl-C, says how to finish, in one line', async () => {
    const name = await stage();
    const stopped = await run('import', [zip, '--stage', name], childEnv(), (stdout, kill) => {
      if (progressed(stdout)) kill('SIGINT');
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr.trim()).toBe('Interrupted: run the same command again to finish the import (nothing is stored or counted twice).');
  }, 60_000);
});

describe('npm run export', () => {
  it('writes every play, and its file imported into an empty stage gives the same plays', async () => {
    const source = await stage();
    expect((await run('import', [zip, '--stage', source])).code).toBe(0);
    // A collected play too: Spotify's milliseconds, its page and cover, no listening time.
    const collected = {
      playedAt: '2026-03-01T10:00:00.250Z',
      track: { id: '6rqhFgbbKwnb9MLmUQDhG6', name: 'Collected song', credits: [{ id: '0OdUWJ0sBjDrqHygGUXeCF', name: 'Collected band' }], album: 'Collected album', durationMs: 181_000, explicit: true, url: 'https://open.spotify.com/track/6rqhFgbbKwnb9MLmUQDhG6', image: null },
    };
    await client.send(new PutCommand({ TableName: tableNames(source).historyTableName, Item: { pk: `play#${OWNER}`, sk: `${collected.playedAt}#${collected.track.id}`, ...collected } }));
    // And a play the account data named only by artist and title: its track and artist are keys.
    const byName = {
      playedAt: '2026-02-01T09:00:00.000Z',
      track: { id: '~AAAAAAAAAAAAAAAAAAAA1', name: 'Only a name', credits: [{ id: '~BBBBBBBBBBBBBBBBBBBB2', name: 'A band by name' }], album: '', durationMs: 200_000, explicit: false },
      msPlayed: 200_000,
      source: 'import',
    };
    await client.send(new PutCommand({ TableName: tableNames(source).historyTableName, Item: { pk: `play#${OWNER}`, sk: `${byName.playedAt}#${byName.track.id}`, ...byName } }));
    const stored = (await items(source, 'play')).length;

    const file = join(dir, `plays-${source}.jsonl`);
    const exported = await run('export', ['--stage', source, '--out', file]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain(`Exported ${stored} plays`);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(stored);
    const parsedLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsedLines.map((line) => line.ts)).toEqual(parsedLines.map((line) => line.ts).sort());
    expect(parsedLines.at(-1)).toMatchObject({ ts: '2026-03-01T10:00:00Z', ms_played: 181_000, x_source: 'collector', spotify_track_uri: 'spotify:track:6rqhFgbbKwnb9MLmUQDhG6' });

    const target = await stage();
    const imported = await run('import', [file, '--stage', target]);
    expect(imported.code).toBe(0);
    expect(reported(imported.stdout, 'imported')).toBe(stored);
    const again = await run('export', ['--stage', target]);
    expect(again.code).toBe(0);
    // The same plays, field for field; only where the collected one came from is now the import.
    const withoutSource = (text: string) => text.trimEnd().split('\n').map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), x_source: undefined }));
    expect(withoutSource(again.stdout)).toEqual(withoutSource(readFileSync(file, 'utf8')));

    const csv = await run('export', ['--stage', target, '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.split('\r\n').filter(Boolean);
    expect(rows[0]).toMatch(/^ts,ms_played,master_metadata_track_name,/);
    expect(rows).toHaveLength(stored + 1);

    const wrong = await run('export', ['--stage', target, '--format', 'xml']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('--format is jsonl or csv, not "xml"\n');
  }, 180_000);
});

describe('the scripts’ output', () => {
  it('never holds a personal field of the export', () => {
    const all = printed.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const value of Object.values(FAKE_PERSONAL)) expect(all).not.toContain(String(value));
  });
});
