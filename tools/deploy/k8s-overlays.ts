// What differs per environment and depends on the list of services, generated beside each
// overlay's kustomization (the rest of the overlays is written by hand, under deploy/k8s/).
import { carrierStandIn, pspStandIn } from '../../apps/mercato/src/provider-stand-ins.ts';
import { MONITORING_NAMESPACE, PART_OF, SIMULATOR_PORTS, type K8sObject } from './k8s-objects.ts';
import type { Deployable } from './topology.ts';

/** Development-only credentials: a dev cluster's in-cluster PostgreSQL and the simulators. */
const DEV_DB_PASSWORD = 'mercato-dev';
const devSecret = (key: string) => `dev-${key.toLowerCase().replaceAll('_', '-')}-not-for-production`;

const services = (all: Deployable[]) => all.filter((d) => d.kind === 'service');

/** The webhook paths the simulators post to (the launcher's stand-ins), sent through the gateway here. */
function webhookPaths(): { psp: string; carrier: string } {
  const psp = pspStandIn(0, {})?.simulatorEnv.PSP_WEBHOOK_URL ?? '';
  const carrier = carrierStandIn(0, {})?.simulatorEnv.CARRIER_WEBHOOK_URL ?? '';
  return { psp: new URL(psp).pathname, carrier: new URL(carrier).pathname };
}

/** What a service's outside-provider setting points at in a dev cluster (the simulators, Mailpit). */
function devProviderValue(key: string): string | undefined {
  if (key === 'PSP_API_URL') return `http://simulators:${SIMULATOR_PORTS.psp}`;
  if (key === 'SHIPPING_CARRIER_URL') return `http://simulators:${SIMULATOR_PORTS.carrier}`;
  if (key === 'SMTP_URL') return 'smtp://mailpit:1025';
  return undefined;
}

/** The dev overlay's generated objects: dev Secrets, provider settings, the simulators. */
export function devObjects(all: Deployable[]): K8sObject[] {
  const gateway = all.find((d) => d.kind === 'gateway');
  const paths = webhookPaths();
  const simulatorSecrets = {
    PSP_SECRET_KEY: devSecret('PSP_SECRET_KEY'),
    PSP_WEBHOOK_SECRET: devSecret('PSP_WEBHOOK_SECRET'),
    CARRIER_API_KEY: devSecret('SHIPPING_CARRIER_API_KEY'),
    CARRIER_WEBHOOK_SECRET: devSecret('SHIPPING_CARRIER_WEBHOOK_SECRET'),
  };
  // The service side of each simulator secret is the same value.
  const sharedWithSimulators: Record<string, string> = {
    PSP_SECRET_KEY: simulatorSecrets.PSP_SECRET_KEY,
    PSP_WEBHOOK_SECRET: simulatorSecrets.PSP_WEBHOOK_SECRET,
    SHIPPING_CARRIER_API_KEY: simulatorSecrets.CARRIER_API_KEY,
    SHIPPING_CARRIER_WEBHOOK_SECRET: simulatorSecrets.CARRIER_WEBHOOK_SECRET,
  };
  const objects: K8sObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'mercato-databases', labels: { ...PART_OF } },
      type: 'Opaque',
      stringData: Object.fromEntries(
        services(all).map((d) => [
          d.name,
          `postgres://postgres:${DEV_DB_PASSWORD}@postgres:5432/mercato_${d.name}`,
        ]),
      ),
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'postgres', labels: { ...PART_OF } },
      type: 'Opaque',
      stringData: { POSTGRES_PASSWORD: DEV_DB_PASSWORD },
    },
  ];
  for (const d of services(all)) {
    const values = d.secrets
      .filter((k) => k !== 'SERVICE_CLIENT_SECRET' && k !== 'BOOTSTRAP_ADMIN_PASSWORD')
      .map((k) => [k, sharedWithSimulators[k] ?? devProviderValue(k) ?? devSecret(k)]);
    if (values.length > 0)
      objects.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `mercato-${d.name}`, labels: { ...PART_OF } },
        type: 'Opaque',
        stringData: Object.fromEntries(values),
      });
    const providers = d.outsideUrls
      .filter((k) => !d.secrets.includes(k))
      .flatMap((k) => {
        const v = devProviderValue(k);
        return v ? [[k, v]] : [];
      });
    if (d.outsideUrls.length > 0)
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `mercato-${d.name}-providers`, labels: { ...PART_OF } },
        data: Object.fromEntries(providers),
      });
  }
  objects.push(...simulatorObjects(simulatorSecrets, paths, gateway?.port ?? 8080));
  return objects;
}

