// Runs the notification service alone (distributed mode): PostgreSQL, NATS and Redis from the
// environment (DATABASE_URL, NATS_URL, REDIS_URL), SMTP from SMTP_URL, listening on PORT
// (default: its manifest's port).
import { runServiceProcess } from '@mercato/platform/runtime';
import { notificationService } from './service.ts';

await runServiceProcess(notificationService);
