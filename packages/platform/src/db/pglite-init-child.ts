// Creates a PGlite data directory and exits (see pglite-init.ts): the files of the
// repository's template of the installed PGlite version when there is one, else initdb.
import { extractPGliteTemplate, readPGliteTemplate } from './pglite-template.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-init-child.ts <dataDir>');
const template = await readPGliteTemplate();
if (template) {
  await extractPGliteTemplate(template, dir);
} else {
  const { openPGlite } = await import('./database.ts');
  const pglite = await openPGlite(dir);
  await pglite.close();
}
