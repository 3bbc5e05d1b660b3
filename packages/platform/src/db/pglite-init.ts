// Light on purpose (no database modules): the launcher calls it before it loads the services.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const child = path.join(import.meta.dirname, 'pglite-init-child.ts');
const pending = new Map<string, Promise<void>>();

/**
 * Creates a PGlite data directory (initdb) in a child process when it does not exist yet.
 * Two reasons: initdb's WebAssembly instance grows to ~1 GB and its memory would stay with
 * the process that ran it (the embedded platform must idle within its budget), and it runs
 * on the other core while the launcher loads the services' code. Resolves at once when the
 * directory holds a database; a second call while the first runs shares it.
 */
export function initPGliteDataDir(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return Promise.resolve();
  let running = pending.get(dataDir);
  if (!running) {
    running = runInit(dataDir).finally(() => pending.delete(dataDir));
    pending.set(dataDir, running);
  }
  return running;
}

function runInit(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(new Error(`creating the database in ${dataDir} failed (${signal ?? code}): ${stderr.trim()}`));
    });
  });
}
