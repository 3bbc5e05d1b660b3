// Validates Kubernetes objects against the API's schemas (kubernetes-models: the OpenAPI
// schemas of a current Kubernetes, 1.34, compiled; prometheus-operator's for ServiceMonitor).

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The model module of an apiVersion/kind: `apps/v1` + `Deployment` → kubernetes-models/apps/v1/Deployment. */
function modulePath(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Throws, naming the object, when it does not validate or its kind is unknown to the schemas. */
export async function validateObject(obj: {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}): Promise<void> {
  const what = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? '(no name)'}`;
  let Model: ModelClass | undefined;
  try {
    const mod = (await import(modulePath(obj.apiVersion, obj.kind))) as Record<string, unknown>;
    Model = mod[obj.kind] as ModelClass | undefined;
  } catch {
    Model = undefined;
  }
  if (!Model) throw new Error(`${what}: no schema for this apiVersion and kind`);
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`${what} does not validate: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}
