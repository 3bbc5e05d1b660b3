// First start of embedded mode as a newcomer sees it: `mercato start` on a fresh data
// directory, timed from the command to the first 200 of GET /api/v1/products through the
// gateway; then stopped with Ctrl-C and started again on the same directory (the restart).
// Prints both times, the idle RSS of the process once the start-up work is done, and the
// machine's load average.
// Usage: node bench/first-start.ts [--restarts 1] [--idle-seconds 5]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_PORT_OFFSET } from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    restarts: { type: 'string', default: '1' },
    'idle-seconds': { type: 'string', default: '5' },
  },
});
const cli = fileURLToPath(new URL('../apps/mercato/src/cli.ts', import.meta.url));
const gateway = `http://127.0.0.1:${8080 + BENCH_PORT_OFFSET}`;
const products = `${gateway}/api/v1/products?pageSize=20`;

/** The resident set of a process, in MB (Linux /proc). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Starts the platform on dataDir and resolves with the ms until products answered 200. */
async function startAndTime(
  dataDir: string,
): Promise<{ child: ChildProcess; ms: number; output: () => string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'start'], {
    env: {
      ...process.env,
      MERCATO_DATA_DIR: dataDir,
      MERCATO_PORT_OFFSET: String(BENCH_PORT_OFFSET),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = started + 180_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mercato start exited early:\n${out}`);
    try {
      const res = await fetch(products, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200)
        return { child, ms: Math.round(performance.now() - started), output: () => out };
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`no 200 from ${products} within 180 s:\n${out}`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'mercato-first-start-'));
const rows: Array<Record<string, string | number>> = [];
try {
  const load = loadavg()[0]!.toFixed(2);
  const first = await startAndTime(dataDir);
  // Idle: once the seed's events are consumed and nothing is asked of it.
  await sleep(Number(values['idle-seconds']) * 1000);
  const rss = await rssMb(first.child.pid!);
  rows.push({ start: 'first (fresh data dir)', msTo200: first.ms, idleRssMb: rss, load1m: load });
  await stop(first.child);
  for (let i = 0; i < Number(values.restarts); i++) {
    const l = loadavg()[0]!.toFixed(2);
    const again = await startAndTime(dataDir);
    await sleep(Number(values['idle-seconds']) * 1000);
    rows.push({
      start: `restart ${i + 1}`,
      msTo200: again.ms,
      idleRssMb: await rssMb(again.child.pid!),
      load1m: l,
    });
    await stop(again.child);
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ rows }, null, 2));
console.table(rows);
