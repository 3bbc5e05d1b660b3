import swaggerUi from '@fastify/swagger-ui';
import type { ServiceApp } from '@mercato/platform/http';
import type { Dispatcher } from 'undici';
import type { Upstream } from '../proxy/upstream.ts';
import { mergeSpecs, type OpenApiDoc, type UpstreamDoc } from './merge.ts';

/** The merged spec and its JSON text, as last built. */
interface Built {
  doc: OpenApiDoc;
  json: string;
  expires: number;
}

/** Options of the merged spec. */
export interface MergedSpecOptions {
  upstreams: readonly Upstream[];
  dispatcher: Dispatcher;
  /** How long a complete merge is reused. */
  ttlMs: number;
  /** Per-upstream fetch timeout. */
  timeoutMs: number;
  version: string;
}

// A merge that misses a service (still starting, or down) is retried sooner.
const INCOMPLETE_TTL_MS = 5000;

/**
 * The OpenAPI document of every configured upstream, merged: fetched on demand, reused for
 * ttlMs, one fetch round at a time however many callers ask.
 */
export class MergedSpec {
  readonly #opts: MergedSpecOptions;
  #built: Built | undefined;
  #building: Promise<Built> | undefined;

  constructor(opts: MergedSpecOptions) {
    this.#opts = opts;
  }

  /** The merged spec, rebuilt when stale. */
  async get(): Promise<Built> {
    const built = this.#built;
    if (built !== undefined && built.expires > Date.now()) return built;
    this.#building ??= this.#build().finally(() => {
      this.#building = undefined;
    });
    return this.#building;
  }

  /** The last merge (for Swagger UI's synchronous hook, after `get` has run). */
  current(): OpenApiDoc {
    return this.#built?.doc ?? mergeSpecs([], [], this.#info());
  }

  #info() {
    return {
      title: 'Mercato API',
      version: this.#opts.version,
      description: 'Every service of this deployment, through the gateway. Paths are served under /api/v1.',
    };
  }

  async #build(): Promise<Built> {
    const docs: UpstreamDoc[] = [];
    const unavailable: string[] = [];
    await Promise.all(
      this.#opts.upstreams.map(async (up) => {
        try {
          if (up.rejecting()) throw new Error('circuit open');
          docs.push({ service: up.name, doc: await this.#fetch(up) });
        } catch {
          unavailable.push(up.name);
        }
      }),
    );
    const doc = mergeSpecs(docs, unavailable, this.#info());
    const ttl = unavailable.length > 0 ? Math.min(INCOMPLETE_TTL_MS, this.#opts.ttlMs) : this.#opts.ttlMs;
    this.#built = { doc, json: JSON.stringify(doc), expires: Date.now() + ttl };
    return this.#built;
  }

  async #fetch(up: Upstream): Promise<OpenApiDoc> {
    const t = this.#opts.timeoutMs;
    const res = await this.#opts.dispatcher.request({
      origin: up.origin,
      path: `${up.basePath}/openapi.json`,
      method: 'GET',
      headers: { accept: 'application/json' },
      headersTimeout: t,
      bodyTimeout: t,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`${up.name} answered ${res.statusCode}`);
    }
    const doc = (await res.body.json()) as OpenApiDoc;
    if (typeof doc !== 'object' || doc === null) throw new Error(`${up.name} sent no document`);
    return doc;
  }
}

/**
 * `/openapi.json` answers the merged spec (createApp is told not to mount its own) and
 * `/docs` serves Swagger UI (from the installed package, no CDN) on it. Register after the
 * security headers so these answers carry them.
 */
export async function registerDocs(app: ServiceApp, spec: MergedSpec): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    const built = await spec.get();
    return reply.type('application/json; charset=utf-8').send(built.json);
  });

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, docExpansion: 'list', displayRequestDuration: true },
    // Swagger UI's own page gets a CSP (the JSON API does not need one), minus
    // upgrade-insecure-requests, which would break the page on http://localhost.
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    uiHooks: {
      // /docs/json must show the merged spec: make sure it is fresh before the UI's routes run.
      onRequest: (_request, _reply, done) => {
        spec.get().then(() => done(), done);
      },
    },
    transformSpecificationClone: false,
    transformSpecification: () => spec.current(),
  });
}
