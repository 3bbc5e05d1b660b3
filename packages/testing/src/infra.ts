import net from 'node:net';

/** Where the real-infrastructure tests find their servers (env overrides). */
export const infra = {
  postgresUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port ? Number(u.port) : defaultPort };
}

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const defaults = { postgres: 5432, nats: 4222, redis: 6379 } as const;
const urls = { postgres: () => infra.postgresUrl, nats: () => infra.natsUrl, redis: () => infra.redisUrl };

/**
 * Options for node:test `describe`/`test` that need a real server. Locally, a missing
 * server skips the suite with a reason; with CI=true it is required: the suite runs
 * and fails loudly, never silently skips.
 */
export async function needs(server: keyof typeof defaults): Promise<{ skip: string | false }> {
  const { host, port } = hostPort(urls[server](), defaults[server]);
  const ok = await reachable(host, port);
  if (ok) return { skip: false };
  if (process.env.CI === 'true') {
    throw new Error(`${server} is required when CI=true but is not reachable at ${host}:${port}`);
  }
  return { skip: `${server} not reachable at ${host}:${port} (set CI=true to require it)` };
}
