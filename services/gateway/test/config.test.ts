import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  gatewayOptionsFromConfig,
  loadGatewayConfig,
  loadRateLimitOptions,
  parseOrigins,
  parseUpstreams,
} from '../src/config.ts';

describe('gateway config', () => {
  it('reads upstreams as a name=url list or as JSON, trimming trailing slashes', () => {
    assert.deepEqual(parseUpstreams('settings=http://127.0.0.1:8114, catalog=http://catalog:8103/'), {
      settings: 'http://127.0.0.1:8114',
      catalog: 'http://catalog:8103',
    });
    assert.deepEqual(parseUpstreams('{"settings":"http://127.0.0.1:8114"}'), {
      settings: 'http://127.0.0.1:8114',
    });
    assert.deepEqual(parseUpstreams(''), {});
  });

  it('rejects unknown services, bad URLs and malformed lists, naming the variable', () => {
    assert.throws(() => parseUpstreams('setings=http://x'), /UPSTREAMS: unknown service "setings"/);
    assert.throws(() => parseUpstreams('settings=ftp://x'), /UPSTREAMS: settings: URL must be http/);
    assert.throws(() => parseUpstreams('settings=not a url'), /UPSTREAMS: settings: invalid URL/);
    assert.throws(() => parseUpstreams('settings'), /UPSTREAMS: expected name=url/);
    assert.throws(() => parseUpstreams('{"settings":'), /UPSTREAMS: not valid JSON/);
    assert.throws(() => loadGatewayConfig({ UPSTREAMS: 'nope=http://x' }), /UPSTREAMS/);
  });

  it('has the documented defaults', () => {
    const cfg = loadGatewayConfig({});
    assert.equal(cfg.PORT, 8080);
    assert.equal(cfg.UPSTREAM_TIMEOUT_MS, 10000);
    assert.equal(cfg.BREAKER_FAILURES, 5);
    assert.equal(cfg.BREAKER_HALF_OPEN_MS, 10000);
    const opts = gatewayOptionsFromConfig(cfg);
    assert.deepEqual(opts.upstreams, {});
    assert.deepEqual(opts.corsOrigins, []);
    assert.equal(opts.hstsMaxAge, 0);
  });

  it('turns settings into build options', () => {
    const opts = gatewayOptionsFromConfig(
      loadGatewayConfig({
        UPSTREAMS: 'settings=http://127.0.0.1:8114',
        CORS_ORIGINS: 'https://shop.example, https://admin.example',
        UPSTREAM_TIMEOUT_MS: '300',
        BREAKER_FAILURES: '3',
      }),
    );
    assert.deepEqual(opts.upstreams, { settings: 'http://127.0.0.1:8114' });
    assert.deepEqual(opts.corsOrigins, ['https://shop.example', 'https://admin.example']);
    assert.equal(opts.upstreamTimeoutMs, 300);
    assert.equal(opts.breakerFailures, 3);
    assert.deepEqual(parseOrigins('*'), ['*']);
  });

  it('reads identity and rate-limit settings, with memory counters unless REDIS_URL is set', () => {
    const defaults = gatewayOptionsFromConfig(loadGatewayConfig({}));
    assert.deepEqual(defaults.auth, {
      jwksUrl: 'http://127.0.0.1:8101/.well-known/jwks.json',
      issuer: 'http://localhost:8080',
      audience: 'mercato',
      identityUrl: 'http://127.0.0.1:8101',
      tokenCacheSize: 10000,
    });
    assert.deepEqual(defaults.rateLimit, {
      anonymous: 100,
      authenticated: 1000,
      premium: 10000,
      windowSeconds: 60,
      syncMs: 50,
    });
    const set = gatewayOptionsFromConfig(
      loadGatewayConfig({
        IDENTITY_URL: 'http://identity:8101',
        RATE_LIMIT_ANONYMOUS: '10',
        RATE_LIMIT_PREMIUM: '50000',
        RATE_LIMIT_WINDOW_SECONDS: '1',
        RATE_LIMIT_SYNC_MS: '0',
        REDIS_URL: 'redis://redis:6379',
      }),
    );
    assert.equal(set.auth?.identityUrl, 'http://identity:8101');
    assert.deepEqual(set.rateLimit, {
      anonymous: 10,
      authenticated: 1000,
      premium: 50000,
      windowSeconds: 1,
      syncMs: 0,
      redisUrl: 'redis://redis:6379',
    });
    assert.deepEqual(loadRateLimitOptions({ RATE_LIMIT_AUTHENTICATED: '5' }).authenticated, 5);
    assert.throws(() => loadGatewayConfig({ RATE_LIMIT_ANONYMOUS: '0' }), /RATE_LIMIT_ANONYMOUS/);
    assert.throws(() => loadGatewayConfig({ REDIS_URL: 'http://x' }), /REDIS_URL/);
  });
});
