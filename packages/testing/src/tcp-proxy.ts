import net from 'node:net';

/** A TCP relay in front of a server: tests cut it to make the server unreachable. */
export interface TcpProxy {
  /** The loopback port it listens on. */
  port: number;
  /** Rewrites a URL of the target server (`postgres://…:5432/db`) to go through the proxy. */
  via(url: string): string;
  /** Stops accepting and drops every relayed connection, as a server crash or a network cut would. */
  cut(): Promise<void>;
  /** Accepts again on the same port, as the server coming back would. */
  restore(): Promise<void>;
}

/** Relays loopback connections to `target` (`host:port`) until cut. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async restore() {
      if (!server.listening) await listen(port);
    },
  };
}
