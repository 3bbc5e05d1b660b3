import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { verifyWebhookSignature, WebhookSignatureError } from './webhook-signature.ts';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"id":"evt_1","type":"tracker.updated"}';
const sign = (t: number, payload = body, key = secret) =>
  `t=${t},v1=${createHmac('sha256', key).update(`${t}.${payload}`).digest('hex')}`;
const at = (seconds: number) => () => seconds * 1000;

describe('webhook signatures', () => {
  test('a signature of the raw body with the secret, within the tolerance, is accepted', () => {
    verifyWebhookSignature(body, sign(1_000_000), secret, { now: at(1_000_100) });
    // A rotated secret: one of several v1 values matching is enough.
    verifyWebhookSignature(
      body,
      `${sign(1_000_000, body, 'other-secret-0000')},v1=${sign(1_000_000).split('v1=')[1]}`,
      secret,
      {
        now: at(1_000_000),
      },
    );
  });

  test('a changed body, another secret, a stale or future timestamp, or a malformed header is refused', () => {
    const refused = (header: string | undefined, payload = body, now = at(1_000_000)) =>
      assert.throws(() => verifyWebhookSignature(payload, header, secret, { now }), WebhookSignatureError);
    refused(sign(1_000_000), body.replace('evt_1', 'evt_2'));
    refused(sign(1_000_000, body, 'another-secret-000'));
    refused(sign(1_000_000), body, at(1_000_301));
    refused(sign(1_000_400), body, at(1_000_000));
    refused(undefined);
    refused('v1=abc');
    refused('t=1000000,v1=zz');
  });
});
