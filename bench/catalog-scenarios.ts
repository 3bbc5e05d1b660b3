// Catalog read benchmarks on the demo seed (1,000+ products): a listing page of 20, a
// product by handle and a full-text search, each through the gateway and straight to the
// catalog service, in distributed mode (processes on PostgreSQL, NATS, Redis) or embedded.
// Every scenario cycles through many distinct requests (pages, handles, search words, words
// with a typo), so the figures include the read cache's misses after each warm-up, not one
// hot key.
// Usage: node bench/catalog-scenarios.ts [--mode distributed|embedded] [--duration 10] [--connections 50]
import { serviceManifests } from '@mercato/contracts';
import {
  benchArgs,
  benchUrl,
  measureGets,
  startBenchPlatform,
  type ScenarioResult,
} from './bench-platform.ts';

const { mode, duration, connections } = benchArgs();
const { stop, pids } = await startBenchPlatform(mode, { seed: true });
// The CPU per request of the gateway and of catalog (distributed), or of the one process (embedded).
const cpuOf = new Map([...pids].filter(([name]) => ['gateway', 'catalog', 'mercato'].includes(name)));
const gateway = benchUrl(8080);
const catalog = benchUrl(serviceManifests.catalog.port);

const first = (await (await fetch(`${gateway}/api/v1/products?pageSize=100`)).json()) as {
  totalCount: number;
  items: Array<{ handle: string }>;
};
if (first.totalCount < 1000) throw new Error(`expected the 1,000-product seed, found ${first.totalCount}`);
// The product grid's page: compact items, no facets (a filter sidebar asks for those once).
const pages = Array.from({ length: 25 }, (_, i) => `/api/v1/products?pageSize=20&page=${i + 1}&facets=false`);
const handles = first.items.slice(0, 50).map((p) => `/api/v1/products/${p.handle}`);
const words = ['cotton', 'mug', 'wool', 'lamp', 'steel', 'organic', 'classic', 'travel', 'ceramic', 'bamboo'];
const searches = words.map((w) => `/api/v1/products?search=${w}&pageSize=20`);
// One-letter typos (issue #15): each is corrected against the search dictionary.
const typos = [
  'cottn',
  'farmhose',
  'wooll',
  'ceramc',
  'stainles',
  'orgnic',
  'clasic',
  'travle',
  'bambo',
  'leathr',
];
const typoSearches = typos.map((w) => `/api/v1/products?search=${w}&pageSize=20`);
const pageBytes = (await (await fetch(`${gateway}${pages[0]}`)).arrayBuffer()).byteLength;

const rows: ScenarioResult[] = [];
try {
  for (const [name, paths] of [
    ['listing page of 20', pages],
    ['product by handle', handles],
    ['search', searches],
    ['typo search', typoSearches],
  ] as const) {
    rows.push(await measureGets(`${name} via gateway`, gateway, paths, { duration, connections }, cpuOf));
    rows.push(await measureGets(`${name} direct`, catalog, paths, { duration, connections }, cpuOf));
  }
} finally {
  await stop();
}
console.log(
  JSON.stringify(
    {
      mode,
      products: first.totalCount,
      listingPageBytes: pageBytes,
      connections,
      durationSeconds: duration,
      rows,
    },
    null,
    2,
  ),
);
console.table(rows.map(({ cpuUsPerRequest, ...row }) => ({ ...row, ...cpuUsPerRequest })));
process.exit(0);
