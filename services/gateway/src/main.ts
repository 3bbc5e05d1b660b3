import { createLogger } from '@mercato/platform/logging';
import { createNatsBus } from '@mercato/platform/messaging';
import { createMetrics } from '@mercato/platform/metrics';
import { handleShutdown } from '@mercato/platform/runtime';
import { startTelemetry } from '@mercato/platform/telemetry';
import { gatewayOptionsFromConfig, loadGatewayConfig, type GatewayConfig } from './config.ts';
import { buildGateway } from './gateway.ts';

// The gateway as its own process (distributed mode): settings from the environment.
const logger = createLogger({ service: 'gateway' });
// First: a Ctrl-C or the launcher's end during start-up must stop this process too.
const shutdown = handleShutdown(logger);
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
// Identity's revocation events: every gateway process listens (ADR 0005).
const bus = cfg.NATS_URL
  ? await createNatsBus({ servers: cfg.NATS_URL, name: 'gateway', logger })
  : undefined;
if (!bus) logger.warn('NATS_URL is empty: revoked tokens are refused only by the services, not here');
const gateway = await buildGateway({ ...options, logger, metrics, ...(bus ? { bus } : {}) });
const address = await gateway.app.listen({ port: cfg.PORT, host: cfg.HOST });
logger.info({ address, upstreams: options.upstreams }, 'gateway listening');
shutdown.closeWith(async () => {
  await gateway.close();
  await bus?.close();
  await telemetry.shutdown();
}, cfg.SHUTDOWN_TIMEOUT_MS);
