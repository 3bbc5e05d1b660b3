// The shapes the demo catalog is generated from: departments with their subcategories,
// word lists, price ranges, variant kinds and attributes.

export interface Colour {
  name: string;
  code: string;
  hex: string;
}

export const COLOURS: Colour[] = [
  { name: 'Black', code: 'BLK', hex: '#1f2328' },
  { name: 'White', code: 'WHT', hex: '#f4f1ea' },
  { name: 'Navy', code: 'NVY', hex: '#1d3557' },
  { name: 'Red', code: 'RED', hex: '#c0392b' },
  { name: 'Forest Green', code: 'GRN', hex: '#2d6a4f' },
  { name: 'Sand', code: 'SND', hex: '#d8c3a5' },
  { name: 'Heather Grey', code: 'GRY', hex: '#9aa0a6' },
  { name: 'Mustard', code: 'MUS', hex: '#d4a017' },
  { name: 'Sky Blue', code: 'SKY', hex: '#6fa8dc' },
  { name: 'Burgundy', code: 'BRG', hex: '#7b2d3b' },
  { name: 'Olive', code: 'OLV', hex: '#6b7f3a' },
  { name: 'Coral', code: 'CRL', hex: '#ee6c4d' },
];

export type AttrValue = string | number | boolean;

/** How a product's variants are made. */
export type VariantSpec =
  | { kind: 'sizes'; sizes: string[] } // sizes × 1–3 colours
  | { kind: 'colours' } // 1–3 colours
  | { kind: 'option'; key: string; values: string[]; step: number } // 1–3 consecutive values, each `step` dearer
  | { kind: 'single' }; // the default variant

export interface SubSpec {
  handle: string;
  name: string;
  sku: string;
  /** Style words; when `styleAttr` is set, the style is also that attribute's value. */
  styles: string[];
  styleAttr?: string;
  nouns: string[];
  price: [number, number];
  grams: [number, number];
  variants: VariantSpec;
  attrs: Record<string, readonly AttrValue[]>;
  features: string[];
}

export interface DeptSpec {
  handle: string;
  name: string;
  adjectives: string[];
  benefits: string[];
  palette: string[];
  brands: string[];
  subs: SubSpec[];
}

export const APPAREL_SIZES = ['S', 'M', 'L', 'XL'];
