import { createHmac } from 'node:crypto';
import type { Channel } from '../db.ts';
import { DeliveryError, type ChannelProvider, type OutgoingMessage } from './provider.ts';

/**
 * An SMS or push provider reached over HTTP: the message is POSTed as JSON
 * (`{ id, channel, to, title, body }`) with `X-Mercato-Signature: sha256=<hex HMAC of the body>`
 * and `Idempotency-Key: <message id>`. A 2xx is accepted (`{ id }` in the answer, if any, is
 * the provider's message id); 408, 429, 5xx and network errors are retried; other 4xx are permanent.
 */
export function createWebhookProvider(opts: {
  channel: Channel;
  url: string;
  secret: string;
  timeoutMs?: number;
}): ChannelProvider {
  return {
    channel: opts.channel,
    name: 'webhook',
    async send(m: OutgoingMessage) {
      const body = JSON.stringify({ id: m.id, channel: m.channel, to: m.to, title: m.subject, body: m.text });
      const signature = createHmac('sha256', opts.secret).update(body).digest('hex');
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': m.id,
            'x-mercato-signature': `sha256=${signature}`,
          },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new DeliveryError(`unreachable: ${(err as Error).message}`, false, err);
      }
      const text = (await res.text().catch(() => '')).slice(0, 500);
      const answer = `${res.status} ${text}`.trim();
      if (res.ok) {
        let providerMessageId: string | undefined;
        try {
          const parsed = JSON.parse(text) as { id?: unknown };
          if (typeof parsed.id === 'string') providerMessageId = parsed.id;
        } catch {
          // a provider may answer with no JSON at all: the status is the answer
        }
        return { ...(providerMessageId && { providerMessageId }), response: answer };
      }
      const transient = res.status === 408 || res.status === 429 || res.status >= 500;
      throw new DeliveryError(answer, !transient);
    },
  };
}
