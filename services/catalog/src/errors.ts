import { defineErrors } from '@mercato/platform/errors';

/** The catalog service's error codes (listed in docs/errors.md). */
export const CatalogErrors = defineErrors({
  CATALOG_PRODUCT_NOT_FOUND: { status: 404, title: 'Product not found' },
  CATALOG_VARIANT_NOT_FOUND: { status: 404, title: 'Variant not found' },
  CATALOG_BRAND_NOT_FOUND: { status: 404, title: 'Brand not found' },
  CATALOG_CATEGORY_NOT_FOUND: { status: 404, title: 'Category not found' },
  CATALOG_HANDLE_TAKEN: { status: 409, title: 'The handle is already taken' },
  CATALOG_SKU_TAKEN: { status: 409, title: 'The SKU is already taken' },
  CATALOG_CATEGORY_CYCLE: { status: 409, title: 'A category cannot move under its own subtree' },
  CATALOG_CATEGORY_HAS_CHILDREN: { status: 409, title: 'The category still has subcategories' },
  CATALOG_PRICE_REQUIRED: { status: 400, title: 'A product without variants needs a price' },
});
