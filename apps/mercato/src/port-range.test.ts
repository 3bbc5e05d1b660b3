import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ephemeralPortRange, largestSafeOffset, platformPorts, portsInEphemeralRange } from './port-range.ts';

describe('port offsets and the ephemeral range', () => {
  test('reads the kernel range, and falls back to 32768–60999 where it cannot', () => {
    assert.deepEqual(
      ephemeralPortRange(() => '49152\t65535\n'),
      { low: 49152, high: 65535 },
    );
    assert.deepEqual(
      ephemeralPortRange(() => {
        throw new Error('ENOENT');
      }),
      { low: 32768, high: 60999 },
    );
  });

  test('names the platform ports an offset puts in the range, and none below the largest safe offset', () => {
    const range = { low: 32768, high: 60999 };
    // The benchmarks' former offset put every port in the range (38080 for the gateway).
    assert.equal(portsInEphemeralRange(platformPorts(30_000), range).length, platformPorts(0).length);
    const safe = largestSafeOffset(range);
    assert.deepEqual(portsInEphemeralRange(platformPorts(safe), range), []);
    assert.equal(portsInEphemeralRange(platformPorts(safe + 1), range).length, 1);
    assert.deepEqual(portsInEphemeralRange([8080, 32767, 32768, 60999, 61000], range), [32768, 60999]);
  });
});
