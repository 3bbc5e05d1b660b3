import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, isFailureStatus } from './upstream.ts';

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('upstream failure classification', () => {
  it('counts timeouts, unreachable upstreams and unknown errors against the circuit', () => {
    assert.equal(classifyError(withCode('UND_ERR_HEADERS_TIMEOUT')), 'timeout');
    assert.equal(classifyError(withCode('UND_ERR_CONNECT_TIMEOUT')), 'timeout');
    assert.equal(classifyError(withCode('ECONNREFUSED')), 'unavailable');
    assert.equal(classifyError(withCode('ECONNRESET')), 'unavailable');
    assert.equal(classifyError(withCode('ENOTFOUND')), 'unavailable');
    assert.equal(classifyError(withCode('UND_ERR_SOCKET')), 'unavailable');
    assert.equal(classifyError(withCode('SOMETHING_ELSE')), 'error');
    assert.equal(classifyError(new Error('no code')), 'error');
  });

  it("does not blame the upstream for the caller's broken request", () => {
    assert.equal(classifyError(withCode('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH')), undefined);
    assert.equal(classifyError(withCode('UND_ERR_ABORTED')), undefined);
  });

  it('treats 502, 503 and 504 answers as failures and every other status as success', () => {
    for (const s of [502, 503, 504]) assert.equal(isFailureStatus(s), true, String(s));
    for (const s of [200, 201, 204, 301, 400, 401, 404, 409, 412, 422, 429, 500, 501]) {
      assert.equal(isFailureStatus(s), false, String(s));
    }
  });
});
