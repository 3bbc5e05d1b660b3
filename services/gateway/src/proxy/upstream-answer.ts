import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** What an upstream answered: its status and headers, and its body whole or as a stream. */
export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** Whole when the upstream announced a length up to the collector's limit, else streamed. */
  body: Buffer | Readable;
}

/** Called once: with the answer (headers in, body whole or streaming), or with why there is none. */
export type AnswerCallback = (err: Error | null, answer?: UpstreamAnswer) => void;

const EMPTY = Buffer.alloc(0);

/**
 * An undici dispatch handler for the gateway's bodiless calls (GET, HEAD). A body whose
 * Content-Length is within maxBytes is gathered and handed over whole, so the gateway
 * answers with one write of headers and body and no stream per request: reply-from's path
 * (a body stream from undici piped into the reply) cost more CPU per request than the
 * service behind it. A longer body, or one of unknown length, is streamed with undici's
 * back-pressure (paused while the reader is full) and the call is aborted if the reader
 * goes away first.
 */
export class AnswerCollector implements Dispatcher.DispatchHandler {
  readonly #maxBytes: number;
  readonly #done: AnswerCallback;
  #settled = false;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #stream: Readable | undefined;
  #ended = false;

  constructor(maxBytes: number, done: AnswerCallback) {
    this.#maxBytes = maxBytes;
    this.#done = done;
  }

  // Its presence tells undici this handler speaks the controller API (not the legacy callbacks).
  onRequestStart(): void {}

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
    const length = headers['content-length'];
    if (length !== undefined && Number(length) <= this.#maxBytes) return;
    const stream = new Readable({
      read: () => controller.resume(),
      destroy: (err, cb) => {
        // The reader went away before the end: the upstream call is cut off too.
        if (!this.#ended) controller.abort(err ?? new Error('the client went away'));
        cb(err);
      },
    });
    this.#stream = stream;
    this.#settle(null, { statusCode, headers, body: stream });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#stream === undefined) this.#chunks.push(chunk);
    else if (!this.#stream.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#ended = true;
    if (this.#stream !== undefined) {
      this.#stream.push(null);
      return;
    }
    const c = this.#chunks;
    const body = c.length === 0 ? EMPTY : c.length === 1 ? (c[0] as Buffer) : Buffer.concat(c);
    this.#chunks = [];
    this.#settle(null, { statusCode: this.#status, headers: this.#headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#ended = true;
    if (this.#settled) this.#stream?.destroy(error);
    else this.#settle(error);
  }

  #settle(err: Error | null, answer?: UpstreamAnswer): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done(err, answer);
  }
}
