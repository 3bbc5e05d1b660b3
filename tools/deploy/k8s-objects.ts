// The Kubernetes objects of each Mercato process, built from the topology (one source):
// Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy and
// ServiceMonitor per process, and the ConfigMap that tells each where the others are.
import { serviceUrlVar, type Deployable } from './topology.ts';

/** A Kubernetes object as written to YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export const PART_OF = { 'app.kubernetes.io/part-of': 'mercato' };
const labelsOf = (name: string) => ({ 'app.kubernetes.io/name': name, ...PART_OF });
const selectorOf = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });
const podsNamed = (...names: string[]) =>
  names.map((name) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } }));
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));

/** Processes scaled on requests per second too (prometheus-adapter's http_requests_per_second), not CPU alone. */
const SCALED_ON_REQUESTS = new Set(['gateway', 'catalog', 'cart']);
/** Memory per process: identity hashes passwords with argon2id (19 MiB each). */
const MEMORY_LIMIT: Record<string, string> = { identity: '768Mi' };
/** Ports of outside providers: HTTPS for APIs and webhooks, SMTP submission for mail. */
const OUTSIDE_PORTS = { https: [443], smtp: [25, 465, 587] };
export const SIMULATOR_PORTS = { psp: 8190, carrier: 8191 };
export const MONITORING_NAMESPACE = 'monitoring';

/** The shared settings: where the infrastructure and every service are (cluster DNS names). */
export function platformConfigMap(all: Deployable[]): K8sObject {
  const services = all.filter((d) => d.kind === 'service');
  const identity = services.find((d) => d.name === 'identity');
  const identityUrl = `http://identity:${identity?.port ?? 0}`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'mercato-platform', labels: { ...PART_OF } },
    data: {
      HOST: '0.0.0.0',
      NATS_URL: 'nats://nats:4222',
      REDIS_URL: 'redis://redis:6379',
      IDENTITY_URL: identityUrl,
      IDENTITY_JWKS_URL: `${identityUrl}/.well-known/jwks.json`,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      ...Object.fromEntries(services.map((d) => [serviceUrlVar(d.name), `http://${d.name}:${d.port}`])),
    },
  };
}

function containerEnv(d: Deployable, all: Deployable[]): unknown[] {
  const env: unknown[] = [{ name: 'PORT', value: String(d.port) }];
  if (d.kind === 'gateway') {
    const upstreams = all
      .filter((s) => s.kind === 'service')
      .map((s) => `${s.name}=http://${s.name}:${s.port}`);
    env.push({ name: 'UPSTREAMS', value: upstreams.join(',') });
    return env;
  }
  env.push({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'mercato-databases', key: d.name } } });
  for (const key of d.secrets) {
    const s = d.settings.get(key);
    // A secret the service cannot start without is required of the Secret too.
    const optional = !s?.required || s.hasDefault;
    env.push({ name: key, valueFrom: { secretKeyRef: { name: `mercato-${d.name}`, key, optional } } });
  }
  if (d.settings.has('SERVICE_CLIENT_ID'))
    env.push({
      name: 'SERVICE_CLIENT_ID',
      valueFrom: { secretKeyRef: { name: `mercato-${d.name}`, key: 'SERVICE_CLIENT_ID', optional: true } },
    });
  return env;
}

