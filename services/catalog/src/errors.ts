import { defineErrors } from '@mercato/platform/errors';

/** The catalog service's error codes (listed in docs/errors.md). */
export const CatalogErrors = defineErrors({
  CATALOG_PRODUCT_NOT_FOUND: { status: 404, title: 'Product not found' },
  CATALOG_VARIANT_NOT_FOUND: { status: 404, title: 'Variant not found' },
  CATALOG_BRAND_NOT_FOUND: { status: 404, title: 'Brand not found' },
  CATALOG_CATEGORY_NOT_FOUND: { status: 404, title: 'Category not found' },
  CATALOG_SYNONYM_NOT_FOUND: { status: 404, title: 'Synonym group not found' },
  CATALOG_HANDLE_TAKEN: { status: 409, title: 'The handle is already taken' },
  CATALOG_SKU_TAKEN: { status: 409, title: 'The SKU is already taken' },
  CATALOG_CATEGORY_CYCLE: { status: 409, title: 'A category cannot move under its own subtree' },
  CATALOG_CATEGORY_HAS_CHILDREN: { status: 409, title: 'The category still has subcategories' },
  CATALOG_UNKNOWN_FILTER: {
    status: 400,
    title: 'A listing filter names a brand or category that does not exist',
  },
  CATALOG_MEDIA_UNSUPPORTED: {
    status: 415,
    title: 'Not an image type the catalog stores, or not what it claims to be',
  },
  CATALOG_MEDIA_NOT_FOUND: { status: 404, title: 'Image not found' },
  CATALOG_PRICE_REQUIRED: { status: 400, title: 'A product without variants needs a price' },
  CATALOG_IMPORT_EMPTY: { status: 400, title: 'The import has no rows' },
  CATALOG_IMPORT_BAD_HEADER: { status: 400, title: 'The CSV header names an unknown or repeated column' },
  CATALOG_IMPORT_ROW_UNREADABLE: { status: 400, title: 'An import row could not be read' },
});
