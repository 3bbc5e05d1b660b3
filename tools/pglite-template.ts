// Writes the PGlite data-directory template for the installed PGlite version
// (packages/platform/assets/pglite-<version>.tar.br): a fresh initdb, dumped as a tar and
// compressed with Brotli. Run after upgrading @electric-sql/pglite (`npm run pglite:template`);
// without a template for the installed version, a first embedded start runs initdb itself.
import { openPGlite } from '@mercato/platform/db';
import { pgliteTemplateFile, pgliteVersion } from '@mercato/platform/pglite-init';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants } from 'node:zlib';

const version = await pgliteVersion();
const file = pgliteTemplateFile(version);
const fresh = await openPGlite();
const tar = Buffer.from(await (await fresh.dumpDataDir('none')).arrayBuffer());
await fresh.close();
// A 16 MB window spans the three near-identical databases of the cluster (template0,
// template1, postgres): 40 MB of tar become ~1.5 MB.
const packed = await promisify(brotliCompress)(tar, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 9,
    [constants.BROTLI_PARAM_LGWIN]: 24,
    [constants.BROTLI_PARAM_SIZE_HINT]: tar.length,
  },
});
await writeFile(file, packed);
// Templates of other versions are of no use any more.
const dir = path.dirname(file);
for (const name of await readdir(dir))
  if (/^pglite-.*\.tar\.br$/.test(name) && name !== path.basename(file)) await rm(path.join(dir, name));
console.log(`${path.relative(process.cwd(), file)}: ${tar.length} bytes of tar, ${packed.length} compressed`);
