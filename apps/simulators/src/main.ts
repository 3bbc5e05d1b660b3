// Runs the simulators that are configured (distributed mode: the launcher starts this as a
// child process): the PSP when PSP_SECRET_KEY is set, the carrier when CARRIER_API_KEY is.
// Settings from the environment: apps/simulators/README.md.
import { carrierOptionsFromEnv } from './carrier/carrier-config.ts';
import { createCarrierSimulator } from './carrier/carrier-simulator.ts';
import { pspOptionsFromEnv } from './psp/psp-config.ts';
import { createPspSimulator } from './psp/psp-simulator.ts';

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
const stop = () => {
  Promise.all(running.map((s) => s.close())).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
