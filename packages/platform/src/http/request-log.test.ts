import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { captureLogger, type CapturedLogs } from '@mercato/testing';
import { Type } from 'typebox';
import { createMetrics } from '../metrics/index.ts';
import { createApp, type ServiceApp } from './app.ts';

describe('request log lines (LOG_REQUESTS=true)', () => {
  let app: ServiceApp;
  let logs: CapturedLogs;
  const saved = process.env.LOG_REQUESTS;

  before(async () => {
    // The operator's switch, as a deployment sets it.
    process.env.LOG_REQUESTS = 'true';
    const captured = captureLogger('reqlog');
    logs = captured.logs;
    app = await createApp({ name: 'reqlog', logger: captured.logger, metrics: createMetrics('reqlog') });
    app.get('/things/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => ({
      id: request.params.id,
    }));
    await app.ready();
  });

  after(async () => {
    await app.close();
    if (saved === undefined) delete process.env.LOG_REQUESTS;
    else process.env.LOG_REQUESTS = saved;
  });

  const completed = () => logs.lines.filter((l) => l.msg === 'request completed');

  test('a line holds method, route, path, status, latency, client address and correlation id', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/things/42?token=s3cr3t-value&owner=jane.doe@example.com',
      remoteAddress: '203.0.113.7',
      headers: {
        'x-correlation-id': 'corr-req-log-1',
        'x-forwarded-for': '198.51.100.9',
        'user-agent': 'probe/1',
      },
    });
    assert.equal(res.statusCode, 200);
    const lines = completed();
    assert.equal(lines.length, 1, logs.text());
    const line = lines[0] as {
      req: Record<string, unknown>;
      res: Record<string, unknown>;
      responseTime: unknown;
      level: string;
    };
    assert.equal(line.level, 'info');
    assert.equal(line.req.method, 'GET');
    assert.equal(line.req.route, '/things/:id');
    assert.equal(line.req.ip, '203.0.113.7');
    assert.equal(line.req.forwardedFor, '198.51.100.9');
    assert.equal(line.req.correlationId, 'corr-req-log-1');
    assert.equal(line.req.userAgent, 'probe/1');
    assert.equal(line.res.statusCode, 200);
    assert.equal(typeof line.responseTime, 'number');
    assert.ok((line.responseTime as number) >= 0);
    // The query's secret parameter and the email are masked, the rest of the path kept.
    assert.equal(line.req.url, '/things/42?token=[REDACTED]&owner=j***@example.com');
    assert.ok(!logs.text().includes('s3cr3t-value'));
    assert.ok(!logs.text().includes('jane.doe@example.com'));
  });

  test('an unmatched request is logged with its status and no route', async () => {
    const before = completed().length;
    const res = await app.inject({ method: 'POST', url: '/nowhere', remoteAddress: '203.0.113.8' });
    assert.equal(res.statusCode, 404);
    const line = completed()[before] as { req: Record<string, unknown>; res: Record<string, unknown> };
    assert.equal(line.req.method, 'POST');
    assert.equal(line.req.route, null);
    assert.equal(line.req.ip, '203.0.113.8');
    assert.equal(line.res.statusCode, 404);
    assert.match(String(line.req.correlationId), /^[0-9a-f-]{36}$/);
  });

  test('no line is written when request logging is off', async () => {
    const captured = captureLogger('quiet');
    const quiet = await createApp({
      name: 'quiet',
      logger: captured.logger,
      metrics: createMetrics('quiet'),
      logRequests: false,
    });
    quiet.get('/x', async () => ({ ok: true }));
    await quiet.inject({ method: 'GET', url: '/x' });
    await quiet.close();
    assert.equal(captured.logs.lines.length, 0, captured.logs.text());
  });
});
