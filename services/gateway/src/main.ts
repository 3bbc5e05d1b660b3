import { createLogger } from '@mercato/platform/logging';
import { createMetrics } from '@mercato/platform/metrics';
import { closeOnSignals } from '@mercato/platform/runtime';
import { startTelemetry } from '@mercato/platform/telemetry';
import { gatewayOptionsFromConfig, loadGatewayConfig, type GatewayConfig } from './config.ts';
import { buildGateway } from './gateway.ts';

// The gateway as its own process (distributed mode): settings from the environment.
const logger = createLogger({ service: 'gateway' });
let cfg: GatewayConfig;
try {
  cfg = loadGatewayConfig();
} catch (err) {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(78); // EX_CONFIG
}
const options = gatewayOptionsFromConfig(cfg);
// Before the app creates its server, so inbound requests are traced too (not only the proxied calls).
const telemetry = await startTelemetry('gateway', { logger });
const metrics = createMetrics('gateway', { processMetrics: true });
const gateway = await buildGateway({ ...options, logger, metrics });
const address = await gateway.app.listen({ port: cfg.PORT, host: cfg.HOST });
logger.info({ address, upstreams: options.upstreams }, 'gateway listening');
closeOnSignals(
  async () => {
    await gateway.close();
    await telemetry.shutdown();
  },
  logger,
  cfg.SHUTDOWN_TIMEOUT_MS,
);
