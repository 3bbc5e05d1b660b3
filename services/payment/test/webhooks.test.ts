import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { signPayload } from '@mercato/simulators';
import { closeTestPglite, needs, waitFor } from '@mercato/testing';
import {
  authorized,
  captured,
  eventsFor,
  read,
  startPayment,
  WEBHOOK_SECRET,
  type PaymentHarness,
} from './support.ts';

after(closeTestPglite);

/** POSTs a webhook to the service over HTTP, signed with `secret` at `t` (seconds). */
async function deliver(
  h: PaymentHarness,
  event: unknown,
  opts: { secret?: string; t?: number; raw?: string } = {},
) {
  const body = opts.raw ?? JSON.stringify(event);
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${h.serviceUrl}/api/v1/payments/webhooks/simulator`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'psp-signature': signPayload(opts.secret ?? WEBHOOK_SECRET, body, t),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function counts(h: PaymentHarness) {
  const db = h.svc.runtime.ctx.database.db;
  const n = async (table: 'webhook_events' | 'payment_transactions' | 'outbox') =>
    Number(
      (
        await db
          .selectFrom(table as 'webhook_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { events: await n('webhook_events'), ledger: await n('payment_transactions') };
}

const failedEvent = (id: string, pi: string, paymentId: string) => ({
  id,
  object: 'event',
  type: 'payment_intent.payment_failed',
  created: Math.floor(Date.now() / 1000),
  data: {
    object: {
      id: pi,
      object: 'payment_intent',
      metadata: { paymentId },
      last_payment_error: { code: 'card_declined', message: 'no' },
    },
  },
});

for (const kind of ['pglite', 'pg'] as const) {
  describe(`webhooks (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    test('a bad signature, a stale timestamp or a signed non-event answer 400 and record nothing', async () => {
      const h = await startPayment(kind);
      try {
        const p = await authorized(h);
        await h.psp.webhooksIdle();
        await waitFor(async () => (await counts(h)).events >= 1, 5000, 'the authorization webhook');
        const before = await counts(h);
        const forged = failedEvent('evt_forged', p.providerReference, p.id);
        const bad = await deliver(h, forged, { secret: 'whsec_not_the_endpoints_secret' });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.code, 'PAYMENT_WEBHOOK_SIGNATURE_INVALID');
        const unsigned = await fetch(`${h.serviceUrl}/api/v1/payments/webhooks/simulator`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(forged),
        });
        assert.equal(unsigned.status, 400);
        // Signed 6 minutes ago: outside the 5-minute tolerance. Then the service's clock moves
        // 6 minutes on and a fresh signature is stale too.
        const old = await deliver(h, forged, { t: Math.floor(Date.now() / 1000) - 360 });
        assert.equal(old.body.code, 'PAYMENT_WEBHOOK_TIMESTAMP_STALE');
        const atEdge = await deliver(
          h,
          { ...forged, id: 'evt_edge' },
          { raw: 'not json', t: Math.floor(Date.now() / 1000) - 290 },
        );
        assert.equal(
          atEdge.body.code,
          'PAYMENT_WEBHOOK_MALFORMED',
          'within the tolerance: the signature passed, the body did not',
        );
        h.clock.advance(6 * 60_000);
        assert.equal((await deliver(h, forged)).body.code, 'PAYMENT_WEBHOOK_TIMESTAMP_STALE');
        assert.deepEqual(await counts(h), before);
        assert.equal((await read(h.svc, `/api/v1/payments/${p.id}`)).body.status, 'authorized');
        assert.equal((await eventsFor(h.svc, 'payment.failed', p.id)).length, 0);
      } finally {
        await h.close();
      }
    });

    test('every event delivered twice (the PSP duplicating) is applied once; the repeat is a duplicate in the ledger', async () => {
      const h = await startPayment(kind, { duplicateRate: 1 });
      try {
        const res = await h.authorize({ paymentMethod: { token: await h.token('4000000000000077') } });
        assert.equal(res.body.status, 'processing');
        await waitFor(
          async () => (await read(h.svc, `/api/v1/payments/${res.body.id}`)).body.status === 'authorized',
          10_000,
          'the late authorization',
        );
        await h.psp.webhooksIdle();
        const ledger = (await read(h.svc, `/api/v1/payments/${res.body.id}/transactions`)).body
          .items as Array<{
          kind: string;
          status: string;
          providerEventId: string;
          detail: { type: string; outcome: string };
        }>;
        const authorizing = ledger.filter(
          (t) => t.kind === 'webhook' && t.detail.type === 'payment_intent.amount_capturable_updated',
        );
        assert.deepEqual(authorizing.map((t) => t.detail.outcome).sort(), ['applied', 'duplicate']);
        assert.equal(new Set(authorizing.map((t) => t.providerEventId)).size, 1);
        assert.equal((await eventsFor(h.svc, 'payment.authorized', res.body.id)).length, 1);
      } finally {
        await h.close();
      }
    });

    test('late and reordered events never move a payment back; an unknown payment is recorded and changes nothing', async () => {
      const h = await startPayment(kind, { maxDelayMs: 30, seed: 11 });
      try {
        const p = await captured(h, 2000);
        await h.psp.webhooksIdle();
        // The authorization's event again, now that the payment is captured (the PSP resends it).
        const db = h.svc.runtime.ctx.database.db;
        const first = await db
          .selectFrom('webhook_events')
          .select(['event_id', 'type'])
          .where('payment_id', '=', p.id)
          .execute();
        const authEvent = first.find((e) => e.type === 'payment_intent.amount_capturable_updated');
        assert.ok(authEvent, JSON.stringify(first));
        // A new event id with old news: a payment_failed signed correctly, after the capture.
        const late = await deliver(h, failedEvent('evt_late_failure', p.providerReference, p.id));
        assert.equal(late.status, 200);
        assert.equal(late.body.outcome, 'ignored');
        const resend = await fetch(`${h.pspUrl}/v1/test_helpers/events/${authEvent.event_id}/resend`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk_test_payment_tests' },
        });
        assert.equal(resend.status, 200);
        await h.psp.webhooksIdle();
        const now = (await read(h.svc, `/api/v1/payments/${p.id}`)).body;
        assert.equal(now.status, 'captured');
        assert.equal(now.capturedAmount, 2000);
        assert.equal((await eventsFor(h.svc, 'payment.failed', p.id)).length, 0);
        assert.equal((await eventsFor(h.svc, 'payment.authorized', p.id)).length, 1);
        const unknown = await deliver(
          h,
          failedEvent('evt_unknown', 'pi_nobody', '01a24300-0000-7000-8000-000000000000'),
        );
        assert.equal(unknown.body.outcome, 'unknown_payment');
        const again = await deliver(
          h,
          failedEvent('evt_unknown', 'pi_nobody', '01a24300-0000-7000-8000-000000000000'),
        );
        assert.equal(again.body.outcome, 'duplicate');
      } finally {
        await h.close();
      }
    });
  });
}
