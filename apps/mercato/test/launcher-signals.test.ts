import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { infra, needs, waitFor } from '@mercato/testing';
import { randomOffset, startPlatform, type PlatformProcess } from './platform-process.ts';

const pg = await needs('postgres');
const nats = await needs('nats');
const redis = await needs('redis');
const skip =
  process.platform !== 'linux' ? 'reads the process table from /proc' : pg.skip || nats.skip || redis.skip;

/** pid → [ppid, state] of every process, from /proc (state Z: exited, not yet reaped). */
function processTable(): Map<number, { ppid: number; state: string }> {
  const table = new Map<number, { ppid: number; state: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const [state = '', ppid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { ppid: Number(ppid), state });
    } catch {
      // exited while being read
    }
  }
  return table;
}

const running = (pid: number) => {
  const p = processTable().get(pid);
  return p !== undefined && p.state !== 'Z';
};

/** Starts the distributed launcher and resolves once it has spawned a first child, with that child's pid. */
async function launcherWithAChild(): Promise<{ platform: PlatformProcess; seen: Set<number> }> {
  const platform = startPlatform(['--mode', 'distributed'], {
    MERCATO_PORT_OFFSET: String(randomOffset()),
    POSTGRES_URL: infra.postgresUrl,
    NATS_URL: infra.natsUrl,
    REDIS_URL: infra.redisUrl,
  });
  const seen = new Set<number>();
  const launcher = platform.child.pid ?? 0;
  await waitFor(
    () => {
      for (const [pid, p] of processTable()) if (p.ppid === launcher) seen.add(pid);
      if (platform.child.exitCode !== null) throw new Error(`the launcher exited:\n${platform.output()}`);
      return seen.size > 0;
    },
    60_000,
    'the launcher to spawn a service process',
    20,
  );
  return { platform, seen };
}

describe('distributed launcher stopped during start-up', { skip }, () => {
  test('SIGINT (Ctrl-C) during start-up stops the launcher and every process it started', async () => {
    const { platform, seen } = await launcherWithAChild();
    const launcher = platform.child.pid ?? 0;
    const code = await platform.stop(); // one SIGINT, as Ctrl-C sends
    // Children it spawned up to the end count too.
    for (const [pid, p] of processTable()) if (p.ppid === launcher) seen.add(pid);
    assert.equal(code, 130, platform.output());
    assert.match(platform.output(), /start-up interrupted/);
    await waitFor(() => [...seen].every((pid) => !running(pid)), 20_000, `children ${[...seen]} to exit`);
  });

  test('a launcher killed outright (SIGKILL, no clean-up of its own) still takes its children with it', async () => {
    const { platform, seen } = await launcherWithAChild();
    platform.child.kill('SIGKILL');
    await platform.stop();
    // Nothing in the launcher ran: each child saw its IPC channel close and stopped itself.
    await waitFor(() => [...seen].every((pid) => !running(pid)), 20_000, `children ${[...seen]} to exit`);
  });
});
