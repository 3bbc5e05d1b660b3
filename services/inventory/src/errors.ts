import { defineErrors } from '@mercato/platform/errors';

/** The inventory service's error codes (listed in docs/errors.md). */
export const InventoryErrors = defineErrors({
  INVENTORY_WAREHOUSE_NOT_FOUND: { status: 404, title: 'Warehouse not found' },
  INVENTORY_WAREHOUSE_CODE_TAKEN: { status: 409, title: 'The warehouse code is already taken' },
  INVENTORY_WAREHOUSE_IN_USE: {
    status: 409,
    title: 'The warehouse has held stock; deactivate it instead of deleting it',
  },
  INVENTORY_SKU_NOT_FOUND: { status: 404, title: 'No stock item has this SKU' },
  INVENTORY_INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock is available' },
  INVENTORY_COUNT_BELOW_RESERVED: {
    status: 409,
    title: 'The counted quantity is below what is reserved in this warehouse',
  },
  INVENTORY_LEVEL_LIMIT: {
    status: 422,
    title: 'A stock level cannot go past 2,147,483,647 units',
  },
  INVENTORY_RESERVATION_NOT_FOUND: { status: 404, title: 'Reservation not found' },
  INVENTORY_RESERVATION_NOT_HELD: { status: 409, title: 'The reservation no longer holds stock' },
  INVENTORY_RELEASE_EXCEEDS_HELD: {
    status: 409,
    title: 'The release asks for more than the reservation holds',
  },
});
