/**
 * What a run means: the issue's targets checked (PASS/FAIL), the ratios against each baseline,
 * and docs/benchmarks.md written from the figures alone. A run of some sections only (--only)
 * checks and shows what it measured; the page is rewritten part by part (updatePage).
 */
import { daysHeadline, daysMarkdown, daysTargets } from './days/report';
import type { HistoryCpuFigure } from './history-cpu';
import type { ImportFigure } from './import';
import { SECTIONS, type Section } from './options';
import type { BenchResult } from './run';
import type { Summary } from './stats';
import { DESIGN_LABELS, DESIGNS, type Design } from './world';

export const COMMAND = 'npm ci && npm run bench';
/** The whole bench, all sections (the simulated days' issue). */
const MAX_SECONDS = 15 * 60;
/** Every section but the simulated days, with their set-up (issue 5). */
const MAX_CORE_SECONDS = 5 * 60;
/** /history?days=365 from the daily aggregates, p50 in-process (issue 14). */
const HISTORY_P50_MS = 50;
/** The ten-year export's import: its wall time and the import process's peak memory. */
const IMPORT_MAX_SECONDS = 5 * 60;
const IMPORT_MAX_MB = 300;

export interface Target {
  name: string;
  value: string;
  pass: boolean;
}

/** The ratios of the sections a run measured. */
export interface Ratios {
  /** How many times fewer Spotify calls per 1,000 requests the service makes. */
  spotifyCalls?: Record<'checkExpiry' | 'refreshEveryRequest', number>;
  /** How many times more refreshes each baseline makes in the burst. */
  burstRefreshes?: Record<'checkExpiry' | 'refreshEveryRequest', number>;
  /** The service's end-to-end requests/s over each baseline's, per concurrency. */
  throughput?: Record<'checkExpiry' | 'refreshEveryRequest', Record<number, number>>;
  /** Each baseline's in-process p50 over the service's memory hit p50. */
  latencyP50?: Record<'checkExpiry' | 'refreshEveryRequest', number>;
  /** /history?days=365: reading every play's p50 over answering from the daily aggregates'. */
  historyP50?: number;
}

/** The sections measured in the bench process, on one world; the page shows them together. */
const CORE_SECTIONS: readonly Section[] = SECTIONS.filter((section) => section !== 'days' && section !== 'history-cpu' && section !== 'import');

/** A result with every figure of the core sections. */
type CoreResult = BenchResult & Required<Pick<BenchResult, 'spotifyCalls' | 'latency' | 'burst' | 'burstAcrossContainers' | 'nowPlaying' | 'history' | 'endToEnd' | 'bundles'>>;

function isCore(result: BenchResult): result is CoreResult {
  return CORE_SECTIONS.every((section) => result.sections.includes(section));
}

const ranAll = (result: BenchResult) => SECTIONS.every((section) => result.sections.includes(section));

const BASELINES = ['checkExpiry', 'refreshEveryRequest'] as const;

function throughputOf(result: BenchResult, design: Design, concurrency: number): number {
  return result.endToEnd?.figures.find((figure) => figure.design === design && figure.concurrency === concurrency)?.requestsPerSecond ?? Number.NaN;
}

export function ratios(result: BenchResult): Ratios {
  const per = <T>(value: (baseline: (typeof BASELINES)[number]) => T) =>
    Object.fromEntries(BASELINES.map((baseline) => [baseline, value(baseline)])) as Record<(typeof BASELINES)[number], T>;
  const { spotifyCalls, burst, endToEnd, latency, history } = result;
  return {
    ...(spotifyCalls ? { spotifyCalls: per((baseline) => spotifyCalls[baseline].total / spotifyCalls.service.total) } : {}),
    ...(burst ? { burstRefreshes: per((baseline) => burst[baseline].refreshes / burst.service.refreshes) } : {}),
    ...(endToEnd
      ? {
          throughput: per((baseline) =>
            Object.fromEntries(
              result.settings.endToEnd.concurrencies.map((concurrency) => [concurrency, throughputOf(result, 'service', concurrency) / throughputOf(result, baseline, concurrency)]),
            ),
          ),
        }
      : {}),
    ...(latency ? { latencyP50: per((baseline) => latency[baseline].p50 / latency.memoryHit.p50) } : {}),
    ...(history ? { historyP50: history.naive.latency.p50 / history.aggregates.latency.p50 } : {}),
  };
}

