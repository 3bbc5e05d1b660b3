// Runs the simulators that are configured (distributed mode: the launcher starts this as a
// child process): the PSP when PSP_SECRET_KEY is set, the carrier when CARRIER_API_KEY is.
// Settings from the environment: apps/simulators/README.md.
import { createLogger } from '@mercato/platform/logging';
import { handleShutdown } from '@mercato/platform/runtime';
import { carrierOptionsFromEnv } from './carrier/carrier-config.ts';
import { createCarrierSimulator } from './carrier/carrier-simulator.ts';
import { pspOptionsFromEnv } from './psp/psp-config.ts';
import { createPspSimulator } from './psp/psp-simulator.ts';

// First: a Ctrl-C or the launcher's end (its IPC channel closing) during start-up stops this too.
const shutdown = handleShutdown(createLogger({ service: 'simulators' }));
const host = process.env.PSP_SIMULATOR_HOST ?? '127.0.0.1';
const running: Array<{ close(): Promise<void> }> = [];
if (process.env.PSP_SECRET_KEY) {
  const { port, options } = pspOptionsFromEnv();
  const psp = createPspSimulator(options);
  process.stdout.write(`PSP simulator listening on ${await psp.listen(port, host)}\n`);
  running.push(psp);
}
const carrierSettings = carrierOptionsFromEnv();
if (carrierSettings) {
  const carrier = createCarrierSimulator(carrierSettings.options);
  process.stdout.write(
    `Carrier simulator listening on ${await carrier.listen(carrierSettings.port, host)}\n`,
  );
  running.push(carrier);
}
if (running.length === 0) {
  process.stderr.write('Nothing to simulate: set PSP_SECRET_KEY and/or CARRIER_API_KEY\n');
  process.exit(1);
}
shutdown.closeWith(async () => {
  await Promise.all(running.map((s) => s.close()));
}, 10_000);
