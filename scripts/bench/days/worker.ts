/**
 * One simulated run in a process of its own, as section.ts forks it: the simulated clock replaces
 * this process's Date.now, so runs cannot share one, and separate processes let two runs use the
 * two cores. section.ts bundles this file with esbuild and starts it with plain node (no tsx
 * hooks: loading 30 bundles through them cost seconds). It takes one RunSpec over IPC and answers
 * { progress } lines, then { figure } or { error }.
 */
import { shareAsyncLocalStorage } from './async-context';
import { simulate, type RunSpec } from './simulate';

export type WorkerMessage = { progress: string } | { figure: Awaited<ReturnType<typeof simulate>> } | { error: string };

function send(message: WorkerMessage, then: () => void = () => undefined): void {
  process.send?.(message, undefined, {}, then);
}

shareAsyncLocalStorage();

process.once('message', (spec: RunSpec) => {
  simulate(spec, (progress) => send({ progress })).then(
    (figure) => send({ figure }, () => process.exit(0)),
    (error: unknown) => send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
  );
});
