import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { largestSafeOffset } from '../src/port-range.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** A `mercato start` child process, with its output kept for failure messages. */
export interface PlatformProcess {
  child: ChildProcess;
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** How it ended, once it has. */
  ended: Promise<Omit<PlatformExit, 'leftovers'>>;
  /** Kills what is left of its process group; true when something was. */
  killLeftovers(): boolean;
}

/** How a platform process ended: its exit code, or the signal that killed it. */
export interface PlatformExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Processes of its group were still running after it ended (killed then by the test). */
  leftovers: boolean;
}

/** Starts `mercato start` with the given env; ports move by MERCATO_PORT_OFFSET. */
export function startPlatform(args: string[], env: Record<string, string>): PlatformProcess {
  const child = spawn(process.execPath, [cli, 'start', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, so what it leaves running can be found and ended.
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    ended: exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return (await exited).code;
    },
    killLeftovers() {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
        return true;
      } catch {
        return false; // no process of the group is left
      }
    },
  };
}

/**
 * Runs `body` against a started platform, then stops it with Ctrl-C. When `body` fails, its
 * error is the one reported, with how the platform then stopped and the end of its output
 * added (an assertion on the stop in a `finally` used to replace it with "null !== 0");
 * only after `body` passed does an unclean stop fail the test.
 */
export async function whileRunning(p: PlatformProcess, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const exit = await stopAndClean(p);
    if (err instanceof Error) {
      err.message += `\n(the platform then stopped: ${describeExit(exit)})\n--- end of its output ---\n${p.output().slice(-6_000)}`;
    }
    throw err;
  }
  const exit = await stopAndClean(p);
  assert.deepEqual(
    exit,
    { code: 0, signal: null, leftovers: false },
    `Ctrl-C should stop it cleanly (${describeExit(exit)}):\n${p.output()}`,
  );
}

/**
 * Ctrl-C, then whatever of its process group outlived it is killed: such leftovers would keep
 * ports, databases and this test process's output pipes (the test file would never end).
 */
async function stopAndClean(p: PlatformProcess): Promise<PlatformExit> {
  await p.stop();
  return { ...(await p.ended), leftovers: p.killLeftovers() };
}

function describeExit(exit: PlatformExit): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
  return exit.leftovers ? `${how}; some of its processes were still running` : how;
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

/**
 * A port offset unlikely to collide with a platform already running on the default ports
 * (or a benchmark's, at 10000), keeping every port below the ephemeral range (port-range.ts).
 */
export function randomOffset(): number {
  const steps = Math.floor((largestSafeOffset() - 20_000) / 10) + 1;
  return 20_000 + Math.floor(Math.random() * steps) * 10;
}
