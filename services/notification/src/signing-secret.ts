import { ConfigError } from '@mercato/platform/config';

// Embedded mode only: a fixed development secret, so links in the development mailbox keep
// working across restarts. Never used outside embedded mode.
const EMBEDDED_SECRET = 'mercato-embedded-notification-signing-secret-not-for-production';

/** The secret that signs unsubscribe links and webhooks: required outside embedded mode. */
export function signingSecret(mode: 'embedded' | 'distributed', configured: string | undefined): string {
  if (configured) return configured;
  if (mode === 'embedded') return EMBEDDED_SECRET;
  throw new ConfigError(
    'NOTIFICATION_SIGNING_SECRET is required outside embedded mode (at least 32 characters)',
  );
}
