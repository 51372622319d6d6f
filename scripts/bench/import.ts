/**
 * `npm run import` of a ten-year Spotify data export into the local stack, measured as the owner
 * meets it. Runnable alone:
 *
 *   npx tsx scripts/bench/import.ts [--years=10] [--plays-per-day=55] [--file-bytes=9600000] [--requests=20] [--profile=<dir>]
 *
 * and as `npm run bench -- --only import` (measureImport runs this file in a process of its own:
 * binding the owner points the service's modules at its own dynalite through the environment).
 *
 * - The export: tests/support/spotify-export.ts's synthetic zip (extended history split into files
 *   of `fileBytes`, the account data's last year, podcasts, audiobooks, short and incognito plays,
 *   the files an import skips), ending today, written untimed into a temporary folder.
 * - The database: dynalite in a process of its own, its data on disk as `npm start` keeps it, the
 *   tables made from serverless.yml under the names the local stage gives them, an owner bound.
 * - The import: the real CLI, `node --import tsx scripts/import.ts <zip>`, a process of its own
 *   pointed at that dynalite by HIGHLIGHTS_DYNAMODB_ENDPOINT; its wall time is from spawning it to
 *   its exit (TypeScript compiled on the fly included: what the owner waits for). Its peak memory is
 *   the kernel's maximum resident set size of that process: GNU time's (`/usr/bin/time -v`, the
 *   process's rusage) where installed, else VmHWM from /proc/<pid>/status read every 100 ms (it
 *   misses at most the last 100 ms's growth). Which one is written down.
 * - Then the same zip again: its wall time and what it added, from the CLI's own report and from
 *   a count of the stored play items before and after (a Query of the plays' partition).
 * - Then /history: the handler bundled as deployed, run by plain node in a process of its own,
 *   CPU unlimited, HISTORY_CACHE_SECONDS=0 (every request reads), one untimed request, then
 *   `requests` timed ones each for days=365 and days=all (the whole ten years, from month roll-ups).
 *
 * Figures go to bench-results/import.json (or --out).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { writeExportZip } from '../../tests/support/spotify-export';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, OWNER_ID } from '../../tests/support/spotify-emulator';
import { createTable } from '../../tests/support/table';
import { summarize } from './stats';
import { runSectionProcess, startDynalite } from './section-process';

const root = resolve(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;
/** scripts/history-target.ts's names for the local stage, which the CLI writes to unless told a stage. */
const TABLE = 'spotify-highlights-local';
const HISTORY_TABLE = 'spotify-highlights-local-history';
const TIME = '/usr/bin/time';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));

export interface ImportOptions {
  /** Years of extended history in the export, ending today. */
  years: number;
  /** Elements of the extended history a day (music, podcasts, short plays… as the generator mixes them). */
  playsPerDay: number;
  /** Size at which the generator splits the extended history into files. */
  fileBytes: number;
  /** Timed /history requests per period, after an untimed one. */
  requests: number;
}

export interface ImportRun {
  wallSeconds: number;
  /** Peak resident memory of the import process (MB, 2^20 bytes). */
  peakMb: number;
  /** From the CLI's report. */
  read: number;
  imported: number;
  duplicates: number;
  days: number;
  /** Play items stored before and after the run (a Query count of the plays' partition). */
  storedBefore: number;
  storedAfter: number;
}

export interface HistoryAnswerFigure {
  days: string;
  latency: { p50: number; p90: number; max: number };
  /** The plays the answer counts. */
  plays: number;
  complete: boolean;
}

