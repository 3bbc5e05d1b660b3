import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import { currentContext, traceIdOf } from '../context/index.ts';
import { serializeReply, serializeRequest } from './http-serializers.ts';
import { maskText, maskValue, SECRET_KEYS } from './mask.ts';

export type { Logger } from 'pino';
export { maskText, maskValue } from './mask.ts';

/** Options for a service logger. */
export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where to write; stdout when absent (tests pass a capture stream). */
  destination?: DestinationStream;
}

function serializeError(err: unknown): unknown {
  // Anything but an Error (a string, a plain object) is masked as it is.
  if (!(err instanceof Error)) return maskValue(err);
  return maskValue({ ...pino.stdSerializers.err(err) });
}

// Fields pino's serializers turn into log data (and mask) themselves. formatters.log runs
// before serializers and its key-by-key copy would hand them an empty object: it leaves
// these keys alone.
const SERIALIZED = new Set(['err', 'error', 'req', 'res']);

function maskFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = SERIALIZED.has(k) ? v : SECRET_KEYS.has(k.toLowerCase()) ? '[REDACTED]' : maskValue(v, 1);
  }
  return out;
}

/**
 * A pino JSON logger that stamps every line with service, correlationId and traceId
 * (from the request context) and masks emails, tokens, passwords and card numbers.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: opts.service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ level: label }),
      log: maskFields,
    },
    // `err` and `error` fields: every property of the error is masked, not only message and
    // stack (a pg unique violation's `detail` holds the duplicate value, e.g. an email).
    // `req` and `res`: a Fastify request and reply, as the kit's request lines log them.
    serializers: { err: serializeError, error: serializeError, req: serializeRequest, res: serializeReply },
    hooks: {
      // Messages are masked too: `log.info('mail sent to a@b.c')` must not leak the address.
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskText(a) : a)),
        );
      },
    },
    mixin() {
      const ctx = currentContext();
      if (!ctx) return {};
      const traceId = traceIdOf(ctx.traceparent);
      return traceId ? { correlationId: ctx.correlationId, traceId } : { correlationId: ctx.correlationId };
    },
  };
  const logger = opts.destination ? pino(options, opts.destination) : pino(options);
  // Child-logger fields (`logger.child({ email })`) bypass formatters.log, and pino drops a
  // bindings formatter for children: mask them here. Children inherit this method.
  // pino's generic signature (custom levels) does not survive the wrapping; the call is the same.
  const child = logger.child as unknown as (
    this: Logger,
    bindings: Bindings,
    options?: ChildLoggerOptions,
  ) => Logger;
  logger.child = function (this: Logger, bindings: Bindings, childOptions?: ChildLoggerOptions) {
    return child.call(this, maskValue(bindings) as Bindings, childOptions);
  } as unknown as Logger['child'];
  return logger;
}