const minutesOf = (seconds: number) => `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

/** How long the run took, checked only when it ran every section: the two time targets. */
function durationTargets(result: BenchResult): Target[] {
  if (!ranAll(result)) return [];
  const core = result.durationSeconds - (result.sectionSeconds.days ?? 0) - (result.sectionSeconds['history-cpu'] ?? 0) - (result.sectionSeconds.import ?? 0);
  return [
    { name: 'the whole bench finishes in under 15 minutes', value: minutesOf(result.durationSeconds), pass: result.durationSeconds < MAX_SECONDS },
    { name: 'every section but the simulated days, the history at Lambda\'s CPU and the import, set-up included, in under 5 minutes', value: minutesOf(core), pass: core < MAX_CORE_SECONDS },
  ];
}

/** The targets of the core sections the run measured. */
function coreTargets(result: BenchResult): Target[] {
  const r = ratios(result);
  const { latency, spotifyCalls, nowPlaying, burst, burstAcrossContainers, history } = result;
  return [
    ...(latency ? [{ name: 'warm memory hit < 1 ms p50 in-process', value: `${ms(latency.memoryHit.p50)} ms`, pass: latency.memoryHit.p50 < 1 }] : []),
    ...(spotifyCalls && r.spotifyCalls
      ? [
          { name: 'Spotify calls ≥ 100× fewer than B', value: `${times(r.spotifyCalls.refreshEveryRequest)} fewer`, pass: r.spotifyCalls.refreshEveryRequest >= 100 },
          { name: 'Spotify calls ≥ 50× fewer than A', value: `${times(r.spotifyCalls.checkExpiry)} fewer`, pass: r.spotifyCalls.checkExpiry >= 50 },
        ]
      : []),
    ...(nowPlaying
      ? [
          {
            name: `/now-playing over ${result.settings.nowPlaying.minutes} simulated minutes, ${nowPlaying.containers} containers: ≤ 60 Spotify calls (player, recently played, token)`,
            value: `${nowPlaying.service.total}`,
            pass: nowPlaying.service.total <= 60,
          },
          {
            name: '/now-playing, the naive design: at least one Spotify call per request',
            value: `${nowPlaying.naive.total.toLocaleString('en-US')} for ${nowPlaying.naive.requests.toLocaleString('en-US')} requests`,
            pass: nowPlaying.naive.total >= nowPlaying.naive.requests,
          },
        ]
      : []),
    ...(burst && burstAcrossContainers
      ? [
          {
            name: `${result.settings.burstSize}-request burst at expiry: exactly 1 refresh (1 container; ${burstAcrossContainers.containers} containers)`,
            value: `${burst.service.refreshes}; ${burstAcrossContainers.refreshes}`,
            pass: burst.service.refreshes === 1 && burstAcrossContainers.refreshes === 1,
          },
        ]
      : []),
    ...(history
      ? [
          {
            name: `/history?days=${history.periodDays} from aggregates < ${HISTORY_P50_MS} ms p50 in-process (${historySeeded(history)})`,
            value: `${ms(history.aggregates.latency.p50)} ms`,
            pass: history.aggregates.latency.p50 < HISTORY_P50_MS,
          },
        ]
      : []),
  ];
}

/** Every target of the sections the run measured. */
export function targets(result: BenchResult): Target[] {
  return [...durationTargets(result), ...coreTargets(result), ...(result.days ? daysTargets(result.days) : []), ...(result.historyCpu ? historyCpuTargets(result.historyCpu) : []), ...(result.importExport ? importTargets(result.importExport) : [])];
}

/** The memory size serverless.yml gives the history's functions (1,024 MB): it must answer a heavy year in under 1 s. */
export const HISTORY_MEMORY_MB = 1024;

function historyCpuTargets(figure: HistoryCpuFigure): Target[] {
  const deployed = figure.figures.find((size) => size.memoryMb === HISTORY_MEMORY_MB);
  if (!deployed) return [];
  return [{ name: `/history?days=${figure.days} for a heavy listener at ${HISTORY_MEMORY_MB} MB (the history's functions) in under 1 s p90`, value: `${ms(deployed.latency.p90)} ms`, pass: deployed.latency.p90 < 1_000 }];
}

function historyCpuHeadline(figure: HistoryCpuFigure): string[] {
  const smallest = figure.underASecondMb === null ? 'no size measured answers in under 1 s (p90)' : `the smallest size answering in under 1 s (p90) is ${figure.underASecondMb.toLocaleString('en-US')} MB`;
  return [`/history?days=${figure.days} for a heavy listener (${figure.seededPlays.toLocaleString('en-US')} plays) at Lambda's CPU: ${smallest}.`];
}

