import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { WRITE } from '../request-meta.ts';
import { MEDIA_TYPES, MEDIA_WIDTHS } from './media-content.ts';
import type { MediaService } from './media-service.ts';

const tags = ['media'];
const MEDIA_BODY_LIMIT = 5 * 1024 * 1024;
/** Stored images never change (a new image is a new id): caches may keep them a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** POST /api/v1/media (catalog:write) stores an image; GET /api/v1/media/:id serves it. */
export function registerMediaRoutes(app: ServiceApp, media: MediaService): void {
  void app.register(async (scope: ServiceApp) => {
    scope.addContentTypeParser(
      [...MEDIA_TYPES],
      { parseAs: 'buffer', bodyLimit: MEDIA_BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );
    scope.post(
      '/api/v1/media',
      {
        bodyLimit: MEDIA_BODY_LIMIT,
        config: { auth: WRITE },
        schema: {
          tags,
          summary: `Store an image (${MEDIA_TYPES.join(', ')}; at most 5 MB): its bytes must be the declared type`,
          response: {
            201: Type.Object({
              id: Type.String(),
              url: Type.String(),
              contentType: Type.String(),
              size: Type.Integer(),
            }),
            ...problemResponses(400, 401, 403, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const type = String(request.headers['content-type']).split(';')[0]!.trim();
        const stored = await media.upload(request.body as Buffer, type);
        return reply.code(201).header('location', stored.url).send(stored);
      },
    );
  });

  app.get(
    '/api/v1/media/:id',
    {
      schema: {
        tags,
        summary: 'An image, by the URL products give; `w` asks for a width (SVGs are redrawn at it)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          w: Type.Optional(
            Type.Union(
              MEDIA_WIDTHS.map((w) => Type.Literal(w)),
              { description: 'width in pixels' },
            ),
          ),
        }),
        response: { 200: Type.Any(), 304: Type.Null(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const file = await media.get(request.params.id, request.query.w);
      reply
        .header('cache-control', IMMUTABLE)
        .header('etag', file.etag)
        .header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send(null);
      return reply.type(file.contentType).send(file.bytes);
    },
  );
}
