// What gets deployed, read from the one source: the manifests in packages/contracts and each
// service's definition (its settings schema and the services it calls), through the
// launcher's registry. A service added there (checkout, 8107) appears in every manifest.
import { ServiceProcessConfig } from '@mercato/platform/runtime';
import { services } from '../../apps/mercato/src/service-registry.ts';
import { GatewayConfigSchema } from '../../services/gateway/src/config.ts';

/** One Mercato process type as the deployment sees it. */
export interface Deployable {
  name: string;
  port: number;
  kind: 'service' | 'gateway';
  /** The services it calls over HTTP (definition `calls`), by name. */
  calls: string[];
  /** Every environment variable it reads (the kit's and its own), with whether it has a default. */
  settings: Map<string, { required: boolean; hasDefault: boolean }>;
  /** Settings that hold a secret (kept in a Secret, never a ConfigMap); DATABASE_URL apart. */
  secrets: string[];
  /** Its own settings that point outside the platform (a PSP, a carrier, SMTP): egress beyond the cluster. */
  outsideUrls: string[];
}

const SECRET = /SECRET|_PASSWORD$|_API_KEY$|^SMTP_URL$/;

interface SchemaLike {
  properties: Record<string, unknown>;
  required?: string[];
}

function settingsOf(...schemas: Array<SchemaLike | undefined>): Deployable['settings'] {
  const out: Deployable['settings'] = new Map();
  for (const schema of schemas) {
    if (!schema) continue;
    const required = new Set(schema.required ?? []);
    for (const [key, prop] of Object.entries(schema.properties))
      out.set(key, { required: required.has(key), hasDefault: 'default' in (prop as object) });
  }
  return out;
}

/** The kit's own variables every service process reads (packages/platform runtime). */
const kitSettings = new Set(Object.keys(ServiceProcessConfig.properties));

/** Every service in port order, then the gateway (port: its configuration's default). */
export function deployables(): Deployable[] {
  const list: Deployable[] = services.map((s) => {
    const def = s.definition as typeof s.definition & { calls?: Record<string, unknown> };
    const settings = settingsOf(ServiceProcessConfig as SchemaLike, def.config as SchemaLike | undefined);
    const own = [...settings.keys()].filter((k) => !kitSettings.has(k));
    return {
      name: s.name,
      port: s.port,
      kind: 'service',
      calls: Object.keys(def.calls ?? {}),
      settings,
      // The kit's SERVICE_CLIENT_SECRET (its own token for calls outside a request) too.
      secrets: [...settings.keys()].filter((k) => SECRET.test(k)),
      outsideUrls: own.filter((k) => k.endsWith('_URL') && !k.startsWith('NOTIFICATION_PUBLIC')),
    };
  });
  const gatewayPort = (GatewayConfigSchema.properties.PORT as { default?: number }).default ?? 8080;
  list.push({
    name: 'gateway',
    port: gatewayPort,
    kind: 'gateway',
    calls: services.map((s) => s.name),
    settings: settingsOf(GatewayConfigSchema as SchemaLike),
    secrets: [],
    outsideUrls: [],
  });
  return list;
}

/** `<NAME>_URL`, where a service finds another it calls (the kit's service client). */
export function serviceUrlVar(name: string): string {
  return `${name.toUpperCase()}_URL`;
}
