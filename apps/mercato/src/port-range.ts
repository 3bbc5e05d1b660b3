import { serviceList } from '@mercato/contracts';
import { CARRIER_SIMULATOR_PORT, PSP_SIMULATOR_PORT } from '@mercato/simulators';
import type { Logger } from '@mercato/platform/logging';
import { readFileSync } from 'node:fs';

/** The ports a platform listens on: the gateway's, every service's and the simulators', offset added. */
export function platformPorts(offset: number, gatewayPort = 8080 + offset): number[] {
  const own = [...serviceList.map((m) => m.port), PSP_SIMULATOR_PORT, CARRIER_SIMULATOR_PORT];
  return [gatewayPort, ...own.map((p) => p + offset)];
}

/**
 * The local ports the kernel picks for outgoing connections (Linux's
 * net.ipv4.ip_local_port_range; the usual 32768–60999 where it cannot be read).
 */
export function ephemeralPortRange(
  read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): { low: number; high: number } {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low!, high: high! };
  } catch {
    // not Linux: the usual range
  }
  return { low: 32768, high: 60999 };
}

/**
 * The given ports that lie in the ephemeral range. Such a port is unsafe to listen on: a
 * readiness poll made while nothing listens there yet can be given that very port as its
 * own local one and connect to itself, and the TIME_WAIT it leaves makes the listen fail
 * with EADDRINUSE.
 */
export function portsInEphemeralRange(ports: readonly number[], range = ephemeralPortRange()): number[] {
  return ports.filter((p) => p >= range.low && p <= range.high);
}

/** The largest MERCATO_PORT_OFFSET that keeps every platform port below the ephemeral range. */
export function largestSafeOffset(range = ephemeralPortRange()): number {
  return range.low - 1 - Math.max(...platformPorts(0));
}

/** Warns once, at start-up, of platform ports inside the ephemeral range (see portsInEphemeralRange). */
export function warnOfEphemeralPorts(logger: Logger, ports: readonly number[]): void {
  const unsafe = portsInEphemeralRange(ports);
  if (unsafe.length === 0) return;
  logger.warn(
    { ports: unsafe, largestSafeOffset: largestSafeOffset() },
    'ports in the ephemeral range: an outgoing connection may take one first (EADDRINUSE); choose a smaller MERCATO_PORT_OFFSET or GATEWAY_PORT',
  );
}
