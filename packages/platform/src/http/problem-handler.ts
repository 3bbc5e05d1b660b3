import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors, PROBLEM_CONTENT_TYPE, toProblem, type FieldError } from '../errors/index.ts';

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Maps Fastify/Ajv validation errors to field errors with JSON-pointer paths under the request part. */
export function validationFieldErrors(part: string | undefined, errors: AjvLikeError[]): FieldError[] {
  const prefix = `/${part ?? 'body'}`;
  return errors.map((e) => {
    let path = `${prefix}${e.instancePath ?? ''}`;
    const missing = e.params?.missingProperty;
    if (typeof missing === 'string') path += `/${missing}`;
    const extra = e.params?.additionalProperty;
    if (typeof extra === 'string') path += `/${extra}`;
    return { path, message: e.message ?? 'is invalid' };
  });
}

/** Translates any thrown error into an AppError; unknown errors become a 500 that says nothing. */
export function toAppError(err: FastifyError | Error): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    return CommonErrors.VALIDATION_FAILED(undefined, {
      errors: validationFieldErrors(fe.validationContext, fe.validation as AjvLikeError[]),
    });
  }
  switch (fe.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return CommonErrors.URI_TOO_LONG('a path parameter is longer than 100 characters');
    case 'FST_ERR_BAD_URL':
      return CommonErrors.BAD_REQUEST('the URL has a malformed %-escape');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return CommonErrors.PAYLOAD_TOO_LARGE();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return CommonErrors.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return CommonErrors.BAD_REQUEST(fe.message);
    default:
      break;
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors (bad JSON syntax, bad params): safe to describe.
    return new AppError(
      'BAD_REQUEST',
      { status: fe.statusCode, title: 'The request could not be read' },
      fe.message,
    );
  }
  return CommonErrors.INTERNAL();
}

/** Sends err as RFC 9457 problem+json. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  const correlationId = String(reply.getHeader('x-correlation-id') ?? request.id);
  if (err.headers) reply.headers(err.headers);
  return reply
    .code(err.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(toProblem(err, request.url, correlationId)));
}

/** Installs the error and not-found handlers on a Fastify app. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(request, reply, appErr);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      CommonErrors.ROUTE_NOT_FOUND(`${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
