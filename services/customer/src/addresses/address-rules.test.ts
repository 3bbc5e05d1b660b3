import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAddress, normalizePhone, normalizePostalCode } from './address-rules.ts';

const ok = (country: string, postalCode: string | null, region: string | null = null) =>
  checkAddress({ country, postalCode: normalizePostalCode(postalCode), region, phone: null });

describe('address rules by country', () => {
  // Thirty-plus countries, each with a code that fits and one that does not.
  const cases: Array<[string, string, string, string?]> = [
    ['US', '94105-1234', '9410', 'CA'],
    ['CA', 'k1a 0b1', 'K1A 0B', 'ON'],
    ['GB', 'sw1a 1aa', 'SW1A 1A'],
    ['DE', '10115', '1011'],
    ['FR', '75008', '7500'],
    ['IT', '00184', '0018', 'RM'],
    ['ES', '28013', '2801', 'M'],
    ['NL', '1012 JS', '1012 J'],
    ['BE', '1000', '100'],
    ['AT', '1010', '101'],
    ['CH', '8001', '800'],
    ['PL', '00-950', '00950x'],
    ['PT', '1000-001', '1000-01'],
    ['SE', '114 55', '11455x'],
    ['DK', '1050', '105'],
    ['NO', '0150', '015'],
    ['FI', '00100', '0010'],
    ['CZ', '110 00', '1100'],
    ['HU', '1051', '105'],
    ['RO', '010011', '01001'],
    ['GR', '105 57', '1055'],
    ['JP', '100-0001', '100-001', 'Tokyo'],
    ['AU', '2000', '200', 'NSW'],
    ['NZ', '6011', '601'],
    ['IN', '110001', '11000', 'DL'],
    ['BR', '01310-100', '0131-100', 'SP'],
    ['MX', '06600', '0660', 'CDMX'],
    ['CN', '100000', '10000', 'Beijing'],
    ['KR', '04524', '0452'],
    ['SG', '018956', '01895'],
    ['ZA', '8001', '800'],
    ['IE', 'D02 X285', 'D02'],
  ];
  for (const [country, good, bad, region] of cases) {
    test(`${country}: ${good} is accepted and ${bad} refused`, () => {
      assert.deepEqual(ok(country, good, region ?? null), []);
      assert.equal(ok(country, bad, region ?? null)[0]?.path, '/postalCode');
    });
  }

  test('a country without postal codes takes an address without one', () => {
    assert.deepEqual(ok('HK', null), []);
  });

  test('an unknown or lower-case country is refused before anything else', () => {
    assert.equal(ok('XX', '12345')[0]?.path, '/country');
    assert.equal(ok('de', '10115')[0]?.path, '/country');
  });

  test('a country that needs a region refuses an address without one', () => {
    assert.deepEqual(
      ok('US', '94105').map((v) => v.path),
      ['/region'],
    );
  });

  test('a missing postal code is refused where the country has them', () => {
    assert.equal(ok('DE', '  ')[0]?.message, 'DE addresses need a postal code');
  });

  test('phone numbers are read in the address country and kept as E.164', () => {
    assert.equal(normalizePhone('030 1234567', 'DE'), '+49301234567');
    assert.equal(normalizePhone('+1 415 555 2671'), '+14155552671');
    assert.equal(normalizePhone('12', 'DE'), undefined);
  });
});
