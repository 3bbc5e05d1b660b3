import { fetchPage, likePattern, type Kysely, type Selectable } from '@mercato/platform/db';
import type { CampaignsTable, DiscountDB } from '../db.ts';
import type { Campaign, CampaignFilter } from './campaign.ts';

type CampaignRow = Selectable<CampaignsTable> & { promotions: number | string };

export function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    status: r.status,
    startsAt: r.starts_at?.toISOString() ?? null,
    endsAt: r.ends_at?.toISOString() ?? null,
    promotions: Number(r.promotions),
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function withCount(db: Kysely<DiscountDB>) {
  return db
    .selectFrom('campaigns as c')
    .selectAll('c')
    .select((eb) =>
      eb
        .selectFrom('promotions as p')
        .whereRef('p.campaign_id', '=', 'c.id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('promotions'),
    );
}

export const campaignRepository = {
  async find(db: Kysely<DiscountDB>, id: string): Promise<Campaign | undefined> {
    const row = await withCount(db).where('c.id', '=', id).executeTakeFirst();
    return row && toCampaign(row as CampaignRow);
  },

  async page(db: Kysely<DiscountDB>, filter: CampaignFilter) {
    let q = db.selectFrom('campaigns');
    if (filter.search) q = q.where('name', 'ilike', likePattern(filter.search));
    if (filter.status) q = q.where('status', '=', filter.status);
    const { rows, totalCount } = await fetchPage(q, filter, (s) =>
      s.select('id').orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    const ids = rows.map((r) => r.id);
    const full = ids.length ? await withCount(db).where('c.id', 'in', ids).execute() : [];
    const byId = new Map(full.map((r) => [r.id, toCampaign(r as CampaignRow)]));
    return { items: ids.map((id) => byId.get(id)).filter((c): c is Campaign => c !== undefined), totalCount };
  },
};
