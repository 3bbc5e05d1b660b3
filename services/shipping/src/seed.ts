import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { RateBracket, ShippingDB } from './db.ts';
import { zoneRepository as repo, type MethodColumns } from './zones/zone-repository.ts';

type DemoMethod = { code: string } & MethodColumns;

const method = (
  code: string,
  name: string,
  kind: MethodColumns['kind'],
  rates: RateBracket[],
  transit: [number, number],
  freeOver: number | null = null,
): DemoMethod => ({
  code,
  name,
  kind,
  rate_basis: 'weight',
  rates,
  currency: 'USD',
  free_over: freeOver,
  handling_days: 1,
  transit_days_min: transit[0],
  transit_days_max: transit[1],
  active: true,
});

// The demo shop sells in USD (settings' store.currency): domestic, Canada and Europe.
const DEMO: Array<{ code: string; name: string; countries: string[]; methods: DemoMethod[] }> = [
  {
    code: 'domestic',
    name: 'United States',
    countries: ['US'],
    methods: [
      method(
        'standard',
        'Standard',
        'standard',
        [
          { upTo: 1000, amount: 495 },
          { upTo: 5000, amount: 895 },
          { upTo: null, amount: 1495 },
        ],
        [2, 5],
        7500,
      ),
      method(
        'express',
        'Express',
        'express',
        [
          { upTo: 1000, amount: 1495 },
          { upTo: null, amount: 2495 },
        ],
        [1, 2],
      ),
      method('pickup', 'Pick up in store', 'pickup', [{ upTo: null, amount: 0 }], [0, 0]),
    ],
  },
  {
    code: 'canada',
    name: 'Canada',
    countries: ['CA'],
    methods: [
      method(
        'standard',
        'Standard',
        'standard',
        [
          { upTo: 2000, amount: 1295 },
          { upTo: null, amount: 1995 },
        ],
        [4, 8],
        15000,
      ),
    ],
  },
  {
    code: 'europe',
    name: 'Europe',
    countries: [
      'GB',
      'IE',
      'DE',
      'FR',
      'NL',
      'BE',
      'LU',
      'AT',
      'CH',
      'IT',
      'ES',
      'PT',
      'DK',
      'SE',
      'NO',
      'FI',
      'PL',
      'CZ',
    ],
    methods: [
      method(
        'standard',
        'International standard',
        'standard',
        [
          { upTo: 2000, amount: 1995 },
          { upTo: null, amount: 2995 },
        ],
        [5, 10],
        20000,
      ),
      method(
        'express',
        'International express',
        'express',
        [
          { upTo: 2000, amount: 3995 },
          { upTo: null, amount: 5995 },
        ],
        [2, 4],
      ),
    ],
  },
];

/** Demo zones and methods (idempotent: what exists is left as it is). */
export async function seedShipping(ctx: ServiceContext<ShippingDB>): Promise<void> {
  await ctx.database.transaction(async (trx) => {
    for (const z of DEMO) {
      await repo.insertZone(trx, {
        id: newId(),
        code: z.code,
        name: z.name,
        countries: z.countries,
        active: true,
      });
      const zone = await repo.findRow(trx, z.code);
      if (!zone) continue;
      for (const { code, ...m } of z.methods) await repo.insertMethod(trx, zone.id, newId(), code, m);
    }
  });
}
