// Runs the payment service alone (distributed mode): PostgreSQL, NATS and Redis from the
// environment (DATABASE_URL, NATS_URL, REDIS_URL), listening on PORT (default: its manifest's
// port); the provider from PSP_API_URL, PSP_SECRET_KEY and PSP_WEBHOOK_SECRET.
import { runServiceProcess } from '@mercato/platform/runtime';
import { paymentService } from './service.ts';

await runServiceProcess(paymentService);
