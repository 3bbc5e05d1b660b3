import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openPGlite } from './database.ts';
import { initPGliteDataDir } from './pglite-init.ts';
import { extractPGliteTemplate, pgliteTemplateFile, pgliteVersion } from './pglite-template.ts';

/** One tar entry (ustar header and its data, padded to 512). */
function entry(name: string, type: '0' | '2' | '5', data = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'latin1');
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
  header.write(type, 156, 1, 'latin1');
  const body = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  body.write(data, 'latin1');
  return Buffer.concat([header, body]);
}
const end = Buffer.alloc(1024);

describe('PGlite data-directory template', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const scratch = async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'mercato-template-'));
    dirs.push(d);
    return d;
  };

  test('the repository holds the template of the installed PGlite version (npm run pglite:template after an upgrade)', async () => {
    const file = pgliteTemplateFile(await pgliteVersion());
    assert.ok(existsSync(file), `${file} is missing: run npm run pglite:template`);
  });

  test('a data directory made from it opens as a database, keeps what is written and is made whole or not at all', async () => {
    const dataDir = path.join(await scratch(), 'pglite');
    await initPGliteDataDir(dataDir);
    assert.match(await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8'), /^\d+\n$/);
    // Made beside its place and renamed into it: nothing else is left there.
    assert.deepEqual(await readdir(path.dirname(dataDir)), ['pglite']);
    const pglite = await openPGlite(dataDir);
    await pglite.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await pglite.close();
    const again = await openPGlite(dataDir);
    assert.deepEqual((await again.query<{ n: number }>('SELECT n FROM kept')).rows, [{ n: 7 }]);
    await again.close();
  });

  test('extracts directories and files, and refuses links and names that leave the directory', async () => {
    const dir = await scratch();
    await extractPGliteTemplate(Buffer.concat([entry('/base', '5'), entry('/base/1', '0', 'one'), end]), dir);
    assert.equal(await readFile(path.join(dir, 'base', '1'), 'utf8'), 'one');
    await assert.rejects(
      extractPGliteTemplate(Buffer.concat([entry('/../escaped', '0', 'x'), end]), dir),
      /outside the data directory/,
    );
    await assert.rejects(extractPGliteTemplate(Buffer.concat([entry('/link', '2'), end]), dir), /type 2/);
    assert.equal(existsSync(path.join(dir, '..', 'escaped')), false);
  });
});
