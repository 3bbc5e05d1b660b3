import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { customerService } from '../src/service.ts';
import { ADMIN, SUPPORT, call, deliver, eventsFor, expectProblem, shopper, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`customer profiles (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(customerService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const rows = () => svc.runtime.ctx.database.db.selectFrom('customers').selectAll().execute();

    test('user.registered creates the profile once, with customer.created; a redelivery changes nothing', async () => {
      const me = shopper();
      const data = { userId: me.subject, email: me.email, name: 'Grace Hopper' };
      const event = await deliver(svc, 'user.registered', me.subject, data, 'identity');
      await svc.bus.publish(event);
      await svc.flush();
      await deliver(svc, 'user.registered', me.subject, data, 'identity');

      const got = await call(svc, me, 'GET', '/api/v1/customers/me');
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'Grace Hopper');
      assert.equal(got.body.email, me.email);
      assert.deepEqual(got.body.loyalty, { points: 0, tier: 'bronze' });
      assert.equal(got.headers.etag, '"1"');
      const created = await eventsFor(svc, 'customer.created', me.subject);
      assert.equal(created.length, 1);
      assert.equal(created[0]?.data.email, me.email);
    });

    test('a signed-in user whose registration has not arrived yet gets a profile on first read', async () => {
      const me = shopper();
      const got = await call(svc, me, 'GET', '/api/v1/customers/me');
      assert.equal(got.status, 200);
      assert.equal(got.body.id, me.subject);
      assert.equal(got.body.email, me.email);
      // The late user.registered then changes nothing.
      await deliver(
        svc,
        'user.registered',
        me.subject,
        { userId: me.subject, email: me.email, name: 'Late' },
        'identity',
      );
      assert.equal((await call(svc, me, 'GET', '/api/v1/customers/me')).body.name, null);
      assert.equal((await eventsFor(svc, 'customer.created', me.subject)).length, 1);
    });

    test('PATCH with If-Match changes the fields sent, normalizes the phone and records consent with time and source', async () => {
      const me = shopper();
      await call(svc, me, 'GET', '/api/v1/customers/me');
      const res = await call(svc, me, 'PATCH', '/api/v1/customers/me', {
        body: { name: 'Ada', phone: '+44 20 7946 0958', locale: 'en-GB', marketingConsent: true },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.etag, '"2"');
      assert.equal(res.body.phone, '+442079460958');
      assert.equal(res.body.locale, 'en-GB');
      assert.equal(res.body.marketingConsent.granted, true);
      assert.equal(res.body.marketingConsent.source, 'account');
      assert.ok(res.body.marketingConsent.changedAt);
      const updated = await eventsFor(svc, 'customer.updated', me.subject);
      assert.equal(updated.length, 1);
      assert.deepEqual([...(updated[0]?.data.changed ?? [])].sort(), [
        'locale',
        'marketingConsent',
        'name',
        'phone',
      ]);
      assert.equal(updated[0]?.data.marketingConsent, true);
    });

    test('a stale If-Match answers 412, a missing one 428, and neither changes the profile', async () => {
      const me = shopper();
      await call(svc, me, 'GET', '/api/v1/customers/me');
      await call(svc, me, 'PATCH', '/api/v1/customers/me', {
        body: { name: 'One' },
        headers: { 'if-match': '"1"' },
      });
      expectProblem(
        await call(svc, me, 'PATCH', '/api/v1/customers/me', {
          body: { name: 'Two' },
          headers: { 'if-match': '"1"' },
        }),
        412,
        'PRECONDITION_FAILED',
      );
      expectProblem(
        await call(svc, me, 'PATCH', '/api/v1/customers/me', { body: { name: 'Two' } }),
        428,
        'PRECONDITION_REQUIRED',
      );
      const got = await call(svc, me, 'GET', '/api/v1/customers/me');
      assert.equal(got.body.name, 'One');
      assert.equal(got.body.version, 2);
    });

    test('bad input answers 4xx problem+json and changes nothing', async () => {
      const me = shopper();
      await call(svc, me, 'GET', '/api/v1/customers/me');
      const patch = (body: unknown) =>
        call(svc, me, 'PATCH', '/api/v1/customers/me', { body, headers: { 'if-match': '"1"' } });
      expectProblem(await patch({ phone: '123' }), 422, 'CUSTOMER_PHONE_INVALID');
      expectProblem(await patch({}), 400, 'VALIDATION_FAILED');
      expectProblem(await patch({ locale: 'english' }), 400, 'VALIDATION_FAILED');
      expectProblem(await patch({ email: 'x@example.com' }), 400, 'VALIDATION_FAILED');
      expectProblem(await patch({ name: 'x'.repeat(201) }), 400, 'VALIDATION_FAILED');
      expectProblem(await call(svc, 'anonymous', 'GET', '/api/v1/customers/me'), 401, 'UNAUTHORIZED');
      const got = await call(svc, me, 'GET', '/api/v1/customers/me');
      assert.equal(got.body.version, 1);
      assert.equal(got.body.phone, null);
    });

    test('support searches customers by email and reads one; a customer may do neither', async () => {
      const me = shopper();
      await call(svc, me, 'GET', '/api/v1/customers/me');
      const found = await call(
        svc,
        SUPPORT,
        'GET',
        `/api/v1/customers?search=${encodeURIComponent(me.email)}`,
      );
      assert.equal(found.status, 200);
      assert.equal(found.body.totalCount, 1);
      assert.equal(found.body.items[0].id, me.subject);
      assert.equal((await call(svc, SUPPORT, 'GET', `/api/v1/customers/${me.subject}`)).body.email, me.email);
      expectProblem(await call(svc, me, 'GET', '/api/v1/customers'), 403, 'FORBIDDEN');
      expectProblem(await call(svc, me, 'GET', `/api/v1/customers/${me.subject}`), 403, 'FORBIDDEN');
      expectProblem(
        await call(svc, ADMIN, 'GET', `/api/v1/customers/${shopper().subject}`),
        404,
        'CUSTOMER_NOT_FOUND',
      );
      assert.ok((await rows()).length >= 1);
    });
  });
}
