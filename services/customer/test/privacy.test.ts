import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { customerService } from '../src/service.ts';
import { ADMIN, SUPPORT, address, call, eventsFor, expectProblem, shopper, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`customer data export and erasure (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(customerService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    async function customerWithData() {
      const me = shopper();
      await call(svc, me, 'PATCH', '/api/v1/customers/me', {
        body: { name: 'Ada', phone: '+49 30 1234567' },
        headers: { 'if-match': '"1"' },
      });
      await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: address() });
      await call(svc, ADMIN, 'POST', `/api/v1/customers/${me.subject}/loyalty/adjustments`, {
        body: { delta: 50, note: 'gift' },
      });
      return me;
    }

    test('the export holds the profile, every address and the points ledger', async () => {
      const me = await customerWithData();
      const res = await call(svc, me, 'GET', '/api/v1/customers/me/export');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-disposition']), /attachment/);
      assert.equal(res.body.profile.name, 'Ada');
      assert.equal(res.body.profile.phone, '+49301234567');
      assert.equal(res.body.addresses.length, 1);
      assert.equal(res.body.loyalty.points, 50);
      assert.equal(res.body.loyalty.movements.length, 1);
      const bySupport = await call(svc, SUPPORT, 'GET', `/api/v1/customers/${me.subject}/export`);
      assert.deepEqual(bySupport.body.addresses, res.body.addresses);
    });

    test('erasure removes the personal data and the addresses, keeps the ledger, and the account answers 410 afterwards', async () => {
      const me = await customerWithData();
      assert.equal((await call(svc, me, 'DELETE', '/api/v1/customers/me')).status, 204);
      const row = await svc.runtime.ctx.database.db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', me.subject)
        .executeTakeFirstOrThrow();
      assert.equal(row.email, null);
      assert.equal(row.name, null);
      assert.equal(row.phone, null);
      assert.equal(row.marketing_consent, false);
      assert.ok(row.anonymized_at);
      const addresses = await svc.runtime.ctx.database.db
        .selectFrom('addresses')
        .select('id')
        .where('customer_id', '=', me.subject)
        .execute();
      assert.equal(addresses.length, 0);
      const ledger = await call(svc, SUPPORT, 'GET', `/api/v1/customers/${me.subject}/loyalty/movements`);
      assert.equal(ledger.body.totalCount, 1);

      expectProblem(await call(svc, me, 'GET', '/api/v1/customers/me'), 410, 'CUSTOMER_ANONYMIZED');
      expectProblem(
        await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: address() }),
        410,
        'CUSTOMER_ANONYMIZED',
      );
      const events = await eventsFor(svc, 'customer.updated', me.subject);
      assert.equal(events.at(-1)?.data.anonymized, true);
      // A second request (support acting on the same one) changes nothing and announces nothing.
      assert.equal((await call(svc, ADMIN, 'DELETE', `/api/v1/customers/${me.subject}`)).status, 204);
      assert.equal(
        (await eventsFor(svc, 'customer.updated', me.subject)).filter((e) => e.data.anonymized).length,
        1,
      );
    });

    test('erasing by support needs customers:write', async () => {
      const me = await customerWithData();
      expectProblem(await call(svc, SUPPORT, 'DELETE', `/api/v1/customers/${me.subject}`), 403, 'FORBIDDEN');
      assert.equal((await call(svc, me, 'GET', '/api/v1/customers/me')).body.name, 'Ada');
    });
  });
}
