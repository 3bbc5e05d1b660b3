// Prometheus' own checker (Debian's `prometheus` package ships promtool; .ci/run installs it).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const candidates = ['/usr/bin/promtool', '/usr/local/bin/promtool'];

/** promtool's path, or undefined where it is not installed. */
export function findPromtool(): string | undefined {
  return candidates.find((p) => existsSync(p));
}

/**
 * How a test that needs promtool runs: outside CI, without it, it is skipped with the way to
 * install it; in CI (.ci/run installs it) a missing promtool fails.
 */
export function promtoolTestOptions(): { skip?: string } {
  if (findPromtool() || process.env.CI === 'true') return {};
  return { skip: 'promtool is not installed: apt-get install --no-install-recommends prometheus' };
}

/** Runs promtool with the arguments; resolves to its output, rejects with it on a non-zero exit. */
export async function promtool(args: string[], cwd: string): Promise<string> {
  const bin = findPromtool();
  if (!bin) throw new Error('promtool is not installed (apt-get install prometheus)');
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, args, { cwd });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}
