/**
 * A hung AWS endpoint on real sockets: a TCP server on 127.0.0.1 that accepts connections and
 * never answers, as a stalled DynamoDB or SSM looks to the SDK (connected, then silence). Given a
 * target (the run's dynalite), it forwards to it until told to stall, so a test can let some
 * calls through and stall the rest.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface StalledServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** From now on, nothing sent is forwarded and nothing more is answered. */
  stall(): void;
  /** Forwards until a request containing `text` has gone through (its answer comes back), then stalls. */
  stallAfter(text: string): void;
  /** When it began to stall (epoch ms), if it has. */
  stalledAt(): number | undefined;
  close(): Promise<void>;
}

export async function startStalledServer(target?: string): Promise<StalledServer> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client giving up resets its socket; that is the point, not a failure of the test.
    socket.on('error', () => undefined);
    return socket;
  };
  let stalledSince = target ? undefined : Date.now();
  const stall = () => {
    stalledSince ??= Date.now();
  };
  let trigger: string | undefined;
  let accepted = 0;

  const server = createServer((client) => {
    accepted += 1;
    track(client);
    if (stalledSince !== undefined || !target) {
      // Read and drop whatever is sent, so the client's writes never block: it only waits.
      client.resume();
      return;
    }
    const { hostname, port } = new URL(target);
    const upstream = track(connect(Number(port), hostname));
    upstream.on('data', (chunk) => client.write(chunk));
    // Once stalled, even the upstream closing its end is not passed on: silence is the fault.
    upstream.on('end', () => stalledSince === undefined && client.end());
    client.on('data', (chunk: Buffer) => {
      if (stalledSince !== undefined) return;
      upstream.write(chunk);
      if (trigger && chunk.toString('latin1').includes(trigger)) stall();
    });
    client.on('end', () => stalledSince === undefined && upstream.end());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    stall,
    stallAfter: (text) => {
      trigger = text;
    },
    stalledAt: () => stalledSince,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
