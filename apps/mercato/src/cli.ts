#!/usr/bin/env node
// The mercato command: start (embedded | distributed), migrate, seed, rotate-keys.
import module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

// V8's compiled code of every module (TypeScript stripped) kept on disk between runs: a
// restart loads the platform's code in ~1 s of CPU instead of ~2.5 s. NODE_COMPILE_CACHE is
// set too, so the processes distributed mode spawns share it; set it to choose the directory.
process.env.NODE_COMPILE_CACHE ??= path.join(tmpdir(), 'mercato-compile-cache');
module.enableCompileCache(process.env.NODE_COMPILE_CACHE);

const usage = `Usage: mercato <command> [options]

Commands:
  start [--mode embedded|distributed]   run the platform (default: embedded)
  migrate                               apply every service's migrations (distributed databases)
  seed                                  load demo data (embedded data dir, or distributed databases with --mode distributed)
  rotate-keys [--mode embedded|distributed]
                                        make a new token signing key current (prints its kid); embedded: platform stopped
  reset-password <email> [--generate] [--mode embedded|distributed]
                                        set an account's password (typed twice, or the first line of stdin;
                                        --generate or empty: generated and printed once), lift its lock,
                                        sign it out everywhere; embedded: platform stopped
  help                                  show this text
`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      mode: { type: 'string', default: process.env.MERCATO_MODE ?? 'embedded' },
      generate: { type: 'boolean', default: false },
    },
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
    case 'reset-password': {
      const email = positionals[1];
      if (!email) {
        process.stderr.write(`reset-password needs an email\n\n${usage}`);
        process.exitCode = 64;
        return;
      }
      const { readNewPassword, resetPassword } = await import('./reset-password.ts');
      const typed = values.generate ? undefined : await readNewPassword(process.stdin, process.stdout);
      const done = await resetPassword(mode, email, typed);
      // The generated password is shown this once and kept nowhere but as its hash.
      process.stdout.write(
        done.generated
          ? `Password of ${email} reset; new password (shown once): ${done.generated}\n`
          : `Password of ${email} reset.\n`,
      );
      process.stdout.write('Its lock is lifted and every session signed out.\n');
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
  // A coded error's field errors say what to change (the password rules broken, say).
  const fields = (err as { errors?: Array<{ message: string }> } | null)?.errors;
  if (Array.isArray(fields)) for (const f of fields) process.stderr.write(`  - ${f.message}\n`);
  process.exit(1);
});