export interface ImportFigure {
  at: string;
  node: string;
  /** 1, 5 and 15-minute load averages before the first import and after the last request: other work skews every figure. */
  loadAverage: { before: number[]; after: number[] };
  /** How the peak memory was measured. */
  memoryMethod: string;
  export: {
    years: number;
    /** Elements of the extended history, of every kind. */
    entries: number;
    /** Of them, music plays the import should keep (30 s or more, a track, not private). */
    plays: number;
    /** Extended-history files, and every file of the zip. */
    historyFiles: number;
    files: number;
    zipBytes: number;
    /** Untimed. */
    writtenSeconds: number;
  };
  first: ImportRun;
  second: ImportRun;
  /** Imported plays a second of the first run's wall time. */
  playsPerSecond: number;
  history: HistoryAnswerFigure[];
  requests: number;
}

/** The play items stored for the owner: the partition the import writes, counted page by page. */
async function storedPlays(endpoint: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ TableName: HISTORY_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `play#${OWNER_ID}` } }, Select: 'COUNT', ExclusiveStartKey: start }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return count;
  } finally {
    client.destroy();
  }
}

const number = (text: string | undefined) => Number((text ?? '').replace(/,/g, ''));

/** The counts of the CLI's final report (scripts/import.ts's reportLines). */
function reportOf(out: string): Pick<ImportRun, 'read' | 'imported' | 'duplicates' | 'days'> {
  const field = (label: string) => {
    const match = new RegExp(`^\\s+${label}\\s+([\\d,]+)`, 'm').exec(out);
    if (!match) throw new Error(`the import's report has no "${label}" line:\n${out.slice(-2_000)}`);
    return number(match[1]);
  };
  return { read: field('read'), imported: field('imported'), duplicates: field('duplicates'), days: field('days touched') };
}

/**
 * Peak memory: GNU time's maximum resident set size where installed (its -v says so; BusyBox's and
 * the shell's time have no such line), else /proc's VmHWM polled.
 */
const gnuTime = existsSync(TIME) && /Maximum resident set size/.test(spawnSync(TIME, ['-v', 'true'], { encoding: 'utf8' }).stderr ?? '');

const MEMORY_METHOD = gnuTime
  ? 'the import process\'s maximum resident set size as GNU time reports it (/usr/bin/time -v: the kernel\'s rusage ru_maxrss)'
  : 'VmHWM (the kernel\'s peak resident set size) of the import process, read from /proc/<pid>/status every 100 ms';

