// Runs the PSP simulator alone (distributed mode: the launcher starts it as a child process).
// Settings from the environment: apps/simulators/README.md.
import { pspOptionsFromEnv } from './psp/psp-config.ts';
import { createPspSimulator } from './psp/psp-simulator.ts';

const { port, options } = pspOptionsFromEnv();
const psp = createPspSimulator(options);
const url = await psp.listen(port, process.env.PSP_SIMULATOR_HOST ?? '127.0.0.1');
process.stdout.write(`PSP simulator listening on ${url}\n`);
const stop = () => {
  psp.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
