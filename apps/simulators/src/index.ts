export { createPspSimulator, type PspSimulator, type PspSimulatorOptions } from './psp/psp-simulator.ts';
export { pspOptionsFromEnv, PspSimulatorConfig, PSP_SIMULATOR_PORT } from './psp/psp-config.ts';
export { TEST_CARDS, type TestCard, type CardOutcome } from './psp/cards.ts';
export { signPayload, SIGNATURE_HEADER } from './psp/signature.ts';
export {
  createCarrierSimulator,
  CARRIER_SIGNATURE_HEADER,
  TRACKING_STATES,
  type CarrierSimulator,
  type CarrierSimulatorOptions,
} from './carrier/carrier-simulator.ts';
export {
  carrierOptionsFromEnv,
  CarrierSimulatorConfig,
  CARRIER_SIMULATOR_PORT,
} from './carrier/carrier-config.ts';
