import type { ColumnType, Generated } from '@mercato/platform/db';

type Jsonb<T> = ColumnType<T, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

/** One bracket of a rate table: up to `upTo` grams (or minor units of subtotal) costs `amount`. */
export interface RateBracket {
  upTo: number | null;
  amount: number;
}

export type ShipmentStatus =
  | 'pending'
  | 'label_created'
  | 'dispatched'
  | 'in_transit'
  | 'out_for_delivery'
  | 'delivered'
  | 'exception'
  | 'cancelled';

export interface ZonesTable {
  id: string;
  code: string;
  name: string;
  countries: string[];
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MethodsTable {
  id: string;
  zone_id: string;
  code: string;
  name: string;
  kind: 'standard' | 'express' | 'pickup';
  rate_basis: 'weight' | 'subtotal';
  rates: Jsonb<RateBracket[]>;
  currency: string;
  free_over: number | null;
  handling_days: number;
  transit_days_min: number;
  transit_days_max: number;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ShipmentLine {
  sku: string;
  quantity: number;
  weightGrams: number | null;
}

export interface ShipmentsTable {
  id: string;
  order_id: string;
  reference: string | null;
  warehouse_code: string;
  method_code: string;
  carrier: string;
  tracking_number: string | null;
  label_url: string | null;
  status: ShipmentStatus;
  address: Jsonb<Record<string, unknown>>;
  lines: Jsonb<ShipmentLine[]>;
  dispatched_at: Date | null;
  delivered_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TrackingEventsTable {
  id: string;
  shipment_id: string;
  carrier_event_id: string | null;
  status: string;
  detail: string | null;
  occurred_at: Date;
  received_at: CreatedAt;
}

/** The shipping schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface ShippingDB {
  zones: ZonesTable;
  methods: MethodsTable;
  shipments: ShipmentsTable;
  tracking_events: TrackingEventsTable;
}