/** The history-cpu part of the page. */
function historyCpuMarkdown(figure: HistoryCpuFigure): string[] {
  return [
    `## /history?days=${figure.days} for a heavy listener at each Lambda memory size's CPU`,
    '',
    `Measured ${figure.at.slice(0, 16).replace('T', ' ')} UTC on Node.js ${figure.node}, load average ${figure.loadAverage.map((load) => load.toFixed(1)).join(' / ')} (\`npm run bench -- --only history-cpu\`, scripts/bench/history-cpu.ts).`,
    `${figure.seededPlays.toLocaleString('en-US')} plays (1,000 a day, 10,000 distinct tracks a month) stored as the collector stores them; the handler bundled`,
    `as deployed, in a process of its own held to memory/1,769 of a core by ${figure.method}; dynalite in its own process, unlimited.`,
    `One cold request, then ${figure.requests} warm ones each reading everything (HISTORY_CACHE_SECONDS=0).`,
    '',
    '| memory | share of a core | warm p50 (ms) | warm p90 (ms) | max (ms) | CPU a request (ms) | cold (ms) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...figure.figures.map((size) => `| ${size.memoryMb.toLocaleString('en-US')} MB | ${size.cpuShare} | ${size.latency.p50} | ${size.latency.p90} | ${size.latency.max} | ${size.cpuMsPerRequest} | ${size.coldMs} |`),
    '',
    ...historyCpuHeadline(figure),
    `The history's two functions are given ${HISTORY_MEMORY_MB.toLocaleString('en-US')} MB: a miss costs fewer GB-seconds there than at 256 MB, where it is CPU-bound.`,
    'Real DynamoDB serves the reads faster than dynalite does; the CPU a request takes is the figure that carries over.',
    '',
  ];
}

const count = (value: number) => value.toLocaleString('en-US');
const yearsOf = (years: number) => (years === 1 ? 'one-year' : `${years}-year`);
const periodOf = (figure: ImportFigure, days: string) => figure.history.find((answer) => answer.days === days);
const peakOf = (figure: ImportFigure) => Math.max(figure.first.peakMb, figure.second.peakMb);
/** What the second import of the same zip added: by its own report, and by the play items stored. */
const secondAdded = (figure: ImportFigure) => Math.max(figure.second.imported, figure.second.storedAfter - figure.second.storedBefore);

function importTargets(figure: ImportFigure): Target[] {
  const year = periodOf(figure, '365');
  const { first, second } = figure;
  return [
    { name: `the ${yearsOf(figure.export.years)} export's import (${count(figure.export.entries)} entries) finishes in under 5 minutes`, value: minutesOf(first.wallSeconds), pass: first.wallSeconds < IMPORT_MAX_SECONDS },
    { name: `the import process stays under ${IMPORT_MAX_MB} MB (peak resident memory)`, value: `${peakOf(figure)} MB`, pass: peakOf(figure) < IMPORT_MAX_MB },
    {
      name: 'a second import of the same zip adds nothing',
      value: `${count(second.imported)} imported, play items ${count(second.storedBefore)} → ${count(second.storedAfter)}`,
      pass: secondAdded(figure) === 0,
    },
    ...(year ? [{ name: `/history?days=365 over the imported history < ${HISTORY_P50_MS} ms p50`, value: `${ms(year.latency.p50)} ms`, pass: year.latency.p50 < HISTORY_P50_MS }] : []),
  ];
}

function importHeadline(figure: ImportFigure): string[] {
  const { first, second } = figure;
  const year = periodOf(figure, '365');
  const all = periodOf(figure, 'all');
  return [
    `Importing a ${yearsOf(figure.export.years)} data export (${count(figure.export.entries)} entries in ${figure.export.historyFiles} files) with \`npm run import\`: ` +
      `${count(first.imported)} plays in ${first.wallSeconds} s (${count(figure.playsPerSecond)} plays/s), peak ${first.peakMb} MB (${second.peakMb} MB on the second run); ` +
      `the same zip again in ${second.wallSeconds} s added ${count(secondAdded(figure))}` +
      `${year ? `; then /history?days=365 p50 ${ms(year.latency.p50)} ms` : ''}${all ? `, days=all (${count(all.plays)} plays) p50 ${ms(all.latency.p50)} ms` : ''}.`,
  ];
}

const loads = (values: number[]) => values.map((load) => load.toFixed(1)).join(' / ');

