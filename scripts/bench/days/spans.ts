/**
 * Which requests of the simulated days are invoked, and which ones each invocation stands for.
 *
 * Two days at 20 requests a second are 3.5 million requests per design. Invoked one by one they
 * would take hours: measured here, a warm in-process request costs 0.5 to 5 ms (the cards the
 * most: they draw the SVG again), and one that reads DynamoDB a few more; even one invocation per
 * endpoint and simulated second (1 million at 20 a second) took far longer than the bench's 15
 * minutes. So an invocation stands for the requests that come after it to the same endpoint and
 * container while its answer says it is fresh (its Cache-Control max-age: the service's own cache
 * answers them from memory, alike), and at least for those of the same simulated second (the
 * answer is not fresh: `no-cache`); never past the endpoint's move to another container. Each
 * request it stands for keeps its own arrival time, so the figures count every request, each with
 * its own age of the answer.
 */
import { containerFor } from './traffic';

export type Answer = { statusCode: number; body?: string; headers?: Record<string, string> };

export interface Span {
  endpoint: number;
  container: number;
  /** Simulated ms from the simulation's start: when the invoked request arrived. */
  atMs: number;
  /** Until when (same clock) requests are stood for by this invocation. */
  untilMs: number;
  /** Each request it stands for: ms after `atMs` (the invoked one is 0). */
  arrivals: number[];
  answer: Answer;
}

/** Seconds the answer says it stays fresh (its Cache-Control max-age); 0 when it does not say. */
export function maxAgeOf(answer: Answer): number {
  const header = Object.entries(answer.headers ?? {}).find(([name]) => name.toLowerCase() === 'cache-control')?.[1] ?? '';
  const match = /(?:^|[\s,])max-age=(\d+)/.exec(header);
  return match ? Number(match[1]) : 0;
}

export class Spans {
  private readonly open = new Map<number, Span>();

  /**
   * `invoke` runs the request to `endpoint` on `container`; `done` gets each span once no more
   * requests join it. `standForFresh` false: an invocation stands for its second's requests only
   * (to check that standing for the fresh ones changes no figure).
   */
  constructor(
    private readonly containers: number,
    private readonly standForFresh: boolean,
    private readonly invoke: (endpoint: number, container: number) => Promise<Answer>,
    private readonly done: (span: Span) => void,
  ) {}

  /** A request to `endpoint` arriving at `atMs`: it joins the endpoint's open span, or is invoked. */
  async request(endpoint: number, atMs: number): Promise<void> {
    const open = this.open.get(endpoint);
    const second = Math.floor(atMs / 1000);
    const { container, until: turnEnds } = containerFor(endpoint, second, this.containers);
    if (open && open.container === container && atMs < open.untilMs) {
      open.arrivals.push(atMs - open.atMs);
      return;
    }
    if (open) this.close(endpoint, open);
    const answer = await this.invoke(endpoint, container);
    const fresh = this.standForFresh ? maxAgeOf(answer) * 1000 : 0;
    const untilMs = Math.min(turnEnds, Math.max((second + 1) * 1000, atMs + fresh));
    this.open.set(endpoint, { endpoint, container, atMs, untilMs, arrivals: [0], answer });
  }

  private close(endpoint: number, span: Span): void {
    this.open.delete(endpoint);
    this.done(span);
  }

  /** Ends every open span (the simulation's end). */
  closeAll(): void {
    for (const [endpoint, span] of [...this.open]) this.close(endpoint, span);
  }
}
