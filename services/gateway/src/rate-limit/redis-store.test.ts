import { infra, needs } from '@mercato/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { describe, it } from 'node:test';
import { createRedisRateLimitStore } from './redis-store.ts';

/**
 * A TCP proxy to the test Redis that holds every connection until released: a Redis
 * whose first connection takes as long as the test decides.
 */
async function slowRedis(): Promise<{
  url: string;
  connections(): number;
  release(): void;
  close(): Promise<void>;
}> {
  const target = new URL(infra.redisUrl);
  const sockets: net.Socket[] = [];
  const held = new Map<net.Socket, Buffer[]>();
  let released = false;
  let connections = 0;
  const pipe = (client: net.Socket, early: Buffer[]) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 6379) });
    sockets.push(upstream);
    for (const chunk of early) upstream.write(chunk);
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  };
  const server = net.createServer((client) => {
    connections += 1;
    sockets.push(client);
    if (released) return pipe(client, []);
    const early: Buffer[] = [];
    held.set(client, early);
    const onData = (chunk: Buffer) => early.push(chunk);
    client.on('data', onData);
    // A client that gives up while held (ioredis after a timed-out ready check) is closed.
    client.once('end', () => {
      if (held.delete(client)) client.destroy();
    });
    client.once('release', () => client.off('data', onData));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    connections: () => connections,
    release() {
      released = true;
      for (const [client, early] of held) {
        client.emit('release');
        pipe(client, early);
      }
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Lets sockets and promise callbacks run until cond holds (no timers: they are mocked). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (cond()) return;
  }
  throw new Error(`never happened: ${what}`);
}

describe('Redis rate-limit store', await needs('redis'), () => {
  it('counts a request made while its first connection is slower than the command timeout', async (t) => {
    const proxy = await slowRedis();
    // The store's own timers (first-connection wait, command timeouts) move only when told.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createRedisRateLimitStore({ url: proxy.url, prefix: `test:ratelimit:${randomUUID()}:` });
    try {
      let outcome: string | undefined;
      const hit = store.hit('sub:slow', 60_000).then(
        (h) => ((outcome = 'counted'), h),
        (err: unknown) => {
          outcome = `failed: ${String(err)}`;
          throw err;
        },
      );
      await until(() => proxy.connections() === 1, 'the store connects');
      // Well past the 250 ms command timeout (the ready check's too), short of the 2 s connect timeout.
      t.mock.timers.tick(1_000);
      await until(() => true, 'a turn of the event loop');
      assert.equal(outcome, undefined, 'the request still waits for the connection');
      proxy.release();
      // ioredis dropped the connection whose ready check timed out; its reconnect timer runs.
      for (let i = 0; i < 40 && outcome === undefined; i++) {
        t.mock.timers.tick(20);
        for (let j = 0; j < 20; j++) await until(() => true, 'a turn of the event loop');
      }
      const counted = await hit;
      assert.equal(counted.count, 1);
      assert.ok(counted.resetMs > 0 && counted.resetMs <= 60_000);
    } finally {
      t.mock.timers.reset();
      await store.close();
      await proxy.close();
    }
  });
});
