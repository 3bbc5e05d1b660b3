// The settings a service reads, through a real kit app serving settings' getSetting contract:
// reused within the ttl, read again after it (the clock is the test's), and on an outage the
// last values or a rejection, as the reader was asked.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { settingsApi } from '@mercato/contracts';
import { captureLogger, manualClock } from '@mercato/testing';
import { CommonErrors } from '../errors/index.ts';
import { contractRoute } from '../http/contract-route.ts';
import { createApp, type ServiceApp } from '../http/app.ts';
import { createMetrics } from '../metrics/index.ts';
import { createServiceClient } from './service-client.ts';
import { createSettingsReader } from './settings-reader.ts';
import { createTypedClient, type TypedClient } from './typed-client.ts';

describe('a settings reader', () => {
  const { logger } = captureLogger('settings-reader');
  const values = new Map<string, unknown>();
  let down = false;
  let asked = 0;
  let app: ServiceApp;
  let settings: TypedClient<typeof settingsApi>;

  before(async () => {
    app = await createApp({ name: 'settings', logger, metrics: createMetrics('settings_stand_in') });
    app.route({
      ...contractRoute(settingsApi.getSetting),
      handler: async (request) => {
        asked++;
        if (down) throw CommonErrors.DEPENDENCY_UNAVAILABLE('settings is down');
        const { key } = request.params;
        if (!values.has(key)) throw CommonErrors.NOT_FOUND(`no setting ${key}`);
        const t = new Date(0).toISOString();
        return {
          key,
          description: null,
          value: values.get(key),
          schema: {},
          version: 1,
          createdAt: t,
          updatedAt: t,
          updatedBy: null,
        };
      },
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    settings = createTypedClient(
      settingsApi,
      createServiceClient({ name: 'settings', baseUrl: url, retries: 0 }),
    );
  });
  after(async () => {
    await settings.http.close();
    await app.close();
  });
  beforeEach(() => {
    values.clear();
    down = false;
    asked = 0;
  });

  function reader(clock: { now(): number }, keepLastGood = false) {
    return createSettingsReader({
      settings,
      keys: ['shop.name', 'shop.open'],
      parse: (v) => ({
        name: typeof v['shop.name'] === 'string' ? v['shop.name'] : 'default',
        open: v['shop.open'] === true,
      }),
      ttlMs: 1_000,
      now: () => clock.now(),
      logger,
      keepLastGood,
    });
  }

  test('a setting not set reads as null, and reads within the ttl ask settings once', async () => {
    values.set('shop.open', true);
    const clock = manualClock(0);
    const r = reader(clock);
    assert.deepEqual(await r.get(), { name: 'default', open: true });
    values.set('shop.name', 'Corner shop');
    clock.advance(999);
    assert.deepEqual(await r.get(), { name: 'default', open: true });
    assert.equal(asked, 2, 'one read of each key');
    clock.advance(1);
    assert.deepEqual(await r.get(), { name: 'Corner shop', open: true });
    assert.equal(asked, 4);
  });

  test('when settings is down, a reader without keepLastGood rejects and the next read asks again', async () => {
    values.set('shop.name', 'Corner shop');
    const clock = manualClock(0);
    const r = reader(clock);
    down = true;
    await assert.rejects(r.get(), { code: 'DEPENDENCY_UNAVAILABLE' });
    down = false;
    assert.deepEqual(await r.get(), { name: 'Corner shop', open: false });
  });

  test('when settings goes down after a good read, keepLastGood answers the last values; before any, it rejects', async () => {
    const clock = manualClock(0);
    const fresh = reader(clock, true);
    down = true;
    await assert.rejects(fresh.get(), { code: 'DEPENDENCY_UNAVAILABLE' });
    down = false;
    values.set('shop.name', 'Corner shop');
    const r = reader(clock, true);
    assert.deepEqual(await r.get(), { name: 'Corner shop', open: false });
    values.set('shop.name', 'Renamed');
    down = true;
    clock.advance(1_000);
    assert.deepEqual(await r.get(), { name: 'Corner shop', open: false });
  });
});
