import assert from 'node:assert/strict';
import { waitFor } from '@mercato/testing';

/**
 * Through the platform's gateway at `base`: an API key the admin creates writes a feature
 * flag; once revoked, it is refused within 5 s (polled), so the launcher gave the gateway
 * identity's events.
 */
export async function expectRevokedKeyRefused(base: string, admin: { authorization: string }): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: { ...json, ...admin },
    body: JSON.stringify({ name: 'launcher check', permissions: ['settings:write'] }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id, key } = (await created.json()) as { id: string; key: string };
  let n = 0;
  const write = async () => {
    const res = await fetch(`${base}/api/v1/feature-flags`, {
      method: 'POST',
      headers: { ...json, 'x-api-key': key },
      body: JSON.stringify({ key: `launcher.revocation-${Date.now().toString(36)}-${++n}`, enabled: true }),
    });
    await res.arrayBuffer();
    return res.status;
  };
  assert.equal(await write(), 201, 'the key writes a flag');
  const revoked = await fetch(`${base}/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin });
  assert.equal(revoked.status, 204);
  await waitFor(async () => (await write()) === 401, 5000, 'the revoked key to be refused', 20);
}
