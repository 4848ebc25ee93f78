// Server-sent event streams of the API (capture samples, pairing requests):
// one relay that orders writes, keeps the stream alive, and ends promptly.
import type { SSEStreamingApi } from 'hono/streaming';

// Proxies and browsers close event streams that stay silent; a comment line
// every 15 s keeps it open and finds dead clients.
const HEARTBEAT_MS = 15_000;

export type SendEvent = (event: string, data: unknown) => void;

/**
 * Relays events until the client goes away or the server closes. `subscribe`
 * attaches the sources (and may send the initial state); it returns the
 * function that detaches them.
 */
export async function relayEvents(
  stream: SSEStreamingApi,
  closed: AbortSignal,
  subscribe: (send: SendEvent) => () => void,
): Promise<void> {
  // Writes are chained so events arrive in the order they happened.
  let chain: Promise<void> = Promise.resolve();
  const write = (next: () => Promise<void>) => {
    chain = chain.then(next).catch(() => stream.abort());
  };
  const send: SendEvent = (event, data) =>
    write(() => stream.writeSSE({ event, data: JSON.stringify(data) }));
  const heartbeat = setInterval(
    () => write(() => stream.write(': heartbeat\n\n').then(() => {})),
    HEARTBEAT_MS,
  );
  const unsubscribe = subscribe(send);
  try {
    await new Promise<void>((resolve) => {
      stream.onAbort(resolve);
      // A closed socket shows on the stream only at its next write (up to a
      // heartbeat later); the request's signal fires at once, so shutdown is prompt.
      if (closed.aborted) resolve();
      closed.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
  }
}
