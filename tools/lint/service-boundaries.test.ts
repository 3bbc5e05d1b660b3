// The boundary rule runs in `npm test` (ESLint over the repository); these fixtures show
// what it refuses and what it lets through, through ESLint's own API and the project config.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'mercato/service-boundaries')
    .map((m) => m.message);
}

describe('service boundaries (ESLint rule mercato/service-boundaries)', () => {
  test("a service importing another service's package is refused", async () => {
    const errors = await boundaryErrors(
      'services/catalog/src/products/fixture.ts',
      "import { inventoryService } from '@mercato/inventory';\nexport const x = inventoryService;\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /services\/catalog may not import the code of service inventory/);
  });

  test("a service reaching into another service's files by a relative path is refused", async () => {
    const errors = await boundaryErrors(
      'services/catalog/test/fixture.ts',
      "export { stockRepository } from '../../inventory/src/stock/stock-repository.ts';\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /may not import the code of service inventory/);
  });

  test('a dynamic import across services is refused too', async () => {
    const errors = await boundaryErrors(
      'services/settings/src/fixture.ts',
      "export const load = () => import('@mercato/identity');\n",
    );
    assert.equal(errors.length, 1);
  });

  test('a package depending on a service is refused', async () => {
    const errors = await boundaryErrors(
      'packages/platform/src/fixture.ts',
      "import { catalogService } from '@mercato/catalog';\nexport const x = catalogService;\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /packages\/platform may not depend on service catalog/);
  });

  test("an app may import a service's package entry but not its internals", async () => {
    const entry = await boundaryErrors(
      'apps/mercato/src/fixture.ts',
      "import { catalogService } from '@mercato/catalog';\nexport const x = catalogService;\n",
    );
    assert.deepEqual(entry, []);
    const deep = await boundaryErrors(
      'apps/mercato/src/fixture.ts',
      "import { createSigningKeys } from '@mercato/identity/signing-keys';\nexport const x = createSigningKeys;\n",
    );
    assert.equal(deep.length, 1);
    assert.match(deep[0]!, /only through its package entry/);
    const relative = await boundaryErrors(
      'apps/mercato/src/fixture.ts',
      "import { x } from '../../../services/catalog/src/db.ts';\nexport const y = x;\n",
    );
    assert.equal(relative.length, 1);
  });

  test("a service's own code, the kit and the contracts are allowed", async () => {
    const errors = await boundaryErrors(
      'services/inventory/src/stock/fixture.ts',
      [
        "import { inventoryApi } from '@mercato/contracts';",
        "import { createWriteBatcher } from '@mercato/platform/db';",
        "import { inventoryService } from '@mercato/inventory';",
        "import { stockRepository } from './stock-repository.ts';",
        'export const all = [inventoryApi, createWriteBatcher, inventoryService, stockRepository];',
        '',
      ].join('\n'),
    );
    assert.deepEqual(errors, []);
  });
});
