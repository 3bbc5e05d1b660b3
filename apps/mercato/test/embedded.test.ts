import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { waitFor } from '@mercato/testing';
import { ADMIN_ENV, adminAuthorization } from './admin-login.ts';
import { expectGatewayIssuer } from './issuer-check.ts';
import { expectRevokedKeyRefused } from './revocation-check.ts';
import { expectPaymentThroughPsp } from './payment-check.ts';
import { randomOffset, startPlatform, waitFor200, whileRunning } from './platform-process.ts';

/** Creates a guest cart with two units of sku through the gateway; returns its id. */
async function expectGuestCart(base: string, sku: string): Promise<string> {
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${base}/api/v1/carts`, {
    method: 'POST',
    headers: json,
    body: '{"country":"DE"}',
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  const added = await fetch(`${base}/api/v1/carts/${id}/lines`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ sku, quantity: 2 }),
  });
  assert.equal(added.status, 200, await added.clone().text());
  const cart = (await added.json()) as {
    lines: Array<{
      sku: string;
      title: string;
      unitPrice: { amount: number };
      issues: { unavailable: boolean };
    }>;
    totals: { subtotal: number; tax: number; taxRate: number };
    revalidation: { catalog: boolean; inventory: boolean };
  };
  const line = cart.lines[0];
  assert.equal(line?.sku, sku);
  assert.ok(line.title.length > 0);
  assert.equal(line.issues.unavailable, false);
  assert.deepEqual(cart.revalidation.catalog && cart.revalidation.inventory, true);
  assert.equal(cart.totals.subtotal, line.unitPrice.amount * 2);
  assert.equal(cart.totals.taxRate, 1900);
  assert.equal(added.headers.get('etag'), '"2"');
  return id;
}

describe('npm start (embedded mode)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('answers feature flags through the gateway, names its offset public URL as the token issuer, refuses a revoked API key at once, and a flag an admin created through it survives a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mercato-embedded-'));
    dirs.push(dataDir);
    const offset = randomOffset();
    const base = `http://127.0.0.1:${8080 + offset}`;
    const env = { MERCATO_DATA_DIR: dataDir, MERCATO_PORT_OFFSET: String(offset), ...ADMIN_ENV };

    let cartId = '';
    const first = startPlatform([], env);
    await whileRunning(first, async () => {
      // Start-up seeds 1,200 products and starts every service: on a shared, loaded machine that
      // took over 30 s, so the wait is generous (the test still fails on a platform that never comes up).
      const ms = await waitFor200(`${base}/api/v1/feature-flags`, first, 120_000);
      assert.ok(ms >= 0);
      const body = JSON.stringify({ key: 'restart-check', enabled: true, rolloutPercentage: 100 });
      const anonymous = await fetch(`${base}/api/v1/feature-flags`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(anonymous.status, 401, 'writes need an admin');
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
      const admin = await adminAuthorization(base);
      const created = await fetch(`${base}/api/v1/feature-flags`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body,
      });
      assert.equal(created.status, 201, await created.clone().text());
      // The issuer is the gateway's public URL with the port offset, and settings accepted it.
      await expectGatewayIssuer(base, `http://localhost:${8080 + offset}`, admin);
      // The gateway hears identity's revocations (the launcher gives it the bus).
      await expectRevokedKeyRefused(base, admin);
      // The launcher started the PSP simulator and pointed payment at it (and it at payment).
      await expectPaymentThroughPsp(base, offset, admin);
      assert.ok(created.headers.get('ratelimit-limit'), 'the gateway rate-limits proxied calls');

      // The demo catalog is loaded, and its product.created events reached inventory, which
      // made stock items of the SKUs with the demo's initial stock (no event was published
      // before inventory subscribed).
      const listing = (await (await fetch(`${base}/api/v1/products?pageSize=1&view=full`)).json()) as {
        totalCount: number;
        items: Array<{ variants: Array<{ sku: string }> }>;
      };
      assert.ok(listing.totalCount >= 1000, `demo catalog: ${listing.totalCount} active products`);
      const sku = listing.items[0]?.variants[0]?.sku ?? '';
      await waitFor(
        async () => {
          const res = await fetch(`${base}/api/v1/inventory/availability?skus=${encodeURIComponent(sku)}`);
          const { items } = (await res.json()) as { items: Array<{ active: boolean; available: number }> };
          return items[0]?.active === true && items[0].available === 25;
        },
        30_000,
        `a stock item for ${sku}`,
        200,
      );

      // A guest cart through the gateway: the demo SKU with its catalog snapshot, checked
      // against inventory, taxed by the seeded rate of its country.
      cartId = await expectGuestCart(base, sku);
    });

    const second = startPlatform([], env);
    await whileRunning(second, async () => {
      await waitFor200(`${base}/health/ready`, second, 120_000);
      const res = await fetch(`${base}/api/v1/feature-flags/restart-check`);
      assert.equal(res.status, 200);
      const flag = (await res.json()) as { key: string; enabled: boolean };
      assert.equal(flag.key, 'restart-check');
      assert.equal(flag.enabled, true);
      const evaluated = await fetch(`${base}/api/feature-flags/restart-check/evaluate?subject=user-1`);
      assert.equal(evaluated.status, 200);
      assert.equal(((await evaluated.json()) as { enabled: boolean }).enabled, true);
      // The cart survived the restart (PGlite is its durable store; the memory cache is new).
      const cart = await fetch(`${base}/api/v1/carts/${cartId}`);
      assert.equal(cart.status, 200);
      assert.equal(((await cart.json()) as { lines: Array<{ quantity: number }> }).lines[0]?.quantity, 2);
    });
  });
});
