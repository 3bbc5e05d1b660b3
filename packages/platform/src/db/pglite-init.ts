// Light on purpose (no database modules): the launcher calls it before it loads the services.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export { pgliteTemplateFile, pgliteVersion, readPGliteTemplate } from './pglite-template.ts';

const child = path.join(import.meta.dirname, 'pglite-init-child.ts');
const pending = new Map<string, Promise<void>>();

/**
 * Creates a PGlite data directory in a child process when it does not exist yet: from the
 * repository's template of the installed PGlite version (pglite-template.ts), else by
 * initdb. A child because it runs on the other core while the launcher loads the services'
 * code, and because initdb's WebAssembly instance grows to ~1 GB whose memory would stay
 * with the process that ran it (the embedded platform must idle within its budget). The
 * directory is made beside its place and renamed into it when complete, so a start
 * interrupted half-way leaves no half a database that the next one would take for whole.
 * Resolves at once when the directory holds a database; a second call while the first runs
 * shares it.
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
  const making = `${dataDir}.making-${process.pid}`;
  rmSync(making, { recursive: true, force: true });
  mkdirSync(making, { recursive: true });
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, making], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      try {
        if (code !== 0)
          throw new Error(`creating the database in ${dataDir} failed (${signal ?? code}): ${stderr.trim()}`);
        // An empty directory in its place (an earlier start made it) gives way.
        if (existsSync(dataDir)) rmdirSync(dataDir);
        renameSync(making, dataDir);
        resolve();
      } catch (err) {
        rmSync(making, { recursive: true, force: true });
        reject(err as Error);
      }
    });
  });
}