/** The dev overlay's patches: one replica of each process, at most two. */
export function devPatches(all: Deployable[]): K8sObject[] {
  return all.flatMap((d) => replicaPatches(d.name, 1, 1, 2));
}

/** The production overlay's patches: at least three replicas of everything. */
export function productionPatches(all: Deployable[]): K8sObject[] {
  return all.flatMap((d) => replicaPatches(d.name, 3, 3, d.kind === 'gateway' ? 20 : 12));
}

function replicaPatches(name: string, replicas: number, min: number, max: number): K8sObject[] {
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name },
      spec: { minReplicas: min, maxReplicas: max },
    },
  ];
}

/** The PSP and carrier stand-ins (dev only): one process, state in memory, so one replica and no autoscaler. */
function simulatorObjects(
  secrets: Record<string, string>,
  paths: { psp: string; carrier: string },
  gatewayPort: number,
): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': 'simulators', ...PART_OF };
  const selector = { matchLabels: { 'app.kubernetes.io/name': 'simulators' } };
  const ports = [
    { name: 'psp', containerPort: SIMULATOR_PORTS.psp, protocol: 'TCP' },
    { name: 'carrier', containerPort: SIMULATOR_PORTS.carrier, protocol: 'TCP' },
  ];
  const probe = { tcpSocket: { port: 'psp' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 };
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'mercato-simulators', labels },
      type: 'Opaque',
      stringData: secrets,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'simulators', labels },
      spec: {
        replicas: 1,
        selector,
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'simulators',
                image: 'mercato',
                imagePullPolicy: 'IfNotPresent',
                args: ['simulators'],
                ports,
                envFrom: [{ secretRef: { name: 'mercato-simulators' } }],
                env: [
                  { name: 'PSP_SIMULATOR_HOST', value: '0.0.0.0' },
                  { name: 'PSP_WEBHOOK_URL', value: `http://gateway:${gatewayPort}${paths.psp}` },
                  { name: 'CARRIER_WEBHOOK_URL', value: `http://gateway:${gatewayPort}${paths.carrier}` },
                  { name: 'CARRIER_AUTO_ADVANCE_MS', value: '15000' },
                ],
                startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 30 },
                livenessProbe: probe,
                readinessProbe: { ...probe, periodSeconds: 5 },
                resources: {
                  requests: { cpu: '50m', memory: '128Mi' },
                  limits: { cpu: '500m', memory: '256Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'simulators', labels },
      spec: {
        selector: { 'app.kubernetes.io/name': 'simulators' },
        ports: ports.map((p) => ({
          name: p.name,
          port: p.containerPort,
          targetPort: p.name,
          protocol: 'TCP',
        })),
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'simulators', labels },
      spec: { maxUnavailable: 1, selector },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'simulators', labels },
      spec: {
        podSelector: selector,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: ['payment', 'shipping'].map((n) => ({
              podSelector: { matchLabels: { 'app.kubernetes.io/name': n } },
            })),
            ports: ports.map((p) => ({ protocol: 'TCP', port: p.containerPort })),
          },
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': MONITORING_NAMESPACE } } },
            ],
            ports: ports.map((p) => ({ protocol: 'TCP', port: p.containerPort })),
          },
        ],
        egress: [
          {
            to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }],
            ports: [{ protocol: 'TCP', port: gatewayPort }],
          },
        ],
      },
    },
  ];
}