function deployment(d: Deployable, all: Deployable[]): K8sObject {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 3,
  });
  const outsideConfig =
    d.outsideUrls.length > 0 ? [{ configMapRef: { name: `mercato-${d.name}-providers` } }] : [];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.name, labels: labelsOf(d.name) },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: selectorOf(d.name),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labelsOf(d.name) },
        spec: {
          automountServiceAccountToken: false,
          // The kit drains in SHUTDOWN_TIMEOUT_MS (15 s) after the preStop pause.
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: d.name,
              image: 'mercato',
              imagePullPolicy: 'IfNotPresent',
              args: [d.name],
              ports: [{ name: 'http', containerPort: d.port, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: 'mercato-platform' } }, ...outsideConfig],
              env: containerEnv(d, all),
              // Start-up migrates the service's database: up to 2 minutes before liveness counts.
              startupProbe: probe('/health/live', 2, 60),
              livenessProbe: probe('/health/live', 10, 3),
              readinessProbe: probe('/health/ready', 5, 2),
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
              resources: {
                requests: { cpu: '100m', memory: '192Mi' },
                limits: { cpu: '1', memory: MEMORY_LIMIT[d.name] ?? '512Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function service(d: Deployable): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: d.name, labels: labelsOf(d.name) },
    spec: {
      selector: { 'app.kubernetes.io/name': d.name },
      ports: [{ name: 'http', port: d.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

function autoscaler(d: Deployable): K8sObject {
  const metrics: unknown[] = [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ];
  if (SCALED_ON_REQUESTS.has(d.name))
    metrics.push({
      type: 'Pods',
      pods: {
        metric: { name: 'http_requests_per_second' },
        target: { type: 'AverageValue', averageValue: '200' },
      },
    });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: d.name, labels: labelsOf(d.name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name },
      minReplicas: 2,
      maxReplicas: 6,
      metrics,
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

function disruptionBudget(d: Deployable): K8sObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: d.name, labels: labelsOf(d.name) },
    spec: { maxUnavailable: 1, selector: selectorOf(d.name) },
  };
}

/**
 * Who may reach a process and what it may reach (the namespace denies everything else,
 * network-default.yaml): in, the gateway, the services that call it, Prometheus; out, the
 * services it calls, identity (token keys), NATS, Redis, PostgreSQL, the trace collector,
 * and for a service with outside providers their ports.
 */
function networkPolicy(d: Deployable, all: Deployable[]): K8sObject {
  const callers = all.filter((o) => o.calls.includes(d.name)).map((o) => o.name);
  const monitoring = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': MONITORING_NAMESPACE } },
  };
  const ingress =
    d.kind === 'gateway'
      ? [{ ports: tcp(d.port) }] // from the ingress controller and load balancers, wherever they are
      : [
          // identity: every process verifies tokens against its JWKS
          d.name === 'identity'
            ? { from: [{ podSelector: { matchLabels: { ...PART_OF } } }], ports: tcp(d.port) }
            : { from: podsNamed(...callers), ports: tcp(d.port) },
        ];
  const calls = all.filter(
    (o) => d.calls.includes(o.name) || (o.name === 'identity' && d.name !== 'identity'),
  );
  const egress: unknown[] = calls.map((o) => ({ to: podsNamed(o.name), ports: tcp(o.port) }));
  egress.push(
    { to: podsNamed('nats'), ports: tcp(4222) },
    { to: podsNamed('redis'), ports: tcp(6379) },
    { to: podsNamed('otel-collector'), ports: tcp(4318) },
  );
  if (d.kind === 'service') egress.push({ ports: tcp(5432) }); // PostgreSQL: in-cluster or an external URL
  if (d.outsideUrls.length > 0) {
    const smtp = d.outsideUrls.includes('SMTP_URL') ? OUTSIDE_PORTS.smtp : [];
    egress.push({ ports: tcp(...OUTSIDE_PORTS.https, ...smtp) });
    if (smtp.length > 0) egress.push({ to: podsNamed('mailpit'), ports: tcp(1025) }); // dev's mail catcher
    egress.push({ to: podsNamed('simulators'), ports: tcp(SIMULATOR_PORTS.psp, SIMULATOR_PORTS.carrier) });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: d.name, labels: labelsOf(d.name) },
    spec: {
      podSelector: selectorOf(d.name),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [...ingress, { from: [monitoring], ports: tcp(d.port) }],
      egress,
    },
  };
}

function serviceMonitor(d: Deployable): K8sObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: d.name, labels: labelsOf(d.name) },
    spec: {
      selector: selectorOf(d.name),
      // Keep the `service` label each process puts on its series (the alert rules group by it).
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', honorLabels: true }],
    },
  };
}

/** Every object of one process. */
export function processObjects(d: Deployable, all: Deployable[]): K8sObject[] {
  return [
    deployment(d, all),
    service(d),
    autoscaler(d),
    disruptionBudget(d),
    networkPolicy(d, all),
    serviceMonitor(d),
  ];
}

/** The base's generated objects: the shared ConfigMap, then each process's. */
export function baseObjects(all: Deployable[]): K8sObject[] {
  return [platformConfigMap(all), ...all.flatMap((d) => processObjects(d, all))];
}
