import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** A `mercato start` child process, with its output kept for failure messages. */
export interface PlatformProcess {
  child: ChildProcess;
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `mercato start` with the given env; ports move by MERCATO_PORT_OFFSET. */
export function startPlatform(args: string[], env: Record<string, string>): PlatformProcess {
  const child = spawn(process.execPath, [cli, 'start', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Polls url until it answers 200 (or the process dies, or the deadline passes); resolves with ms taken. */
export async function waitFor200(url: string, p: PlatformProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (p.child.exitCode !== null) throw new Error(`platform exited early:\n${p.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${p.output()}`);
}

/** A port offset unlikely to collide with a platform already running on the default ports. */
export function randomOffset(): number {
  return 20_000 + Math.floor(Math.random() * 400) * 10;
}
