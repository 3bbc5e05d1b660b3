// Runs the checkout service alone (distributed mode): PostgreSQL, NATS and Redis from the
// environment (DATABASE_URL, NATS_URL, REDIS_URL), listening on PORT (default: its manifest's
// port). Its calls carry its own client-credentials token (SERVICE_CLIENT_ID/SECRET).
import { runServiceProcess } from '@mercato/platform/runtime';
import { checkoutService } from './service.ts';

await runServiceProcess(checkoutService);
