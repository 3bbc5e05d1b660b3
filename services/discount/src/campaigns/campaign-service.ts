import { pageResult, requireVersion, type ExpectedVersion, type Page } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { DiscountDB } from '../db.ts';
import { DiscountErrors } from '../errors.ts';
import type { EvaluationService } from '../evaluation/evaluation-service.ts';
import type { Campaign, CampaignFilter, CreateCampaignInput, UpdateCampaignInput } from './campaign.ts';
import { campaignRepository as repo } from './campaign-repository.ts';

/** Admin use cases of campaigns. A change reaches evaluation at once (its promotions' windows). */
export interface CampaignService {
  create(input: CreateCampaignInput): Promise<Campaign>;
  get(id: string): Promise<Campaign>;
  list(filter: CampaignFilter): Promise<Page<Campaign>>;
  update(id: string, patch: UpdateCampaignInput, expected: ExpectedVersion): Promise<Campaign>;
}

const notFound = (id: string) => DiscountErrors.DISCOUNT_CAMPAIGN_NOT_FOUND(`no campaign ${id}`);

function checkWindow(startsAt: string | null, endsAt: string | null): void {
  if (startsAt && endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) {
    throw DiscountErrors.DISCOUNT_CAMPAIGN_INVALID('endsAt must be after startsAt', {
      errors: [{ path: '/body/endsAt', message: 'must be after startsAt' }],
    });
  }
}

const toDate = (s: string | null | undefined) => (s ? new Date(s) : null);

export function createCampaignService(
  ctx: ServiceContext<DiscountDB>,
  evaluation: EvaluationService,
): CampaignService {
  const db = ctx.database.db;

  async function get(id: string): Promise<Campaign> {
    const c = await repo.find(db, id);
    if (!c) throw notFound(id);
    return c;
  }

  return {
    get,

    async create(input) {
      checkWindow(input.startsAt ?? null, input.endsAt ?? null);
      const now = new Date(ctx.now());
      const id = newId();
      await db
        .insertInto('campaigns')
        .values({
          id,
          name: input.name,
          description: input.description ?? null,
          status: input.status ?? 'active',
          starts_at: toDate(input.startsAt),
          ends_at: toDate(input.endsAt),
          created_at: now,
          updated_at: now,
        })
        .execute();
      return get(id);
    },

    async list(filter) {
      const { items, totalCount } = await repo.page(db, filter);
      return pageResult(items, filter.page, filter.pageSize, totalCount);
    },

    async update(id, patch, expected) {
      await ctx.database.transaction(async (trx) => {
        const current = await trx
          .selectFrom('campaigns')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound(id);
        requireVersion(expected, current.version);
        const startsAt =
          patch.startsAt !== undefined ? patch.startsAt : (current.starts_at?.toISOString() ?? null);
        const endsAt = patch.endsAt !== undefined ? patch.endsAt : (current.ends_at?.toISOString() ?? null);
        checkWindow(startsAt, endsAt);
        await trx
          .updateTable('campaigns')
          .set((eb) => ({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.status !== undefined && { status: patch.status }),
            starts_at: toDate(startsAt),
            ends_at: toDate(endsAt),
            version: eb('version', '+', 1),
            updated_at: new Date(ctx.now()),
          }))
          .where('id', '=', id)
          .execute();
      });
      evaluation.invalidate();
      return get(id);
    },
  };
}
