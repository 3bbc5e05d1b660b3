// Runs initdb for a PGlite data directory and exits (see pglite-init.ts).
import { openPGlite } from './database.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-init-child.ts <dataDir>');
const pglite = await openPGlite(dir);
await pglite.close();
