import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite } from '@mercato/testing';
import { call, expectProblem, startNotification, type Svc } from './support.ts';

after(closeTestPglite);

describe('templates (pglite)', () => {
  let svc: Svc;
  const url = '/api/v1/notifications/templates/verify_email/fr';
  const good = {
    subject: 'Confirmez votre adresse pour {{shopName}}',
    html: '<p>Bonjour {{name}}</p>{{#if verificationUrl}}<a href="{{verificationUrl}}">Confirmer</a>{{/if}}',
    text: 'Bonjour {{name}}, {{verificationUrl}}',
  };

  before(async () => {
    svc = await startNotification('pglite');
  });
  after(async () => {
    await svc?.close();
  });

  async function stored(locale: string) {
    return svc.runtime.ctx.database.db
      .selectFrom('templates')
      .selectAll()
      .where('locale', '=', locale)
      .execute();
  }

  test('shipped defaults are listed before any edit, as version 0', async () => {
    const res = await call(svc, 'GET', '/api/v1/notifications/templates/verify_email/en', {
      as: { roles: ['admin'] },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.source, 'default');
    assert.equal(res.body.version, 0);
    const types = await call(svc, 'GET', '/api/v1/notifications/types', { as: { roles: ['admin'] } });
    assert.ok(types.body.some((t: { type: string }) => t.type === 'low_stock'));
  });

  test('an admin saves a template for a new locale; it renders in the preview', async () => {
    const res = await call(svc, 'PUT', url, { body: good });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.version, 1);
    assert.equal(res.headers.etag, '"1"');
    const preview = await call(svc, 'POST', `${url}/preview`, { body: {} });
    assert.equal(preview.status, 200);
    assert.equal(preview.body.subject, 'Confirmez votre adresse pour Mercato');
    assert.match(preview.body.html, /Bonjour Ada Lovelace/);
    const stale = await call(svc, 'PUT', url, { body: good, headers: { 'if-match': '"7"' } });
    expectProblem(stale, 412, 'PRECONDITION_FAILED');
  });

  test('an unknown variable is refused, also behind #if and inside #each: 400, nothing stored', async () => {
    for (const html of ['<p>{{nmae}}</p>', '{{#if name}}{{token}}{{/if}}', '{{#each name}}{{x}}{{/each}}']) {
      const res = await call(svc, 'PUT', '/api/v1/notifications/templates/verify_email/it', {
        body: { ...good, html },
      });
      const p = expectProblem(res, 400, 'NOTIFICATION_TEMPLATE_UNKNOWN_VARIABLE');
      assert.equal(p.errors[0].path, '/html');
    }
    assert.equal((await stored('it')).length, 0);
  });

  test('a syntax error is refused with its part: 400, nothing stored', async () => {
    const res = await call(svc, 'PUT', '/api/v1/notifications/templates/verify_email/es', {
      body: { ...good, subject: 'Hola {{name' },
    });
    const p = expectProblem(res, 400, 'NOTIFICATION_TEMPLATE_SYNTAX');
    assert.equal(p.errors[0].path, '/subject');
    const helper = await call(svc, 'PUT', '/api/v1/notifications/templates/verify_email/es', {
      body: { ...good, text: '{{lookup name 0}}' },
    });
    expectProblem(helper, 400, 'NOTIFICATION_TEMPLATE_UNKNOWN_VARIABLE');
    assert.equal((await stored('es')).length, 0);
  });

  test('an unknown type is 404; a customer may not edit templates', async () => {
    expectProblem(
      await call(svc, 'PUT', '/api/v1/notifications/templates/nope/en', { body: good }),
      404,
      'NOTIFICATION_TYPE_UNKNOWN',
    );
    const res = await call(svc, 'PUT', url, { body: good, as: { roles: ['customer'] } });
    assert.equal(res.status, 403);
  });

  test('an admin send with a malformed address or data that misses a variable: 400, nothing stored', async () => {
    const before = await svc.runtime.ctx.database.db.selectFrom('messages').select('id').execute();
    const bad = await call(svc, 'POST', '/api/v1/notifications/messages', {
      body: {
        type: 'low_stock',
        to: 'not-an-address',
        data: { sku: 'A', warehouseCode: 'W', available: 1, threshold: 2 },
      },
    });
    expectProblem(bad, 400, 'NOTIFICATION_RECIPIENT_INVALID');
    const missing = await call(svc, 'POST', '/api/v1/notifications/messages', {
      body: { type: 'low_stock', to: 'ops@example.com', data: { sku: 'A' } },
    });
    const p = expectProblem(missing, 400, 'NOTIFICATION_DATA_INVALID');
    assert.ok(p.errors.length > 0);
    const after = await svc.runtime.ctx.database.db.selectFrom('messages').select('id').execute();
    assert.equal(after.length, before.length);
  });

  test('embedded without SMTP_URL: the email lands in the development mailbox, read by admins', async () => {
    const sent = await call(svc, 'POST', '/api/v1/notifications/messages', {
      body: {
        type: 'low_stock',
        to: 'Ops@Example.com',
        data: { sku: 'MUG-1', warehouseCode: 'MAIN', available: 2, threshold: 5 },
      },
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal((await svc.runtime.parts.dispatcher.runOnce()).sent, 1);
    const box = await call(svc, 'GET', '/api/v1/notifications/dev-mailbox?to=ops@example.com', {
      as: { roles: ['admin'] },
    });
    assert.equal(box.status, 200);
    assert.equal(box.body.totalCount, 1);
    assert.equal(box.body.items[0].subject, 'Low stock: MUG-1 (2 left in MAIN)');
    assert.equal(box.body.items[0].messageId, sent.body.messageId);
    const anon = await call(svc, 'GET', '/api/v1/notifications/dev-mailbox');
    assert.equal(anon.status, 401);
  });
});