/** One run of the CLI on `zip`: its wall time, peak memory and report. */
async function importOnce(zip: string, env: NodeJS.ProcessEnv, endpoint: string, dir: string, log: (line: string) => void): Promise<ImportRun> {
  const storedBefore = await storedPlays(endpoint);
  const timeFile = join(dir, `time-${Date.now()}.txt`);
  const node = [process.execPath, ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`] : []), '--import', 'tsx', join(root, 'scripts/import.ts'), zip];
  const [file, ...argv] = gnuTime ? [TIME, '-v', '-o', timeFile, ...node] : node;
  const started = performance.now();
  const child = spawn(file!, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (data: Buffer) => {
    out += data.toString();
    for (const line of data.toString().split('\n')) if (/files, .* plays read/.test(line)) log(`    ${line.trim()}`);
  });
  child.stderr!.on('data', (data: Buffer) => (err += data.toString()));
  let hwmKb = 0;
  const poll = gnuTime
    ? undefined
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) hwmKb = Math.max(hwmKb, Number(match[1]));
        } catch {
          // Gone between two reads: the last read holds.
        }
      }, 100);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  const wallSeconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  if (code !== 0) throw new Error(`the import ended with ${code}:\n${err.slice(-3_000)}\n${out.slice(-2_000)}`);
  if (gnuTime) hwmKb = number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'))?.[1]);
  const storedAfter = await storedPlays(endpoint);
  return { wallSeconds: round(wallSeconds, 1), peakMb: round(hwmKb / 1024, 0), ...reportOf(out), storedBefore, storedAfter };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The /history handler bundled as deployed, and a runner that times `REQUESTS` requests for `DAYS` after one untimed. */
async function historyRunner(dir: string): Promise<string> {
  await build({ entryPoints: [join(root, 'handlers/http/history.ts')], bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node24', outfile: join(dir, 'history.cjs'), logLevel: 'silent' });
  const runner = join(dir, 'runner.cjs');
  writeFileSync(
    runner,
    `const { randomUUID } = require('node:crypto');
const { handler } = require('./history.cjs');
const days = process.env.DAYS;
const event = () => ({ version: '2.0', routeKey: 'GET /history', rawPath: '/history', rawQueryString: 'days=' + days, headers: { host: 'bench' }, queryStringParameters: { days },
  requestContext: { accountId: 'bench', apiId: 'bench', domainName: 'bench', domainPrefix: 'bench', http: { method: 'GET', path: '/history', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, requestId: randomUUID(), routeKey: 'GET /history', stage: '$default', time: new Date().toUTCString(), timeEpoch: Date.now() }, isBase64Encoded: false });
const context = () => ({ functionName: 'history', memoryLimitInMB: '1024', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 10000 });
(async () => {
  const samples = [];
  let body = '';
  for (let i = 0; i <= Number(process.env.REQUESTS); i++) {
    const t = performance.now();
    const answer = await handler(event(), context());
    const ms = performance.now() - t;
    if (answer.statusCode !== 200) throw new Error('answered ' + answer.statusCode + ' ' + answer.body);
    body = answer.body;
    if (i > 0) samples.push(ms);
  }
  const json = JSON.parse(body);
  console.log(JSON.stringify({ samples, plays: json.plays, complete: json.complete }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  return runner;
}

function askHistory(runner: string, env: NodeJS.ProcessEnv, days: string): Promise<HistoryAnswerFigure> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [runner], { env: { ...env, DAYS: days }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`the /history process ended with ${code}`));
      const { samples, plays, complete } = JSON.parse(out.trim().split('\n').at(-1)!) as { samples: number[]; plays: number; complete: boolean };
      const sorted = [...samples].sort((a, b) => a - b);
      const summary = summarize(samples);
      done({ days, latency: { p50: round(summary.p50, 1), p90: round(sorted[Math.ceil(0.9 * sorted.length) - 1]!, 1), max: round(summary.max, 1) }, plays, complete });
    });
  });
}

