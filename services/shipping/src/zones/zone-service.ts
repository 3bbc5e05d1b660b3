import { newId } from '@mercato/platform/ids';
import { requireVersion, type ExpectedVersion } from '@mercato/platform/http';
import type { ServiceContext } from '@mercato/platform/service';
import type { ShippingDB } from '../db.ts';
import { ShippingErrors } from '../errors.ts';
import { rateTableProblems } from './rate-table.ts';
import { zoneRepository as repo, toMethod, type MethodColumns } from './zone-repository.ts';
import type { Method, MethodInput, Zone, ZoneInput, ZoneUpdate } from './zone.ts';

/** Use cases of shipping zones and their methods (admin). */
export interface ZoneService {
  list(): Promise<Zone[]>;
  get(code: string): Promise<Zone>;
  create(input: ZoneInput): Promise<Zone>;
  update(code: string, input: ZoneUpdate, expected: ExpectedVersion): Promise<Zone>;
  remove(code: string, expected: ExpectedVersion): Promise<void>;
  addMethod(zoneCode: string, input: MethodInput): Promise<Method>;
  replaceMethod(
    zoneCode: string,
    code: string,
    input: MethodInput,
    expected: ExpectedVersion,
  ): Promise<Method>;
  removeMethod(zoneCode: string, code: string, expected: ExpectedVersion): Promise<void>;
}

function methodColumns(input: MethodInput): MethodColumns {
  const problems = rateTableProblems(input.rates);
  if (input.transitDays.max < input.transitDays.min)
    problems.push('transitDays.max is below transitDays.min');
  if (problems.length > 0)
    throw ShippingErrors.SHIPPING_RATES_INVALID(problems.join('; '), {
      errors: problems.map((message) => ({ path: '/body/rates', message })),
    });
  return {
    name: input.name,
    kind: input.kind,
    rate_basis: input.rateBasis,
    rates: input.rates,
    currency: input.currency,
    free_over: input.freeOver ?? null,
    handling_days: input.handlingDays ?? 1,
    transit_days_min: input.transitDays.min,
    transit_days_max: input.transitDays.max,
    active: input.active ?? true,
  };
}

export function createZoneService(ctx: Pick<ServiceContext<ShippingDB>, 'database'>): ZoneService {
  const { database } = ctx;
  const zoneNotFound = (code: string) => ShippingErrors.SHIPPING_ZONE_NOT_FOUND(`no zone ${code}`);
  const methodNotFound = (code: string) => ShippingErrors.SHIPPING_METHOD_NOT_FOUND(`no method ${code}`);

  async function get(code: string): Promise<Zone> {
    const zone = await repo.find(database.db, code);
    if (!zone) throw zoneNotFound(code);
    return zone;
  }

  async function refuseTaken(
    trx: Parameters<typeof repo.countriesTaken>[0],
    countries: string[],
    except?: string,
  ) {
    const taken = await repo.countriesTaken(trx, countries, except);
    if (taken.length > 0)
      throw ShippingErrors.SHIPPING_COUNTRY_TAKEN(
        `${taken.join(', ')} already belong to another active zone`,
      );
  }

  return {
    list: () => repo.list(database.db),
    get,

    async create(input) {
      await database.transaction(async (trx) => {
        if (input.active ?? true) await refuseTaken(trx, input.countries);
        const row = await repo.insertZone(trx, {
          id: newId(),
          code: input.code,
          name: input.name,
          countries: input.countries,
          active: input.active ?? true,
        });
        if (!row) throw ShippingErrors.SHIPPING_ZONE_EXISTS(`zone ${input.code} exists`);
      });
      return get(input.code);
    },

    async update(code, input, expected) {
      await database.transaction(async (trx) => {
        const row = await repo.findRow(trx, code, { forUpdate: true });
        if (!row) throw zoneNotFound(code);
        requireVersion(expected, row.version);
        if (input.active) await refuseTaken(trx, input.countries, row.id);
        await repo.updateZone(trx, row.id, input);
      });
      return get(code);
    },

    async remove(code, expected) {
      await database.transaction(async (trx) => {
        const row = await repo.findRow(trx, code, { forUpdate: true });
        if (!row) throw zoneNotFound(code);
        requireVersion(expected, row.version);
        await repo.deleteZone(trx, row.id);
      });
    },

    async addMethod(zoneCode, input) {
      const columns = methodColumns(input);
      return database.transaction(async (trx) => {
        const zone = await repo.findRow(trx, zoneCode);
        if (!zone) throw zoneNotFound(zoneCode);
        const row = await repo.insertMethod(trx, zone.id, newId(), input.code, columns);
        if (!row) throw ShippingErrors.SHIPPING_METHOD_EXISTS(`zone ${zoneCode} has a method ${input.code}`);
        return toMethod(row);
      });
    },

    async replaceMethod(zoneCode, code, input, expected) {
      const columns = methodColumns(input);
      return database.transaction(async (trx) => {
        const zone = await repo.findRow(trx, zoneCode);
        if (!zone) throw zoneNotFound(zoneCode);
        const current = await repo.findMethod(trx, zone.id, code, { forUpdate: true });
        if (!current) throw methodNotFound(code);
        requireVersion(expected, current.version);
        return toMethod(await repo.updateMethod(trx, current.id, columns));
      });
    },

    async removeMethod(zoneCode, code, expected) {
      await database.transaction(async (trx) => {
        const zone = await repo.findRow(trx, zoneCode);
        if (!zone) throw zoneNotFound(zoneCode);
        const current = await repo.findMethod(trx, zone.id, code, { forUpdate: true });
        if (!current) throw methodNotFound(code);
        requireVersion(expected, current.version);
        await repo.deleteMethod(trx, current.id);
      });
    },
  };
}
