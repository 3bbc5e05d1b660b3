import { CommonErrors } from '@mercato/platform/errors';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

type Done = (err: Error | null, body?: unknown) => void;

/**
 * A content-type parser for every media type that hands the request body on as a stream:
 * the gateway neither parses nor re-serializes what it proxies (reply-from pipes a stream
 * body to the upstream as is). The body limit is still enforced: by Content-Length before
 * anything is read, and for chunked bodies (no length) by buffering up to the limit.
 */
export function passthroughParser(limitOf: (request: FastifyRequest) => number) {
  return function passthrough(request: FastifyRequest, payload: IncomingMessage, done: Done): void {
    const limit = limitOf(request);
    const length = request.headers['content-length'];
    if (length === undefined) {
      bufferChunked(payload, limit, done);
      return;
    }
    if (length === '0') {
      done(null, undefined); // nothing to stream; reply-from sends Content-Length: 0 as received
      return;
    }
    if (Number(length) > limit) {
      done(CommonErrors.PAYLOAD_TOO_LARGE(`The limit is ${limit} bytes`));
      return;
    }
    done(null, payload);
  };
}

// Chunked uploads are rare for this API; buffering them keeps the 413 deterministic
// (sent before the upstream sees a byte) instead of cutting an upload half-way.
function bufferChunked(payload: IncomingMessage, limit: number, done: Done): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | null, body?: unknown) => {
    if (finished) return;
    finished = true;
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(err, body);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      finish(CommonErrors.PAYLOAD_TOO_LARGE(`The limit is ${limit} bytes`));
      return;
    }
    chunks.push(chunk);
  };
  // A Buffer body would be JSON-encoded again by reply-from; a stream is sent as it is.
  const onEnd = () =>
    finish(
      null,
      size === 0 ? undefined : Readable.from([Buffer.concat(chunks, size)], { objectMode: false }),
    );
  const onError = (err: Error) => finish(err);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
}