/** The import part of the page. */
function importMarkdown(figure: ImportFigure): string[] {
  const { first, second } = figure;
  const cell = (days: string) => {
    const answer = periodOf(figure, days);
    return answer ? `${ms(answer.latency.p50)} ms (${count(answer.plays)} plays)` : '–';
  };
  return [
    `## Importing Spotify's data export: a ${yearsOf(figure.export.years)} export into the local stack`,
    '',
    `Measured ${figure.at.slice(0, 16).replace('T', ' ')} UTC on Node.js ${figure.node}, load average (1 / 5 / 15 min) ${loads(figure.loadAverage.before)} before the first import and ${loads(figure.loadAverage.after)} at the end (\`npm run bench -- --only import\`, scripts/bench/import.ts).`,
    '',
    row(['plays in the export', 'history files', 'imported', 'wall (s)', 'plays/s', 'peak memory, first / second run', 'second run (s)', 'second run added', '/history?days=365 p50', '/history?days=all p50', 'load (1 min) before → after']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    row([
      `${count(figure.export.entries)} (${count(figure.export.plays)} music plays to keep)`,
      figure.export.historyFiles,
      count(first.imported),
      first.wallSeconds,
      count(figure.playsPerSecond),
      `${first.peakMb} / ${second.peakMb} MB`,
      second.wallSeconds,
      count(secondAdded(figure)),
      cell('365'),
      cell('all'),
      `${figure.loadAverage.before[0]!.toFixed(1)} → ${figure.loadAverage.after[0]!.toFixed(1)}`,
    ]),
    '',
    `- The export: tests/support/spotify-export.ts's synthetic zip (${(figure.export.zipBytes / 2 ** 20).toFixed(1)} MiB, ${figure.export.files} files), ${figure.export.years} years ending today of ${count(Math.round(figure.export.entries / (figure.export.years * 365)))} entries a`,
    '  day split into extended-history files as Spotify splits them, with its podcasts, audiobooks, short, incognito and',
    "  nameless plays (skipped and counted by the import), the account data's last year, and files the import skips.",
    `  The first run read ${count(first.read)} entries (the account data's included), found ${count(first.duplicates)} of the export's plays to be another`,
    `  of its plays (the same track ending within seconds: the import's rule for one play) and rewrote ${count(first.days)} days' aggregates.`,
    '- The database: dynalite in a process of its own, its data on disk as `npm start` keeps it, the tables made from',
    "  serverless.yml under the local stage's names, an owner connected.",
    '- The import: the real CLI, `node --import tsx scripts/import.ts <zip>`, pointed at that dynalite by',
    '  HIGHLIGHTS_DYNAMODB_ENDPOINT; wall time from spawning it to its exit, TypeScript compiled on the fly included.',
    `  Peak memory: ${figure.memoryMethod}; MB are 2^20 bytes.`,
    `- The second run imports the same zip: it found ${count(second.duplicates)} plays stored already and imported ${count(second.imported)}; the play items`,
    `  stored, counted by a Query before and after it, went from ${count(second.storedBefore)} to ${count(second.storedAfter)}. Peak memory ${second.peakMb} MB.`,
    `- /history: the handler bundled as deployed, run by plain node in a process of its own (CPU unlimited,`,
    `  HISTORY_CACHE_SECONDS=0: every request reads), one untimed request then ${figure.requests} timed ones per period.`,
    `  days=all answers the whole stored history from the month roll-ups. p90: ${figure.history.map((answer) => `days=${answer.days} ${ms(answer.latency.p90)} ms`).join(', ')}.`,
    '',
    'Targets:',
    '',
    ...importTargets(figure).map((target) => `- ${target.pass ? 'PASS' : 'FAIL'} ${target.name}: ${target.value}`),
    '',
  ];
}

function historySeeded(history: NonNullable<BenchResult['history']>): string {
  const { days, plays } = history.seeded;
  return `${days === 365 ? 'a year' : `${days} days`}, ${plays.toLocaleString('en-US')} plays`;
}

const mib = (bytes: number) => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

export function times(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 10 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)}×`;
}

const kib = (bytes: number | null) => (bytes === null ? '–' : `${(bytes / 1024).toFixed(0)} KiB`);
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const summaryCells = (summary: Summary) => [summary.n, ms(summary.p50), ms(summary.p99)];

/** One line per target, for the console. */
export function targetLines(result: BenchResult): string[] {
  return targets(result).map((target) => `${target.pass ? 'PASS' : 'FAIL'}  ${target.name}: ${target.value}`);
}

/** The headline of the core sections the run measured. */
function coreHeadline(result: BenchResult): string[] {
  const r = ratios(result);
  const { spotifyCalls, burst, burstAcrossContainers, nowPlaying, latency, endToEnd, history } = result;
  const top = Math.max(...result.settings.endToEnd.concurrencies);
  return [
    ...(spotifyCalls && r.spotifyCalls
      ? [
          `Spotify calls per 1,000 requests over ${result.settings.window.windowMinutes} simulated minutes: ${spotifyCalls.service.per1000} for this service, ` +
            `${times(r.spotifyCalls.checkExpiry)} fewer than A (${spotifyCalls.checkExpiry.per1000}) and ${times(r.spotifyCalls.refreshEveryRequest)} fewer than B (${spotifyCalls.refreshEveryRequest.per1000}).`,
        ]
      : []),
    ...(burst && burstAcrossContainers
      ? [
          `Token refreshes in a ${result.settings.burstSize}-request burst at expiry: ${burst.service.refreshes} for this service ` +
            `(${burstAcrossContainers.refreshes} over ${burstAcrossContainers.containers} containers), ${burst.checkExpiry.refreshes} for A, ${burst.refreshEveryRequest.refreshes} for B.`,
        ]
      : []),
    ...(nowPlaying
      ? [
          `/now-playing, ${nowPlaying.service.requests.toLocaleString('en-US')} requests over ${result.settings.nowPlaying.minutes} simulated minutes and ${nowPlaying.containers} containers: ` +
            `${nowPlaying.service.total} Spotify calls for this service, ${nowPlaying.naive.total.toLocaleString('en-US')} for the naive design ` +
            `(${times(nowPlaying.naive.total / nowPlaying.service.total)} fewer).`,
        ]
      : []),
    ...(latency
      ? [
          `In-process p50: memory hit ${ms(latency.memoryHit.p50)} ms, DynamoDB hit ${ms(latency.dynamoHit.p50)} ms, miss ${ms(latency.miss.p50)} ms; ` +
            `A ${ms(latency.checkExpiry.p50)} ms, B ${ms(latency.refreshEveryRequest.p50)} ms per request.`,
        ]
      : []),
    ...(endToEnd && r.throughput
      ? [
          `End to end at concurrency ${top}: ${Math.round(throughputOf(result, 'service', top))} requests/s for this service, ` +
            `${times(r.throughput.checkExpiry[top] ?? Number.NaN)} A's and ${times(r.throughput.refreshEveryRequest[top] ?? Number.NaN)} B's.`,
        ]
      : []),
    ...(history && r.historyP50 !== undefined
      ? [
          `/history?days=${history.periodDays} (${historySeeded(history)}), in-process p50: ${ms(history.aggregates.latency.p50)} ms from the aggregates ` +
            `(${history.aggregates.months.items} month roll-ups, ${mib(history.aggregates.months.bytes)}, and the edge days), ${ms(history.naive.latency.p50)} ms reading every play (${mib(history.naive.bytes)}): ` +
            `${times(r.historyP50)} faster; both count ${history.aggregates.answer.plays.toLocaleString('en-US')} plays, top artist ${history.aggregates.answer.topArtist}.`,
        ]
      : []),
  ];
}

export function headline(result: BenchResult): string[] {
  return [
    ...coreHeadline(result),
    ...(result.days ? daysHeadline(result.days) : []),
    ...(result.historyCpu ? historyCpuHeadline(result.historyCpu) : []),
    ...(result.importExport ? importHeadline(result.importExport) : []),
  ];
}

/** The core sections' part of the page: their headline, targets, tables and method. */
function coreMarkdown(result: CoreResult): string[] {
  const { settings, machine, history } = result;
  const r = ratios(result) as Required<Ratios>;
  const lines = [
    `Measured on ${result.startedAt.slice(0, 10)}. Every figure of this part comes from that one run: the service, baseline A ("check expiry, no`,
    'cache": reads the token from DynamoDB, refreshes it when expired and calls Spotify on every request) and baseline B',
    '("refresh every request"), side by side on the same machine, the same Spotify emulator and the same dynalite.',
    '',
    '## Headline',
    '',
    ...coreHeadline(result).map((line) => `- ${line}`),
    '',
    '## Targets (issues 5, 11 and 14, and the whole bench)',
    '',
    row(['target', 'this run', '']),
    row(['---', '---', '---']),
    ...[...durationTargets(result), ...coreTargets(result)].map((target) => row([target.name, target.value, target.pass ? 'PASS' : 'FAIL'])),
    '',
    `## Spotify calls per 1,000 requests over ${settings.window.windowMinutes} simulated minutes`,
    '',
    row(['design', 'requests', 'token calls', 'Web API calls', 'per 1,000 requests', 'this service makes']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...DESIGNS.map((design) => {
      const figure = result.spotifyCalls[design];
      const ratio = design === 'service' ? '' : `${times(r.spotifyCalls[design])} fewer`;
      return row([DESIGN_LABELS[design], figure.requests, figure.token, figure.api, figure.per1000, ratio]);
    }),
    '',
    '## Handler latency in-process (ms)',
    '',
    row(['case', 'requests', 'p50', 'p99']),
    row(['---', '---:', '---:', '---:']),
    row(['this service, memory hit (warm container, fresh result: no I/O)', ...summaryCells(result.latency.memoryHit)]),
    row(['this service, DynamoDB hit (empty memory, fresh stored result)', ...summaryCells(result.latency.dynamoHit)]),
    row(['this service, miss (Spotify asked, valid token)', ...summaryCells(result.latency.miss)]),
    row(['this service, miss with a token refresh', ...summaryCells(result.latency.missWithRefresh)]),
    row([`${DESIGN_LABELS.checkExpiry}, any request (valid token)`, ...summaryCells(result.latency.checkExpiry)]),
    row([`${DESIGN_LABELS.refreshEveryRequest}, any request`, ...summaryCells(result.latency.refreshEveryRequest)]),
    '',
    `At p50 a request to A takes ${times(r.latencyP50.checkExpiry)} as long as the service's memory hit, and one to B ${times(r.latencyP50.refreshEveryRequest)}.`,
    'A miss costs the service more than a request costs A: around its one Spotify call (for the largest page, 50 items,',
    'so that every `limit` is served from it) it reads the stored result and the owner\'s item and stores the new result.',
    '',
    `## End to end over HTTP: ${result.endToEnd.via}`,
    '',
    row(['design', 'concurrency', 'requests', 'errors', 'Spotify calls', 'requests/s', 'p50 ms', 'p99 ms', 'this service’s requests/s']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...result.endToEnd.figures.map((figure) =>
      row([
        DESIGN_LABELS[figure.design],
        figure.concurrency,
        figure.requests,
        figure.errors,
        figure.spotifyCalls,
        figure.requestsPerSecond.toFixed(0),
        ms(figure.latency.p50),
        ms(figure.latency.p99),
        figure.design === 'service' ? '' : `${times(r.throughput[figure.design][figure.concurrency] ?? Number.NaN)}`,
      ]),
    ),
    '',
    `## /now-playing: ${settings.nowPlaying.requestsPerMinute.toLocaleString('en-US')} requests a minute for ${settings.nowPlaying.minutes} simulated minutes over ${result.nowPlaying.containers} containers`,
    '',
    row(['design', 'requests', 'currently playing', 'recently played', 'token', 'Spotify calls', 'this service makes']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...(['service', 'naive'] as const).map((design) => {
      const figure = result.nowPlaying[design];
      const label = design === 'service' ? DESIGN_LABELS.service : 'naive: asks Spotify on every request';
      const ratio = design === 'service' ? '' : `${times(figure.total / result.nowPlaying.service.total)} fewer`;
      return row([label, ...[figure.requests, figure.currentlyPlaying, figure.recentlyPlayed, figure.token, figure.total].map((n) => n.toLocaleString('en-US')), ratio]);
    }),
    '',
    'The owner connected 55 simulated minutes before (the access token expires 5 minutes in) and plays tracks in a row',
    'that end 6 minutes in; then nothing plays and /now-playing answers the last played (from /me/player/recently-played).',
    `Requests arrive ${result.nowPlaying.containers} at a time, one per container (fresh copies of the built nowPlaying bundle); the naive design`,
    'checks the token as A does and asks Spotify what plays, and what played last when nothing does, on every request.',
    'Spotify\'s latency is 0 here: calls are counted, not timed.',
    '',
    `## Token refreshes during a ${settings.burstSize}-request burst at token expiry`,
    '',
    row(['design', 'containers', 'refresh calls', 'Web API calls', 'wall time ms']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...[...DESIGNS.map((design) => [DESIGN_LABELS[design], result.burst[design]] as const), [DESIGN_LABELS.service, result.burstAcrossContainers] as const].map(
      ([label, figure]) => row([label, figure.containers, figure.refreshes, figure.apiCalls, ms(figure.wallMs)]),
    ),
    '',
    `## /history?days=${history.periodDays}: the aggregates against reading every play (in-process, ms)`,
    '',
    row(['design', 'reads per request', 'Query pages', 'stored size (JSON)', 'requests', 'p50', 'p99']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    row([
      'this service: GET /history, from the month roll-ups (and the days at the edges)',
      `${history.aggregates.months.items} month items + the edge days`,
      '',
      mib(history.aggregates.months.bytes),
      ...summaryCells(history.aggregates.latency),
    ]),
    row([
      'for comparison: the Query of all the day items alone (read when the owner hides something)',
      `${history.aggregates.items.toLocaleString('en-US')} day items`,
      history.aggregates.queryPages,
      mib(history.aggregates.bytes),
      ...summaryCells(history.aggregates.dayItemsQuery),
    ]),
    row([
      'naive: every play of the period, read and summed',
      `${history.naive.items.toLocaleString('en-US')} plays`,
      history.naive.queryPages,
      mib(history.naive.bytes),
      ...summaryCells(history.naive.latency),
    ]),
    '',
    `Seeded untimed in ${history.seeded.seconds.toFixed(1)} s: ${history.seeded.plays.toLocaleString('en-US')} plays over ${history.seeded.days} days, of`,
    `${history.seeded.tracks} tracks by ${history.seeded.artists} artists, stored as the collector stores them (each play under putPlay's key, each day's`,
    'aggregate with putDay, each month\'s roll-up, the collector\'s state since the first day). At p50 the answer from the aggregates is',
    `${times(r.historyP50)} as fast as reading every play; both count ${history.aggregates.answer.plays.toLocaleString('en-US')} plays and ${history.aggregates.answer.minutes.toLocaleString('en-US')} minutes, with`,
    `${history.aggregates.answer.topArtist} and "${history.aggregates.answer.topTrack}" on top, day by day the same${history.complete ? ', and the answer says the period is complete' : ''}.`,
    `With nothing hidden the answer reads the whole months from their roll-ups; an owner who hides something is answered day by day,`,
    `whose ${history.aggregates.items} day items alone take ${ms(history.aggregates.dayItemsQuery.p50)} ms to read (p50).`,
    '',
    `## Package size and cold module initialisation per function (median of ${settings.initRuns} fresh processes)`,
    '',
    row(['function', 'zip', 'bundle', 'import() median ms', 'fastest ms', 'every run ms']),
    row(['---', '---:', '---:', '---:', '---:', '---']),
    ...result.bundles.map((bundle) =>
      row([
        bundle.function,
        kib(bundle.zipBytes),
        kib(bundle.bundleBytes),
        ms(bundle.initMs.median),
        ms(bundle.initMs.min),
        bundle.initMs.runs.map(ms).join(', '),
      ]),
    ),
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores; ${machine.memoryGiB} GiB memory; ${machine.platform}; Node.js ${machine.node}.`,
    `- Load average when the run started (1, 5, 15 min): ${machine.loadAverageAtStart.join(', ')}. Other work on the machine skews every figure.`,
    `- Whole run: ${Math.round(result.durationSeconds)} s${result.sectionSeconds.days === undefined ? '' : `, of which the simulated days ${Math.round(result.sectionSeconds.days)} s`}.`,
    '',
    '## Reproduce',
    '',
    '```sh',
    COMMAND,
    `npm run bench -- --spotify-latency-ms ${settings.spotifyLatencyMs}   # the emulator's latency per Spotify call (default 100)`,
    '```',
    '',
    'The run writes this page and bench-results/<date>.json (git-ignored), prints PASS or FAIL per target and exits',
    'non-zero if one fails. `npm test` runs it with tiny counts (`--smoke`) so it keeps working.',
    '',
    '## How it is measured',
    '',
    `- Spotify is the project's emulator (tests/support/spotify-emulator) answering after ${settings.spotifyLatencyMs} ms per call, with`,
    `  Spotify's ${settings.accessTokenTtlSeconds / 60}-minute access tokens. The service runs its real handler (handlers/http/highlights.ts) with`,
    `  HIGHLIGHTS_CACHE_SECONDS at its default, ${settings.cacheSeconds}. The baselines are scripts/bench/baselines.ts: plain handlers`,
    '  using spotify-web-api-node and the DynamoDB document client, no cache, no artificial slowness. Counted Spotify calls',
    '  are the emulator\'s own counters (token endpoint + Web API); connecting the owner is not counted.',
    '- DynamoDB is one dynalite for the whole run: in a full run the one `npm start` starts (data on disk in a temporary',
    '  folder), which the in-process measurements use as well; every design and scenario gets its own table in it.',
    '- Simulated time: the bench replaces `Date.now` in its process, which the service, the baselines and the emulator',
    `  all read. For the ${settings.window.windowMinutes}-minute figure each design gets a fresh table, and the owner connected 55 simulated`,
    '  minutes before the window, so the access token expires 5 minutes into it (the service starts with nothing cached).',
    `  To finish in seconds, the ${settings.window.requests} requests arrive in batches of ${settings.window.batch} simultaneous requests, one batch every`,
    `  ${((settings.window.windowMinutes * 60 * settings.window.batch) / settings.window.requests).toFixed(1)} simulated seconds; so A refreshes once per request of the batch that meets the expired token`,
    '  (each reads the expired token before any has stored a new one).',
    '- In-process latency is the handler call alone (the middy stack included, no HTTP). The DynamoDB hit empties the',
    '  container\'s memory with `clearListeningMemory()` before each request; the miss also moves the clock past',
    `  HIGHLIGHTS_CACHE_SECONDS. So that a plain miss never includes a refresh, that owner is granted day-long tokens,`,
    '  and "miss with a token refresh" moves the clock past them. In-process, Spotify and DynamoDB traffic passes',
    '  through msw (how the test suite reaches the emulator), which adds a little to every call but a memory hit.',
    '- The burst: one request first (so the service holds a result), then the clock jumps past the token\'s expiry and',
    `  the result's freshness, and ${settings.burstSize} requests arrive at once in one container. The service's second row spreads`,
    `  them round robin over ${result.burstAcrossContainers.containers} containers: fresh copies of its built highlights bundle loaded side by side in the bench`,
    '  process, each with its own memory, DynamoDB client and refresh-lease identity; they share only DynamoDB, as',
    '  Lambda containers do.',
    '- End to end: a keep-alive load loop on 127.0.0.1 runs each design at each concurrency for',
    `  ${settings.endToEnd.seconds} s (at most ${settings.endToEnd.maxRequests} requests) after ${settings.endToEnd.warmupRequests} warm-up requests. The service is the real local`,
    '  stack (`npm start`: dynalite + serverless offline, in-process, one module instance per function). The baselines run',
    '  under serverless offline too (scripts/bench/serverless.yml: same plugins, runtime and esbuild settings), on the',
    '  same dynalite and emulator. Each offline process reaches Spotify through the emulator\'s msw preload, which',
    '  also handles (and costs CPU for) its DynamoDB calls. Where a design\'s requests/s stops growing with concurrency,',
    '  it is bound by the two cores (shared by the load loop, the emulator, dynalite and serverless offline), not by',
    '  Spotify\'s latency.',
    `- /history: a fresh history table (serverless.yml's HistoryTable) and owner, ${history.seeded.days} days of plays from a seeded PRNG`,
    `  (${settings.history.playsPerDay} a day at random instants, a few favourite tracks and a long tail) ending now, in HISTORY_TIME_ZONE's default (UTC).`,
    `  The service is its real handler (handlers/http/history.ts) with HISTORY_CACHE_SECONDS=0, so every request`,
    '  reads; the naive design (scripts/bench/history.ts) reads the owner as the handler does, Queries every play of the',
    '  period page after page and sums it per day, artist and track with the same settings. The bench refuses the figures',
    '  unless both answer the same plays, minutes, days, top artist and top track. One untimed request each first.',
    '- Packages: `serverless package --stage prod` without AWS credentials; the zip per function, and its bundle unzipped.',
    '  Cold initialisation is `import()` of that bundle in a fresh `node` process (no loaders, Lambda-like environment),',
    '  timed inside the process; it excludes node\'s own start-up. What serverless.yml leaves out of the bundles for the',
    '  Lambda runtime to provide resolves from node_modules.',
    '',
  ];
  return lines;
}

/** The parts of the page, each between markers, so that a run of some sections rewrites only theirs. */
type Part = 'core' | 'days' | 'history-cpu' | 'import';
const opening = (part: Part) => `<!-- bench:${part} -->`;
const closing = (part: Part) => `<!-- /bench:${part} -->`;

/** The parts this run can write: the core one needs all the core sections. */
function partsOf(result: BenchResult): Map<Part, string[]> {
  const parts = new Map<Part, string[]>();
  if (isCore(result)) parts.set('core', coreMarkdown(result));
  if (result.days) parts.set('days', daysMarkdown(result.days, result));
  if (result.historyCpu) parts.set('history-cpu', historyCpuMarkdown(result.historyCpu));
  if (result.importExport) parts.set('import', importMarkdown(result.importExport));
  return parts;
}

const wrapped = (part: Part, lines: string[]) => [opening(part), ...lines, closing(part)].join('\n');

const PAGE_HEAD = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (scripts/bench.ts); rerun it rather than editing this page. Each part says when it was',
  'measured: a full run writes them all, `npm run bench -- --only days` the simulated days alone.',
  '',
].join('\n');

/** The whole page from one run of every section. */
export function markdown(result: BenchResult): string {
  return `${PAGE_HEAD}\n${[...partsOf(result)].map(([part, lines]) => wrapped(part, lines)).join('\n\n')}\n`;
}

/**
 * `page` (docs/benchmarks.md as it is, or undefined) with the parts this run measured rewritten,
 * and the parts it rewrote. A part the page lacks is added at its end.
 */
export function updatePage(page: string | undefined, result: BenchResult): { page: string; parts: Part[] } {
  const parts = partsOf(result);
  let text = page ?? `${PAGE_HEAD}\n`;
  for (const [part, lines] of parts) {
    const start = text.indexOf(opening(part));
    const end = text.indexOf(closing(part));
    text = start >= 0 && end > start ? text.slice(0, start) + wrapped(part, lines) + text.slice(end + closing(part).length) : `${text.trimEnd()}\n\n${wrapped(part, lines)}\n`;
  }
  return { page: text, parts: [...parts.keys()] };
}
