import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a signed webhook was refused: no header, an unreadable one, a wrong signature, or a timestamp too far from now. */
export class WebhookSignatureError extends Error {
  readonly reason: 'missing' | 'malformed' | 'mismatch' | 'stale';
  constructor(reason: WebhookSignatureError['reason'], message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
    this.reason = reason;
  }
}

/**
 * Checks a provider's webhook signature of the form `t=<unix seconds>,v1=<hex>` (Stripe's
 * scheme, which the PSP and carrier stand-ins use): HMAC-SHA256 of `<t>.<raw body>` with
 * the endpoint's secret, compared in constant time, then the timestamp within `toleranceSeconds`
 * of now either way so a captured delivery cannot be replayed later (checked after the signature:
 * a forged header learns nothing of our clock). Throws WebhookSignatureError.
 */
export function verifyWebhookSignature(
  rawBody: string,
  header: string | undefined,
  secret: string,
  opts: { toleranceSeconds?: number; now?: () => number } = {},
): void {
  if (!header) throw new WebhookSignatureError('missing', 'the signature header is missing');
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const k = item.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(i + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  const candidates = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || candidates.length === 0)
    throw new WebhookSignatureError('malformed', 'the signature header is malformed');
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const ok = candidates.some((hex) => {
    const got = Buffer.from(hex, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  if (!ok) throw new WebhookSignatureError('mismatch', 'the signature does not match');
  const tolerance = opts.toleranceSeconds ?? 300;
  if (Math.abs((opts.now ?? Date.now)() / 1000 - t) > tolerance)
    throw new WebhookSignatureError(
      'stale',
      `the signature timestamp ${t} is more than ${tolerance} s from now`,
    );
}
