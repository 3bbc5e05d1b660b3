import { DeliverPolicy, jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { infra, needs } from '@mercato/testing';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ADMIN_ENV, adminAuthorization } from './admin-login.ts';
import { expectGatewayIssuer } from './issuer-check.ts';
import { expectRevokedKeyRefused } from './revocation-check.ts';
import { expectPaymentThroughPsp } from './payment-check.ts';
import { randomOffset, startPlatform, waitFor200, whileRunning } from './platform-process.ts';

const pg = await needs('postgres');
const nats = await needs('nats');
const redis = await needs('redis');
const skip = pg.skip || nats.skip || redis.skip;

function identityTestDatabase(): string {
  const u = new URL(infra.postgresUrl);
  u.pathname = '/mercato_identity_launcher_test';
  return u.toString();
}

/** A guest cart through the gateway: created, refused an unknown SKU (catalog asked), read back. */
async function expectCartProcess(base: string): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${base}/api/v1/carts`, { method: 'POST', headers: json, body: '{}' });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  const unknown = await fetch(`${base}/api/v1/carts/${id}/lines`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ sku: `NO-SUCH-${Date.now()}`, quantity: 1 }),
  });
  assert.equal(unknown.status, 422, await unknown.clone().text());
  assert.equal(((await unknown.json()) as { code: string }).code, 'CART_SKU_NOT_FOUND');
  const read = await fetch(`${base}/api/v1/carts/${id}`);
  assert.equal(read.status, 200);
  assert.equal(read.headers.get('etag'), '"1"');
}

type SettingChanged = { type: string; data: { key: string; value: unknown } };

/**
 * The setting.changed event of `key` on the SETTING stream, published after `since`. Read
 * through an ordered consumer from `since` rather than the stream's last message on the
 * subject: another run on the same NATS may have published after this one.
 */
async function settingChanged(
  js: JetStreamClient,
  key: string,
  since: Date,
): Promise<SettingChanged | undefined> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const consumer = await js.consumers.get('SETTING', {
        filter_subjects: 'setting.changed',
        deliver_policy: DeliverPolicy.StartTime,
        opt_start_time: since.toISOString(),
      });
      for (let m = await consumer.next({ expires: 1000 }); m; m = await consumer.next({ expires: 1000 })) {
        const event = m.json<SettingChanged>();
        if (event.data.key === key) return event;
      }
    } catch {
      // the stream appears with the first event
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe('npm run start:distributed', { skip }, () => {
  // Every service is a process of its own that boots at once on the same two cores: the whole
  // platform's start, not one request, is what this test waits for.
  test(
    'runs settings and gateway as processes, naming the offset public URL as the token issuer and refusing a revoked API key at once; a setting changed through the gateway is a setting.changed message on NATS',
    { timeout: 300_000 },
    async () => {
      const offset = randomOffset();
      const base = `http://127.0.0.1:${8080 + offset}`;
      const platform = startPlatform(['--mode', 'distributed'], {
        MERCATO_PORT_OFFSET: String(offset),
        POSTGRES_URL: infra.postgresUrl,
        NATS_URL: infra.natsUrl,
        REDIS_URL: infra.redisUrl,
        ...ADMIN_ENV,
        // identity's own database for this test: the bootstrap admin is created only when no
        // admin exists, so a shared mercato_identity with another admin would refuse our sign-in.
        IDENTITY_DATABASE_URL: identityTestDatabase(),
      });
      await whileRunning(platform, async () => {
        const nc = await connect({ servers: infra.natsUrl });
        try {
          await checkPlatform(nc);
        } finally {
          await nc.close();
        }
      });

      async function checkPlatform(nc: Awaited<ReturnType<typeof connect>>): Promise<void> {
        // A second early: the server stamps the event, on the same machine's clock.
        const since = new Date(Date.now() - 1000);
        await waitFor200(`${base}/health/ready`, platform, 180_000);
        const ready = (await (await fetch(`${base}/health/ready`)).json()) as Record<string, unknown>;
        assert.ok(JSON.stringify(ready).includes('settings'), 'the gateway checks the settings process');

        const key = `ci.check.${Date.now()}${Math.floor(Math.random() * 1e6)}`;
        const admin = await adminAuthorization(base);
        const put = await fetch(`${base}/api/v1/settings/${key}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...admin },
          body: JSON.stringify({ value: { answer: 42 }, description: 'distributed test' }),
        });
        assert.equal(put.status, 201, await put.clone().text());
        // Identity signs with the gateway's public URL (port offset included); settings and the gateway agree.
        await expectGatewayIssuer(base, `http://localhost:${8080 + offset}`, admin);
        // The gateway hears identity's revocations (the launcher gives it the bus).
        await expectRevokedKeyRefused(base, admin);
        // The cart process answers through the gateway, on its PostgreSQL and Redis, and asks catalog.
        await expectCartProcess(base);
        // The launcher started the PSP simulator and pointed payment at it (and it at payment).
        await expectPaymentThroughPsp(base, offset, admin);

        const found = await settingChanged(jetstream(nc), key, since);
        assert.ok(found, `no setting.changed for ${key} on the SETTING stream`);
        assert.equal(found.type, 'setting.changed');
        assert.deepEqual(found.data.value, { answer: 42 });
      }
    },
  );
});
