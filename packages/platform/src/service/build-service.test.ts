// What a definition declares once — its settings, the parts its setup builds, the services it
// calls — reaches every part of the service through the kit.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { inventoryApi } from '@mercato/contracts';
import { closeTestPglite, startTestService } from '@mercato/testing';
import { Type } from 'typebox';
import { ConfigError } from '../config/index.ts';
import { defineService } from './definition.ts';
import { loadServiceConfig, serviceUrlOf } from './build-service.ts';

after(closeTestPglite);

const Config = Type.Object({
  KIT_TEST_LIMIT: Type.Integer({ minimum: 1, default: 10 }),
  KIT_TEST_LABEL: Type.String({ default: 'plain' }),
});

let setups = 0;
const seenBy: Record<string, unknown> = {};

const def = defineService<Record<string, never>>()({
  manifest: {
    name: 'kit-service',
    port: 0,
    schema: 'kitsvc',
    description: 'kit service test',
    resources: [],
  },
  config: Config,
  demoConfig: { KIT_TEST_LABEL: 'demo' },
  calls: { inventory: inventoryApi },
  migrations: new URL('../http/fixtures/migrations/', import.meta.url),
  setup(ctx) {
    setups++;
    return { counter: { limit: ctx.config.KIT_TEST_LIMIT } };
  },
  routes(app, ctx, parts) {
    seenBy.routes = parts.counter;
    app.get('/config', async () => ({ ...ctx.config, clients: Object.keys(ctx.clients) }));
  },
  workers(_ctx, parts) {
    seenBy.workers = parts.counter;
    return [];
  },
  subscriptions(_ctx, parts) {
    seenBy.subscriptions = parts.counter;
    return [];
  },
});

describe('service definitions', () => {
  test('settings are loaded once from the environment and handed to every part as ctx.config', async () => {
    setups = 0;
    const svc = await startTestService(def, 'pglite', { env: { KIT_TEST_LIMIT: '42' } });
    try {
      const res = await svc.runtime.app.inject({ method: 'GET', url: '/config' });
      assert.deepEqual(res.json(), { KIT_TEST_LIMIT: 42, KIT_TEST_LABEL: 'plain', clients: ['inventory'] });
      assert.equal(setups, 1, 'setup ran once');
      assert.equal(seenBy.routes, seenBy.workers, 'routes and workers share the same parts');
      assert.equal(seenBy.routes, seenBy.subscriptions);
      assert.deepEqual(svc.runtime.parts.counter, { limit: 42 });
      assert.equal(typeof svc.runtime.ctx.clients, 'object');
    } finally {
      await svc.close();
    }
  });

  test('demo defaults apply only with demo data, and only below what the environment sets', () => {
    assert.equal(loadServiceConfig(def, {}, false).KIT_TEST_LABEL, 'plain');
    assert.equal(loadServiceConfig(def, {}, true).KIT_TEST_LABEL, 'demo');
    assert.equal(loadServiceConfig(def, { KIT_TEST_LABEL: 'mine' }, true).KIT_TEST_LABEL, 'mine');
  });

  test('a malformed setting stops the build naming the variable', () => {
    assert.throws(
      () => loadServiceConfig(def, { KIT_TEST_LIMIT: 'lots' }, false),
      (err: unknown) => {
        return err instanceof ConfigError && /KIT_TEST_LIMIT/.test(err.message);
      },
    );
  });

  test('a called service is found at <NAME>_URL, else on loopback at its manifest port', () => {
    assert.equal(
      serviceUrlOf('inventory', { INVENTORY_URL: 'http://inventory:9000' }),
      'http://inventory:9000',
    );
    assert.match(serviceUrlOf('inventory', {}), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(serviceUrlOf('inventory', {}, { inventory: 'http://given' }), 'http://given');
    assert.throws(() => serviceUrlOf('nowhere', {}), /not a Mercato service/);
  });
});
