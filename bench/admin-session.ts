// What a benchmark needs now that writes require an admin and the gateway rate-limits:
// settings for the launched platform (set before it starts; child processes inherit them)
// and an admin sign-in through the gateway.

/** The admin identity creates at start (BOOTSTRAP_ADMIN_*); shared by the benchmarks. */
export const BENCH_ADMIN = { email: 'bench-admin@mercato.test', password: 'Bench-Admin-Pass-2026' };

/**
 * Sets the environment of a benchmark platform: the bootstrap admin, identity on a database
 * of its own (the admin is only created where no admin exists yet), and rate limits far
 * above what one load generator sends from one IP, so the figures measure the work, not 429s.
 */
export function prepareBenchEnv(postgresUrl = process.env.POSTGRES_URL): void {
  process.env.BOOTSTRAP_ADMIN_EMAIL = BENCH_ADMIN.email;
  process.env.BOOTSTRAP_ADMIN_PASSWORD = BENCH_ADMIN.password;
  process.env.RATE_LIMIT_ANONYMOUS ??= '1000000000';
  process.env.RATE_LIMIT_AUTHENTICATED ??= '1000000000';
  process.env.RATE_LIMIT_PREMIUM ??= '1000000000';
  const db = new URL(postgresUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  db.pathname = '/mercato_identity_bench';
  process.env.IDENTITY_DATABASE_URL ??= db.toString();
}

/** Signs the bench admin in at the gateway; resolves with `{ authorization: 'Bearer …' }`. */
export async function adminHeaders(gateway: string): Promise<{ authorization: string }> {
  const res = await fetch(`${gateway}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken)
    throw new Error(`admin sign-in: ${res.status} ${JSON.stringify(body)}`);
  return { authorization: `Bearer ${body.accessToken}` };
}
