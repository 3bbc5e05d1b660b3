import { createHmac } from 'node:crypto';

/** The header a webhook's signature travels in (Stripe's scheme: `t=<unix seconds>,v1=<hex>`). */
export const SIGNATURE_HEADER = 'psp-signature';

/** HMAC-SHA256 over `<t>.<raw body>` with the endpoint's secret, as the receiver recomputes it. */
export function signPayload(secret: string, payload: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}
