import { newId } from '@mercato/platform/ids';
import { pageResult, type Page } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type { Synonym, SynonymInput } from './synonym.ts';
import { synonymRepository as repo } from './synonym-repository.ts';

/** Use cases of the admin's synonym groups (search reads them at every query). */
export interface SynonymService {
  list(page: number, pageSize: number): Promise<Page<Synonym>>;
  get(id: string): Promise<Synonym>;
  create(input: SynonymInput): Promise<Synonym>;
  replace(id: string, input: SynonymInput): Promise<Synonym>;
  delete(id: string): Promise<void>;
}

const notFound = (id: string) => CatalogErrors.CATALOG_SYNONYM_NOT_FOUND(`no synonym group ${id}`);

export function createSynonymService(ctx: ServiceContext<CatalogDB>): SynonymService {
  const { database } = ctx;
  const db = database.db;
  return {
    async list(page, pageSize) {
      const { items, totalCount } = await repo.page(db, page, pageSize);
      return pageResult(items, page, pageSize, totalCount);
    },
    async get(id) {
      const found = await repo.find(db, id);
      if (!found) throw notFound(id);
      return found;
    },
    create: (input) => database.transaction((trx) => repo.insert(trx, newId(), input.terms)),
    async replace(id, input) {
      const updated = await database.transaction((trx) => repo.update(trx, id, input.terms));
      if (!updated) throw notFound(id);
      return updated;
    },
    async delete(id) {
      if (!(await database.transaction((trx) => repo.delete(trx, id)))) throw notFound(id);
    },
  };
}
