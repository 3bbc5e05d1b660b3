/**
 * The admin the launcher tests sign in as: identity creates it at start from these
 * variables (BOOTSTRAP_ADMIN_*, any mode), so no one-time password has to be scraped.
 */
export const ADMIN_ENV = {
  BOOTSTRAP_ADMIN_EMAIL: 'launcher-admin@mercato.test',
  BOOTSTRAP_ADMIN_PASSWORD: 'Launcher-Test-Pass-2026',
};

/** Signs in through the gateway (`POST /api/v1/auth/login`); resolves with the Authorization header. */
export async function adminAuthorization(base: string): Promise<{ authorization: string }> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: ADMIN_ENV.BOOTSTRAP_ADMIN_EMAIL,
      password: ADMIN_ENV.BOOTSTRAP_ADMIN_PASSWORD,
    }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (res.status !== 200 || !body.accessToken) {
    throw new Error(`admin sign-in failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return { authorization: `Bearer ${body.accessToken}` };
}
