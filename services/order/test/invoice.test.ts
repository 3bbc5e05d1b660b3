import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, testAuth, type MintOptions } from '@mercato/testing';
import { extractText, getDocumentProxy } from 'unpdf';
import {
  createOrder,
  customer,
  expectProblem,
  call,
  startOrder,
  SUPPORT,
  type SettingsStandIn,
  type Svc,
} from './support.ts';

after(closeTestPglite);

describe('invoice PDF (pglite)', () => {
  let svc: Svc;
  let settings: SettingsStandIn;
  let close: () => Promise<void>;
  before(async () => {
    ({ svc, settings, close } = await startOrder('pglite'));
  });
  after(async () => {
    await close?.();
  });

  async function pdfOf(id: string, as: MintOptions) {
    const res = await svc.runtime.app.inject({
      method: 'GET',
      url: `/api/v1/orders/${id}/invoice.pdf`,
      headers: await (await testAuth()).headers(as),
    });
    return res;
  }

  test("the owner's invoice is a PDF whose text holds the shop's details, the number, the lines, taxes and totals", async () => {
    settings.values.set('store.profile', {
      name: 'Octopus Outfitters',
      supportEmail: 'help@octopus.example',
      phone: '+1 555 0199',
    });
    const me = customer();
    const o = await createOrder(svc, { customerId: me.subject });
    const res = await pdfOf(o.id, me);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(String(res.headers['content-disposition']), new RegExp(`invoice-${o.number}\\.pdf`));
    const bytes = res.rawPayload;
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(pdf, { mergePages: true });
    for (const expected of [
      'Octopus Outfitters',
      'help@octopus.example',
      `Invoice ${o.number}`,
      'Ada Buyer',
      'Springfield',
      'OCT-M',
      'Octopus tee, M',
      'MUG-1',
      '15.00 USD', // the tee's unit price
      '-3.00 USD', // its discount
      '2.16 USD', // its tax
      '39.00 USD', // subtotal
      '2.88 USD', // tax total
      '5.00 USD', // shipping
      '43.88 USD', // total
    ]) {
      assert.ok(text.includes(expected), `the invoice says ${expected}:\n${text}`);
    }
  });

  test('someone else’s invoice is a 404; staff may read any; settings down is a 503', async () => {
    const me = customer();
    const o = await createOrder(svc, { customerId: me.subject });
    const foreign = await pdfOf(o.id, customer());
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().code, 'ORDER_NOT_FOUND');
    assert.equal((await pdfOf(o.id, SUPPORT)).statusCode, 200);
    settings.down = true;
    try {
      expectProblem(
        await call(svc, 'GET', `/api/v1/orders/${o.id}/invoice.pdf`, { as: me }),
        503,
        'DEPENDENCY_UNAVAILABLE',
      );
    } finally {
      settings.down = false;
    }
  });
});
