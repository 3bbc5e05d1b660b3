// Light on purpose (no database modules): the launcher's initdb child reads it first.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';

const decompress = promisify(brotliDecompress);

/** The installed PGlite's version (its package.json): a data directory's template must match it. */
export async function pgliteVersion(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the template of a PGlite version is kept: packages/platform/assets/pglite-<version>.tar.br. */
export function pgliteTemplateFile(version: string): string {
  return fileURLToPath(new URL(`../../assets/pglite-${version}.tar.br`, import.meta.url));
}

/**
 * The data directory a fresh PGlite's initdb makes, as a tar (PGlite's `dumpDataDir`), for
 * the installed PGlite version; undefined when the repository holds none for it (PGlite was
 * upgraded and `npm run pglite:template` not run since), and initdb must run instead.
 * initdb is the bulk of a first start: ~7 s of CPU and a 1 GB WebAssembly heap, for a
 * result that is the same every time (docs/adr/0013).
 */
export async function readPGliteTemplate(): Promise<Buffer | undefined> {
  const file = pgliteTemplateFile(await pgliteVersion());
  const packed = await readFile(file).catch(() => undefined);
  return packed && (await decompress(packed));
}

/**
 * Writes the files of a template (a tar as PGlite's `dumpDataDir` makes it: directories and
 * regular files only) under dir, which becomes a data directory PGlite opens as its own.
 * Anything else in the tar (links, names leaving dir) is refused.
 */
export async function extractPGliteTemplate(tar: Buffer, dir: string): Promise<void> {
  const field = (at: number, len: number) => tar.toString('latin1', at, at + len).replace(/\0.*$/s, '');
  const writes: Promise<void>[] = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const name = field(at + 345, 155) + field(at, 100);
    if (name === '') break; // the two empty blocks that end a tar
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    const type = field(at + 156, 1) || '0';
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new Error(`template entry outside the data directory: ${name}`);
    const target = path.join(dir, ...parts);
    if (type === '5') await mkdir(target, { recursive: true });
    else if (type === '0') writes.push(writeFile(target, tar.subarray(at + 512, at + 512 + size)));
    else throw new Error(`template entry of type ${type} not expected: ${name}`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  await Promise.all(writes);
}
