import {
  IfMatchHeaders,
  PageOf,
  parseIfMatch,
  problemResponses,
  versionEtag,
  type ServiceApp,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import { WRITE } from '../request-meta.ts';
import { CampaignQuery, CampaignSchema, CreateCampaignBody, UpdateCampaignBody } from './campaign.ts';
import type { CampaignService } from './campaign-service.ts';

const tags = ['campaigns'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** /api/v1/discounts/campaigns: promotions grouped under a schedule (discounts:write). */
export function registerCampaignRoutes(app: ServiceApp, campaigns: CampaignService): void {
  app.post(
    '/api/v1/discounts/campaigns',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Create a campaign (promotions join it with campaignId)',
        body: CreateCampaignBody,
        response: { 201: CampaignSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const c = await campaigns.create(request.body);
      return reply
        .code(201)
        .header('location', `/api/v1/discounts/campaigns/${c.id}`)
        .header('etag', versionEtag(c.version))
        .send(c);
    },
  );
  app.get(
    '/api/v1/discounts/campaigns',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Campaigns, newest first, by name and status',
        querystring: CampaignQuery,
        response: { 200: PageOf(CampaignSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => campaigns.list(request.query),
  );
  app.get(
    '/api/v1/discounts/campaigns/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'A campaign (ETag = version)',
        params: IdParams,
        response: { 200: CampaignSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const c = await campaigns.get(request.params.id);
      return reply.header('etag', versionEtag(c.version)).send(c);
    },
  );
  app.patch(
    '/api/v1/discounts/campaigns/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Change a campaign’s schedule or status (partial; If-Match required)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateCampaignBody,
        response: { 200: CampaignSchema, ...problemResponses(400, 401, 403, 404, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const c = await campaigns.update(
        request.params.id,
        request.body,
        parseIfMatch(request.headers['if-match']),
      );
      return reply.header('etag', versionEtag(c.version)).send(c);
    },
  );
}
