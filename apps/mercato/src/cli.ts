#!/usr/bin/env node
// The mercato command: start (embedded | distributed), migrate, seed, rotate-keys.
import { parseArgs } from 'node:util';

const usage = `Usage: mercato <command> [options]

Commands:
  start [--mode embedded|distributed]   run the platform (default: embedded)
  migrate                               apply every service's migrations (distributed databases)
  seed                                  load demo data (embedded data dir, or distributed databases with --mode distributed)
  rotate-keys [--mode embedded|distributed]
                                        make a new token signing key current (prints its kid); embedded: platform stopped
  help                                  show this text
`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { mode: { type: 'string', default: process.env.MERCATO_MODE ?? 'embedded' } },
  });
  const command = positionals[0] ?? 'help';
  const mode = values.mode;
  if (mode !== 'embedded' && mode !== 'distributed')
    throw new Error(`--mode must be embedded or distributed, not ${mode}`);

  switch (command) {
    case 'start':
      if (mode === 'embedded') {
        // A first start's initdb runs in a child process while the services' code loads.
        const { embeddedDataDir } = await import('./launcher-config.ts');
        const { initPGliteDataDir } = await import('@mercato/platform/pglite-init');
        initPGliteDataDir(embeddedDataDir()).catch(() => undefined); // startEmbedded awaits it and reports
        const { runEmbedded } = await import('./embedded.ts');
        await runEmbedded();
      } else {
        const { runDistributed } = await import('./distributed.ts');
        await runDistributed();
      }
      return;
    case 'migrate':
    case 'seed': {
      const { runMaintenance } = await import('./maintenance.ts');
      await runMaintenance(command, mode);
      return;
    }
    case 'rotate-keys': {
      const { rotateKeys } = await import('./rotate-keys.ts');
      // Only the kid on stdout, so scripts can capture it.
      process.stdout.write(`${await rotateKeys(mode)}\n`);
      return;
    }
    case 'help':
    case '--help':
      process.stdout.write(usage);
      return;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${usage}`);
      process.exitCode = 64;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`mercato: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