async function measure(options: ImportOptions, out: string): Promise<void> {
  const log = (line: string) => console.log(line);
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  let dynalite: ChildProcess | undefined;
  try {
    const zip = join(dir, 'my_spotify_data.zip');
    // Ending at today's start (UTC), so that the last 365 days are the export's last year.
    const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const writing = performance.now();
    const made = await writeExportZip(zip, { years: options.years, playsPerDay: options.playsPerDay, fileBytes: options.fileBytes, seed: 20, end });
    const writtenSeconds = (performance.now() - writing) / 1000;
    const entries = Object.values(made.extended).reduce((sum, count) => sum + count, 0);
    const historyFiles = made.files.filter((name) => /Streaming_History_Audio_/.test(name)).length;
    log(
      `  the export (untimed, ${writtenSeconds.toFixed(1)} s): ${entries.toLocaleString('en-US')} extended-history entries (${made.extended.play.toLocaleString('en-US')} music plays to keep) in ${historyFiles} files, ` +
        `${made.files.length} files in all, ${(statSync(zip).size / 2 ** 20).toFixed(1)} MiB zipped`,
    );

    const data = join(dir, 'dynamodb');
    mkdirSync(data);
    const database = await startDynalite(data);
    dynalite = database.process;
    const endpoint = database.endpoint;
    await createTable(endpoint, TABLE);
    await createTable(endpoint, HISTORY_TABLE, 'HistoryTable');
    const service: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: TABLE,
      HISTORY_TABLE_NAME: HISTORY_TABLE,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID,
      SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      SPOTIFY_REDIRECT_URI: DEFAULT_REDIRECT_URI,
      OWNER_RECHECK_SECONDS: '5',
      HISTORY_CACHE_SECONDS: '0',
      HISTORY_COLLECT_MINUTES: '30',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'true',
    };
    Object.assign(process.env, service);
    // Imported only now: the owner store reads its table and endpoint from the environment once.
    const { bindOwner } = await import('../../lib/owner/owner-store');
    await bindOwner({ spotifyUserId: OWNER_ID, displayName: 'Bench', refreshToken: 'bench-refresh', accessToken: 'bench-access', accessTokenExpiresAt: Date.now() + 3_600_000, scopes: ['user-read-recently-played', 'user-top-read'], authorizedAt: new Date().toISOString() }, false);

    // What the CLI gets: the endpoint override and nothing of the service's settings it would not find on a person's machine.
    const cli: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, HIGHLIGHTS_DYNAMODB_ENDPOINT: endpoint, POWERTOOLS_LOG_LEVEL: 'SILENT' };
    log(`  the import: ${'`'}node --import tsx scripts/import.ts <zip>${'`'} into dynalite on disk; peak memory by ${gnuTime ? 'GNU time' : '/proc VmHWM polling'}`);
    const loadBefore = loadavg();
    const first = await importOnce(zip, cli, endpoint, dir, log);
    log(`  first import: ${first.wallSeconds} s, ${first.imported.toLocaleString('en-US')} plays imported (${first.read.toLocaleString('en-US')} entries read), ${first.days.toLocaleString('en-US')} days, peak ${first.peakMb} MB; ${first.storedAfter.toLocaleString('en-US')} play items stored`);
    const second = await importOnce(zip, cli, endpoint, dir, log);
    log(`  second import: ${second.wallSeconds} s, ${second.imported} imported, ${second.duplicates.toLocaleString('en-US')} found stored; play items ${second.storedBefore.toLocaleString('en-US')} → ${second.storedAfter.toLocaleString('en-US')}`);

    const runner = await historyRunner(dir);
    const history: HistoryAnswerFigure[] = [];
    for (const days of ['365', 'all']) {
      const figure = await askHistory(runner, { ...service, REQUESTS: String(options.requests) }, days);
      history.push(figure);
      log(`  /history?days=${days}: p50 ${figure.latency.p50} ms, p90 ${figure.latency.p90} ms, max ${figure.latency.max} ms over ${options.requests} requests; ${figure.plays.toLocaleString('en-US')} plays${figure.complete ? '' : ' (not complete)'}`);
    }

    const figure: ImportFigure = {
      at: new Date().toISOString(),
      node: process.version,
      loadAverage: { before: loadBefore, after: loadavg() },
      memoryMethod: MEMORY_METHOD,
      export: { years: options.years, entries, plays: made.extended.play, historyFiles, files: made.files.length, zipBytes: statSync(zip).size, writtenSeconds: round(writtenSeconds, 1) },
      first,
      second,
      playsPerSecond: Math.round(first.imported / first.wallSeconds),
      history,
      requests: options.requests,
    };
    writeFileSync(out, `${JSON.stringify(figure, null, 2)}\n`);
  } finally {
    dynalite?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The section of `npm run bench`: this file run in a process of its own (it binds the owner in
 * its own dynalite through the environment), its lines handed to `log`, its figures answered.
 */
export async function measureImport(options: ImportOptions, log: (line: string) => void): Promise<ImportFigure> {
  return runSectionProcess<ImportFigure>('import', fileURLToPath(import.meta.url), [`--years=${options.years}`, `--plays-per-day=${options.playsPerDay}`, `--file-bytes=${options.fileBytes}`, `--requests=${options.requests}`], log);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = args.out ?? join(root, 'bench-results', 'import.json');
  mkdirSync(resolve(out, '..'), { recursive: true });
  const options: ImportOptions = { years: Number(args.years ?? 10), playsPerDay: Number(args['plays-per-day'] ?? 55), fileBytes: Number(args['file-bytes'] ?? 9_600_000), requests: Number(args.requests ?? 20) };
  measure(options, out).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
