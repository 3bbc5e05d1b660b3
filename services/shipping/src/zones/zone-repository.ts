import { jsonb, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { MethodsTable, RateBracket, ShippingDB, ZonesTable } from '../db.ts';
import type { Method, Zone } from './zone.ts';

export function toMethod(row: Selectable<MethodsTable>): Method {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    rateBasis: row.rate_basis,
    rates: row.rates,
    currency: row.currency,
    freeOver: row.free_over,
    handlingDays: row.handling_days,
    transitDays: { min: row.transit_days_min, max: row.transit_days_max },
    active: row.active,
    version: row.version,
  };
}

function toZone(row: Selectable<ZonesTable>, methods: Array<Selectable<MethodsTable>>): Zone {
  return {
    code: row.code,
    name: row.name,
    countries: row.countries,
    active: row.active,
    version: row.version,
    methods: methods.filter((m) => m.zone_id === row.id).map(toMethod),
  };
}

/** The method columns an input sets. */
export interface MethodColumns {
  name: string;
  kind: MethodsTable['kind'];
  rate_basis: MethodsTable['rate_basis'];
  rates: RateBracket[];
  currency: string;
  free_over: number | null;
  handling_days: number;
  transit_days_min: number;
  transit_days_max: number;
  active: boolean;
}

/** SQL of zones and their methods. Write methods take the caller's transaction. */
export const zoneRepository = {
  async list(db: Kysely<ShippingDB>): Promise<Zone[]> {
    const [zones, methods] = await Promise.all([
      db.selectFrom('zones').selectAll().orderBy('code').execute(),
      db.selectFrom('methods').selectAll().orderBy('code').execute(),
    ]);
    return zones.map((z) => toZone(z, methods));
  },

  async findRow(db: Kysely<ShippingDB>, code: string, opts: { forUpdate?: boolean } = {}) {
    let q = db.selectFrom('zones').selectAll().where('code', '=', code);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async find(db: Kysely<ShippingDB>, code: string): Promise<Zone | undefined> {
    const row = await this.findRow(db, code);
    if (!row) return undefined;
    const methods = await db
      .selectFrom('methods')
      .selectAll()
      .where('zone_id', '=', row.id)
      .orderBy('code')
      .execute();
    return toZone(row, methods);
  },

  /** The active zone serving a country, with its active methods. */
  async forCountry(db: Kysely<ShippingDB>, country: string) {
    const zone = await db
      .selectFrom('zones')
      .selectAll()
      .where('active', '=', true)
      .where(sql<boolean>`${country} = any(countries)`)
      .orderBy('code')
      .executeTakeFirst();
    if (!zone) return undefined;
    const methods = await db
      .selectFrom('methods')
      .selectAll()
      .where('zone_id', '=', zone.id)
      .where('active', '=', true)
      .execute();
    return { zone, methods };
  },

  /** Countries of the given list that another active zone already serves. */
  async countriesTaken(
    trx: Kysely<ShippingDB>,
    countries: string[],
    exceptZoneId?: string,
  ): Promise<string[]> {
    // One lock for every zone write (held to commit): two zones can never claim one country at once.
    await sql`select pg_advisory_xact_lock(hashtext('mercato.shipping.zones'))`.execute(trx);
    let q = trx
      .selectFrom('zones')
      .select(sql<string>`unnest(countries)`.as('country'))
      .where('active', '=', true);
    if (exceptZoneId) q = q.where('id', '<>', exceptZoneId);
    const taken = new Set((await q.execute()).map((r) => r.country));
    return countries.filter((c) => taken.has(c));
  },

  async insertZone(
    trx: Kysely<ShippingDB>,
    z: { id: string; code: string; name: string; countries: string[]; active: boolean },
  ) {
    return trx
      .insertInto('zones')
      .values(z)
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async updateZone(
    trx: Kysely<ShippingDB>,
    id: string,
    z: { name: string; countries: string[]; active: boolean },
  ) {
    await trx
      .updateTable('zones')
      .set({ ...z, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  },

  async deleteZone(trx: Kysely<ShippingDB>, id: string): Promise<void> {
    await trx.deleteFrom('zones').where('id', '=', id).execute();
  },

  async findMethod(
    trx: Kysely<ShippingDB>,
    zoneId: string,
    code: string,
    opts: { forUpdate?: boolean } = {},
  ) {
    let q = trx.selectFrom('methods').selectAll().where('zone_id', '=', zoneId).where('code', '=', code);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async insertMethod(trx: Kysely<ShippingDB>, zoneId: string, id: string, code: string, m: MethodColumns) {
    return trx
      .insertInto('methods')
      .values({ id, zone_id: zoneId, code, ...m, rates: jsonb(m.rates) })
      .onConflict((oc) => oc.columns(['zone_id', 'code']).doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async updateMethod(trx: Kysely<ShippingDB>, id: string, m: MethodColumns) {
    return trx
      .updateTable('methods')
      .set({ ...m, rates: jsonb(m.rates), version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async deleteMethod(trx: Kysely<ShippingDB>, id: string): Promise<void> {
    await trx.deleteFrom('methods').where('id', '=', id).execute();
  },
};
