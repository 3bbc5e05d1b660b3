/**
 * Polls `cond` until it holds (truthy, possibly async) or `timeoutMs` passes; then throws
 * naming `what`. For tests that wait on background work (relay, consumers) without fixed sleeps.
 */
export async function waitFor(
  cond: () => unknown,
  timeoutMs = 5000,
  what = 'condition',
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
