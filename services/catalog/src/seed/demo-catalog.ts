import type { CreateProductInput, CreateVariantInput } from '../products/product.ts';

/**
 * The demo catalog: a deterministic generator (seeded PRNG, no clock, no network) of a
 * category tree, invented brands and ~1,200 products with variants, attributes and SVG
 * data-URL images. Every run yields the same data, so the seed can recognise what it
 * already loaded by handle.
 */

export interface DemoBrand {
  handle: string;
  name: string;
}

export interface DemoCategory {
  handle: string;
  name: string;
  /** The parent's handle (departments have none); parents come before their children. */
  parent: string | null;
  position: number;
}

/** A product create body that names its brand and categories by handle. */
export type DemoProduct = Omit<
  CreateProductInput,
  'brandId' | 'categoryIds' | 'sellerId' | 'price' | 'defaultSku' | 'variants' | 'images'
> & {
  brand: string;
  categories: string[];
  images: Array<{ url: string; alt: string }>;
  variants: CreateVariantInput[];
};

export interface DemoCatalog {
  brands: DemoBrand[];
  categories: DemoCategory[];
  products: DemoProduct[];
}

export const DEMO_SEED = 0x6d657263; // "merc"
export const DEMO_PRODUCT_COUNT = 1200;

type Rng = () => number;

/** mulberry32: a tiny, fast, seeded 32-bit PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: Rng, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function int(r: Rng, min: number, max: number): number {
  return min + Math.floor(r() * (max - min + 1));
}

/** `count` distinct items, in list order. */
function some<T>(r: Rng, items: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(Math.floor(r() * items.length));
  return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

interface Colour {
  name: string;
  code: string;
  hex: string;
}

const COLOURS: Colour[] = [
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

type AttrValue = string | number | boolean;

/** How a product's variants are made. */
type VariantSpec =
  | { kind: 'sizes'; sizes: string[] } // sizes × 1–3 colours
  | { kind: 'colours' } // 1–3 colours
  | { kind: 'option'; key: string; values: string[]; step: number } // 1–3 consecutive values, each `step` dearer
  | { kind: 'single' }; // the default variant

interface SubSpec {
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

interface DeptSpec {
  handle: string;
  name: string;
  adjectives: string[];
  benefits: string[];
  palette: string[];
  brands: string[];
  subs: SubSpec[];
}

const APPAREL_SIZES = ['S', 'M', 'L', 'XL'];

const DEPARTMENTS: DeptSpec[] = [
  {
    handle: 'apparel',
    name: 'Apparel',
    adjectives: [
      'Classic',
      'Relaxed',
      'Essential',
      'Heavyweight',
      'Everyday',
      'Vintage',
      'Lightweight',
      'Garment-Dyed',
    ],
    benefits: [
      'cut for all-day comfort',
      'made to soften with every wash',
      'an easy layer for any season',
      'tailored for a clean, modern fit',
    ],
    palette: ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#8d99ae'],
    brands: [
      'Northloom',
      'Kestrel & Pine',
      'Urban Thread Co.',
      'Saltmarsh Supply',
      'Fieldnote Apparel',
      'Copperline',
    ],
    subs: [
      {
        handle: 't-shirts',
        name: 'T-Shirts',
        sku: 'TSH',
        styles: ['Organic Cotton', 'Pima Cotton', 'Linen Blend', 'Merino', 'Bamboo Jersey', 'Slub Cotton'],
        styleAttr: 'material',
        nouns: [
          'Crew T-Shirt',
          'V-Neck T-Shirt',
          'Pocket Tee',
          'Long-Sleeve Tee',
          'Henley',
          'Ringer Tee',
          'Raglan Tee',
        ],
        price: [1499, 4999],
        grams: [140, 260],
        variants: { kind: 'sizes', sizes: APPAREL_SIZES },
        attrs: { fit: ['regular', 'slim', 'relaxed'], gsm: [140, 160, 180, 220] },
        features: [
          'Pre-shrunk and soft from the first wear.',
          'Reinforced shoulder seams keep its shape.',
          'A tagless neck label means no itch.',
        ],
      },
      {
        handle: 'hoodies',
        name: 'Hoodies & Sweatshirts',
        sku: 'HOD',
        styles: ['Fleece', 'French Terry', 'Brushed Cotton', 'Recycled Polyester', 'Waffle Knit'],
        styleAttr: 'material',
        nouns: [
          'Pullover Hoodie',
          'Zip Hoodie',
          'Crewneck Sweatshirt',
          'Half-Zip Sweatshirt',
          'Quarter-Zip Pullover',
        ],
        price: [3999, 8999],
        grams: [450, 800],
        variants: { kind: 'sizes', sizes: APPAREL_SIZES },
        attrs: { fit: ['regular', 'oversized'], kangarooPocket: [true, false] },
        features: [
          'The brushed interior traps warmth on cold mornings.',
          'Ribbed cuffs and hem hold their stretch.',
          'A lined hood with flat drawcords.',
        ],
      },
      {
        handle: 'jeans',
        name: 'Jeans & Trousers',
        sku: 'JNS',
        styles: ['Selvedge Denim', 'Stretch Denim', 'Cotton Twill', 'Corduroy', 'Ripstop'],
        styleAttr: 'material',
        nouns: [
          'Straight Jeans',
          'Slim Jeans',
          'Tapered Chinos',
          'Carpenter Trousers',
          'Cargo Pants',
          'Wide-Leg Trousers',
        ],
        price: [4999, 12999],
        grams: [500, 900],
        variants: { kind: 'sizes', sizes: ['30', '32', '34', '36'] },
        attrs: { rise: ['low', 'mid', 'high'], inseamCm: [76, 81, 86] },
        features: [
          'Bar-tacked pockets for years of daily wear.',
          'A hidden stretch waistband moves with you.',
          'Rinsed once so the colour stays put.',
        ],
      },
      {
        handle: 'jackets',
        name: 'Jackets',
        sku: 'JKT',
        styles: ['Waxed Cotton', 'Down-Filled', 'Softshell', 'Wool Blend', 'Quilted Nylon'],
        styleAttr: 'material',
        nouns: ['Field Jacket', 'Puffer Jacket', 'Rain Shell', 'Chore Coat', 'Bomber Jacket', 'Overshirt'],
        price: [7999, 29999],
        grams: [600, 1400],
        variants: { kind: 'sizes', sizes: APPAREL_SIZES },
        attrs: { waterproof: [true, false], hooded: [true, false] },
        features: [
          'Taped seams and a storm flap keep the rain out.',
          'Two-way zip and deep hand-warmer pockets.',
          'Packs into its own pocket for travel.',
        ],
      },
      {
        handle: 'socks',
        name: 'Socks',
        sku: 'SCK',
        styles: ['Merino Wool', 'Cotton Rib', 'Cushioned', 'Bamboo', 'Alpaca Blend'],
        styleAttr: 'material',
        nouns: ['Crew Socks', 'Hiking Socks', 'Ankle Socks', 'Dress Socks', 'Boot Socks'],
        price: [999, 2999],
        grams: [50, 150],
        variants: { kind: 'sizes', sizes: ['S', 'M', 'L'] },
        attrs: { pairs: [1, 2, 3] },
        features: [
          'A seamless toe for blister-free miles.',
          'Arch support that stays in place.',
          'Breathable knit keeps feet dry.',
        ],
      },
    ],
  },
  {
    handle: 'home-kitchen',
    name: 'Home & Kitchen',
    adjectives: [
      'Artisan',
      'Nordic',
      'Farmhouse',
      'Modern',
      'Rustic',
      'Minimalist',
      'Hand-Finished',
      'Stackable',
    ],
    benefits: [
      'made for the way you really cook',
      'designed to be used every single day',
      'a quiet upgrade to your kitchen',
      'built to last through years of daily use',
    ],
    palette: ['#6d597a', '#b56576', '#e56b6f', '#eaac8b', '#355070', '#a3b18a'],
    brands: [
      'Hearthwell',
      'Stonebright Studio',
      'Larder & Leaf',
      'Brightkettle',
      'Oakhollow Home',
      'Mistral Table',
    ],
    subs: [
      {
        handle: 'mugs-cups',
        name: 'Mugs & Cups',
        sku: 'MUG',
        styles: ['Ceramic', 'Stoneware', 'Enamel', 'Double-Wall Glass', 'Porcelain'],
        styleAttr: 'material',
        nouns: [
          'Coffee Mug',
          'Pour-Over Coffee Mug',
          'Espresso Cup Set',
          'Travel Tumbler',
          'Tea Cup',
          'Latte Bowl',
        ],
        price: [899, 3999],
        grams: [200, 700],
        variants: { kind: 'option', key: 'capacity', values: ['250 ml', '350 ml', '500 ml'], step: 300 },
        attrs: { dishwasherSafe: [true, false], microwaveSafe: [true, false], capacityMl: [250, 350, 500] },
        features: [
          'A thick wall keeps coffee hot for longer.',
          'The wide handle fits four fingers.',
          'Each glaze is dipped by hand, so no two are alike.',
        ],
      },
      {
        handle: 'cookware',
        name: 'Cookware',
        sku: 'CKW',
        styles: ['Cast Iron', 'Stainless Steel', 'Carbon Steel', 'Non-Stick', 'Copper Core'],
        styleAttr: 'material',
        nouns: ['Frying Pan', 'Dutch Oven', 'Saucepan', 'Saute Pan', 'Stockpot', 'Grill Pan', 'Wok'],
        price: [2999, 24999],
        grams: [900, 5500],
        variants: { kind: 'option', key: 'size', values: ['20 cm', '24 cm', '28 cm'], step: 1000 },
        attrs: { inductionReady: [true, false], ovenSafeC: [200, 260, 300] },
        features: [
          'Heats evenly from edge to centre.',
          'Oven safe, so dishes go from hob to table.',
          'A riveted handle stays cool on the hob.',
        ],
      },
      {
        handle: 'kitchen-knives',
        name: 'Kitchen Knives',
        sku: 'KNF',
        styles: [
          'Damascus Steel',
          'High-Carbon Steel',
          'Ceramic Blade',
          'Forged German Steel',
          'Japanese Steel',
        ],
        styleAttr: 'material',
        nouns: [
          'Chef Knife',
          'Santoku Knife',
          'Paring Knife',
          'Bread Knife',
          'Knife Block Set',
          'Utility Knife',
        ],
        price: [1999, 19999],
        grams: [120, 2200],
        variants: { kind: 'single' },
        attrs: { bladeLengthCm: [9, 13, 18, 20, 23], handle: ['walnut', 'olive wood', 'resin', 'stainless'] },
        features: [
          'Sharpened to a 15-degree edge.',
          'A full tang gives balance and control.',
          'Comes with a protective blade guard.',
        ],
      },
      {
        handle: 'storage-jars',
        name: 'Storage & Jars',
        sku: 'JAR',
        styles: ['Borosilicate Glass', 'Bamboo Lid', 'Airtight', 'Stackable Tin', 'Terracotta'],
        nouns: ['Storage Jar', 'Pantry Canister Set', 'Spice Jar Set', 'Bread Bin', 'Lunch Box'],
        price: [999, 5999],
        grams: [250, 2000],
        variants: { kind: 'option', key: 'pack', values: ['Single', 'Set of 3', 'Set of 6'], step: 1200 },
        attrs: { airtight: [true, false], capacityMl: [500, 1000, 1500, 2000] },
        features: [
          'A silicone seal keeps coffee and flour fresh.',
          'Clear sides show what is running low.',
          'Wide mouths make scooping easy.',
        ],
      },
      {
        handle: 'candles',
        name: 'Candles & Home Fragrance',
        sku: 'CND',
        styles: ['Soy Wax', 'Beeswax', 'Coconut Wax', 'Reed Diffuser', 'Linen Spray'],
        nouns: ['Scented Candle', 'Travel Candle Tin', 'Three-Wick Candle', 'Diffuser', 'Pillar Candle'],
        price: [1299, 5499],
        grams: [150, 900],
        variants: { kind: 'option', key: 'scent', values: ['Cedar & Sage', 'Fig Leaf', 'Sea Salt'], step: 0 },
        attrs: { burnHours: [25, 40, 60, 80], vegan: [true, false] },
        features: [
          'A cotton wick burns clean and even.',
          'Hand-poured in small batches.',
          'Notes of cedar, amber and fresh linen.',
        ],
      },
    ],
  },
  {
    handle: 'electronics',
    name: 'Electronics',
    adjectives: ['Wireless', 'Compact', 'Pro', 'Portable', 'Smart', 'Ultra-Slim', 'Studio', 'Rugged'],
    benefits: [
      'tuned for clear, rich sound',
      'built for work, travel and everything in between',
      'engineered to just work, every time',
      'small enough to take anywhere',
    ],
    palette: ['#0b132b', '#1c2541', '#3a506b', '#5bc0be', '#6c757d', '#343a40'],
    brands: ['Voltwick', 'Aurafen Audio', 'Lumenfield', 'Quillbyte', 'Sonnet Circuit', 'Ampereworks'],
    subs: [
      {
        handle: 'headphones',
        name: 'Headphones',
        sku: 'HPH',
        styles: ['Noise-Cancelling', 'Bluetooth', 'Open-Back', 'Bass-Boost', 'Sport'],
        nouns: [
          'Over-Ear Headphones',
          'Earbuds',
          'On-Ear Headphones',
          'True Wireless Earbuds',
          'Gaming Headset',
        ],
        price: [2999, 34999],
        grams: [40, 380],
        variants: { kind: 'colours' },
        attrs: { batteryHours: [8, 20, 30, 40], wireless: [true, false], waterproof: [true, false] },
        features: [
          'Active noise cancelling blocks out the commute.',
          'Fast charging: ten minutes gives three hours.',
          'Memory-foam cushions for long listening sessions.',
        ],
      },
      {
        handle: 'speakers',
        name: 'Speakers',
        sku: 'SPK',
        styles: ['Bluetooth', 'Waterproof', 'Wi-Fi', 'Bookshelf', 'Outdoor'],
        nouns: ['Speaker', 'Soundbar', 'Party Speaker', 'Mini Speaker', 'Stereo Pair'],
        price: [3999, 49999],
        grams: [300, 6500],
        variants: { kind: 'colours' },
        attrs: { wattage: [10, 20, 40, 80, 120], waterproof: [true, false], batteryHours: [0, 12, 24] },
        features: [
          'Room-filling sound with deep, tight bass.',
          'Pair two for true stereo.',
          'Splash-proof, so it goes poolside.',
        ],
      },
      {
        handle: 'chargers-cables',
        name: 'Chargers & Cables',
        sku: 'CHG',
        styles: ['USB-C', 'Fast-Charge', 'Braided', 'Magnetic', 'Multi-Port'],
        nouns: [
          'Wall Charger',
          'Charging Cable',
          'Power Bank',
          'Wireless Charging Pad',
          'Car Charger',
          'Charging Stand',
        ],
        price: [999, 7999],
        grams: [30, 400],
        variants: { kind: 'option', key: 'length', values: ['1 m', '2 m', '3 m'], step: 200 },
        attrs: { wattage: [20, 30, 65, 100], ports: [1, 2, 3, 4] },
        features: [
          'Charges a laptop and a phone at the same time.',
          'Survives 20,000 bends in testing.',
          'Smart chips protect against overheating.',
        ],
      },
      {
        handle: 'keyboards-mice',
        name: 'Keyboards & Mice',
        sku: 'KBD',
        styles: ['Mechanical', 'Low-Profile', 'Ergonomic', 'Backlit', 'Silent'],
        nouns: ['Keyboard', 'Wireless Mouse', 'Trackpad', 'Keyboard and Mouse Combo', 'Numeric Keypad'],
        price: [1999, 17999],
        grams: [80, 1100],
        variants: { kind: 'option', key: 'layout', values: ['US', 'UK', 'ISO-DE'], step: 0 },
        attrs: {
          switchType: ['linear', 'tactile', 'clicky', 'membrane'],
          wireless: [true, false],
          batteryHours: [60, 200, 400],
        },
        features: [
          'Connects to three devices at once.',
          'Hot-swappable switches for easy tuning.',
          'A sculpted shape eases wrist strain.',
        ],
      },
      {
        handle: 'smart-lighting',
        name: 'Smart Lighting',
        sku: 'LGT',
        styles: ['Colour-Changing', 'Dimmable', 'Motion-Sensing', 'Warm White', 'Solar'],
        nouns: ['Smart Bulb', 'LED Light Strip', 'Desk Lamp', 'Floor Lamp', 'Night Light', 'Ceiling Panel'],
        price: [1299, 19999],
        grams: [60, 4500],
        variants: { kind: 'option', key: 'pack', values: ['Single', '2-Pack', '4-Pack'], step: 1500 },
        attrs: { wattage: [5, 9, 12, 24], lumens: [450, 800, 1100, 1600], appControl: [true, false] },
        features: [
          'Schedule it to wake you gently.',
          'Sixteen million colours from one app.',
          'Uses a fraction of the energy of old bulbs.',
        ],
      },
    ],
  },
  {
    handle: 'sports-outdoors',
    name: 'Sports & Outdoors',
    adjectives: [
      'Trail',
      'Ultralight',
      'All-Weather',
      'Performance',
      'Expedition',
      'Weekend',
      'Alpine',
      'Trek',
    ],
    benefits: [
      'ready for the trail and the gym',
      'tested on long days outdoors',
      'light enough to forget you carry it',
      'tough enough for every season',
    ],
    palette: ['#386641', '#6a994e', '#a7c957', '#bc4749', '#0077b6', '#f77f00'],
    brands: [
      'Trailforge',
      'Summitry',
      'Ridgeway Gear',
      'Riverbend Outfitters',
      'Kinetic Path',
      'Driftwood Athletics',
    ],
    subs: [
      {
        handle: 'yoga-fitness',
        name: 'Yoga & Fitness',
        sku: 'YGA',
        styles: ['Natural Rubber', 'Cork', 'TPE', 'Neoprene', 'Jute'],
        styleAttr: 'material',
        nouns: ['Yoga Mat', 'Yoga Block', 'Resistance Band Set', 'Foam Roller', 'Kettlebell', 'Jump Rope'],
        price: [999, 12999],
        grams: [200, 12000],
        variants: { kind: 'colours' },
        attrs: { thicknessMm: [3, 4, 5, 6], nonSlip: [true, false] },
        features: [
          'A grippy surface that stays put in hot classes.',
          'Rolls up tight with the included strap.',
          'Free of PVC and latex.',
        ],
      },
      {
        handle: 'water-bottles',
        name: 'Water Bottles',
        sku: 'BTL',
        styles: ['Insulated Steel', 'Titanium', 'Collapsible Silicone', 'Tritan', 'Glass'],
        styleAttr: 'material',
        nouns: ['Water Bottle', 'Sports Bottle', 'Hydration Flask', 'Thermos', 'Filter Bottle'],
        price: [1499, 4999],
        grams: [150, 600],
        variants: { kind: 'option', key: 'capacity', values: ['500 ml', '750 ml', '1 l'], step: 400 },
        attrs: { insulated: [true, false], coldHours: [12, 24, 36], capacityMl: [500, 750, 1000] },
        features: [
          'Keeps water cold for a full day.',
          'A leak-proof lid that opens with one hand.',
          'Fits most cup holders and bike cages.',
        ],
      },
      {
        handle: 'backpacks',
        name: 'Backpacks',
        sku: 'BPK',
        styles: ['Ripstop', 'Waxed Canvas', 'Recycled Nylon', 'Roll-Top', 'Cordura'],
        styleAttr: 'material',
        nouns: ['Daypack', 'Hiking Backpack', 'Commuter Backpack', 'Travel Pack', 'Hydration Pack'],
        price: [3999, 24999],
        grams: [400, 2200],
        variants: { kind: 'colours' },
        attrs: { volumeL: [15, 20, 28, 35, 45, 60], waterproof: [true, false], laptopSleeve: [true, false] },
        features: [
          'A padded sleeve fits a 16-inch laptop.',
          'Vented back panel for hot climbs.',
          'Hip belt pockets for snacks and a phone.',
        ],
      },
      {
        handle: 'camping',
        name: 'Camping',
        sku: 'CMP',
        styles: ['Two-Person', 'Four-Season', 'Freestanding', 'Down', 'Inflatable'],
        nouns: ['Tent', 'Sleeping Bag', 'Sleeping Pad', 'Camp Stove', 'Hammock', 'Camp Chair'],
        price: [2999, 49999],
        grams: [400, 4500],
        variants: { kind: 'single' },
        attrs: {
          waterproof: [true, false],
          season: ['3-season', '4-season'],
          packedWeightG: [450, 900, 1800, 2600],
        },
        features: [
          'Sets up in under five minutes.',
          'Packs down smaller than a loaf of bread.',
          'Rated to minus five degrees.',
        ],
      },
      {
        handle: 'cycling',
        name: 'Cycling',
        sku: 'CYC',
        styles: ['Aero', 'Commuter', 'Gravel', 'Reflective', 'Carbon'],
        nouns: ['Bike Helmet', 'Bike Light Set', 'Saddle Bag', 'Mini Pump', 'Cycling Gloves', 'Bike Lock'],
        price: [1499, 19999],
        grams: [80, 1500],
        variants: { kind: 'option', key: 'size', values: ['S', 'M', 'L'], step: 0 },
        attrs: { reflective: [true, false], waterproof: [true, false] },
        features: [
          'Bright enough to be seen from 300 metres.',
          'Mounts without tools in seconds.',
          'Tested to safety standards.',
        ],
      },
    ],
  },
  {
    handle: 'beauty',
    name: 'Beauty & Personal Care',
    adjectives: [
      'Hydrating',
      'Gentle',
      'Nourishing',
      'Daily',
      'Restorative',
      'Fragrance-Free',
      'Botanical',
      'Clarifying',
    ],
    benefits: [
      'kind to sensitive skin',
      'made with plant-based ingredients',
      'dermatologist tested',
      'a small daily ritual worth keeping',
    ],
    palette: ['#ffafcc', '#cdb4db', '#bde0fe', '#a2d2ff', '#ffc8dd', '#e5989b'],
    brands: [
      'Bloom & Birch',
      'Velvetine',
      'Purelume',
      'Saltwater Apothecary',
      'Mossgrove',
      'Clarity Botanics',
    ],
    subs: [
      {
        handle: 'skincare',
        name: 'Skincare',
        sku: 'SKN',
        styles: ['Hyaluronic', 'Vitamin C', 'Niacinamide', 'Aloe', 'Rosehip'],
        nouns: ['Face Serum', 'Moisturiser', 'Cleanser', 'Eye Cream', 'Face Mask', 'Toner'],
        price: [999, 6999],
        grams: [60, 300],
        variants: { kind: 'option', key: 'size', values: ['30 ml', '50 ml', '100 ml'], step: 800 },
        attrs: {
          volumeMl: [30, 50, 100],
          vegan: [true, false],
          skinType: ['all', 'dry', 'oily', 'sensitive'],
        },
        features: [
          'Absorbs in seconds with no greasy finish.',
          'Free of parabens and sulfates.',
          'Apply morning and night on clean skin.',
        ],
      },
      {
        handle: 'hair-care',
        name: 'Hair Care',
        sku: 'HAI',
        styles: ['Argan Oil', 'Tea Tree', 'Coconut', 'Keratin', 'Rosemary'],
        nouns: ['Shampoo', 'Conditioner', 'Hair Mask', 'Hair Oil', 'Styling Cream'],
        price: [799, 3999],
        grams: [120, 600],
        variants: { kind: 'option', key: 'size', values: ['250 ml', '500 ml', '1 l'], step: 600 },
        attrs: { volumeMl: [250, 500, 1000], sulfateFree: [true, false] },
        features: [
          'Leaves hair soft without weighing it down.',
          'Safe for colour-treated hair.',
          'A light herbal scent.',
        ],
      },
      {
        handle: 'fragrance',
        name: 'Fragrance',
        sku: 'FRG',
        styles: ['Cedarwood', 'Citrus', 'Vetiver', 'Amber', 'Jasmine', 'Sea Salt'],
        nouns: ['Eau de Parfum', 'Eau de Toilette', 'Solid Perfume', 'Body Mist', 'Discovery Set'],
        price: [1999, 14999],
        grams: [60, 450],
        variants: { kind: 'option', key: 'size', values: ['10 ml', '50 ml', '100 ml'], step: 2500 },
        attrs: { volumeMl: [10, 50, 100], family: ['woody', 'fresh', 'floral', 'oriental'] },
        features: [
          'Opens bright and dries down warm.',
          'Lasts from morning coffee to dinner.',
          'Blended in small batches.',
        ],
      },
      {
        handle: 'bath-body',
        name: 'Bath & Body',
        sku: 'BTH',
        styles: ['Oatmeal', 'Lavender', 'Eucalyptus', 'Shea Butter', 'Charcoal'],
        nouns: ['Body Wash', 'Bar Soap', 'Body Lotion', 'Bath Salts', 'Hand Cream', 'Body Scrub'],
        price: [599, 3499],
        grams: [100, 700],
        variants: { kind: 'single' },
        attrs: { vegan: [true, false], volumeMl: [100, 250, 400] },
        features: [
          'Rich lather that rinses clean.',
          'Cold-processed to keep the good oils.',
          'Plastic-free packaging.',
        ],
      },
      {
        handle: 'shaving',
        name: 'Shaving & Grooming',
        sku: 'SHV',
        styles: ['Safety', 'Sandalwood', 'Bamboo', 'Stainless', 'Sensitive'],
        nouns: ['Razor', 'Shaving Cream', 'Beard Oil', 'Shaving Brush', 'Grooming Kit', 'Aftershave Balm'],
        price: [899, 8999],
        grams: [50, 600],
        variants: { kind: 'single' },
        attrs: { refillable: [true, false] },
        features: [
          'A close shave with less irritation.',
          'Weighted for a steady hand.',
          'Refills ship in recyclable tins.',
        ],
      },
    ],
  },
  {
    handle: 'toys-games',
    name: 'Toys & Games',
    adjectives: ['Classic', 'Deluxe', 'Junior', 'Family', 'Wooden', 'Creative', 'Pocket', 'Giant'],
    benefits: [
      'hours of screen-free fun',
      'made to be played with, again and again',
      'a favourite for family game night',
      'sparks curiosity and imagination',
    ],
    palette: ['#ff595e', '#ffca3a', '#8ac926', '#1982c4', '#6a4c93', '#ff924c'],
    brands: [
      'Tinker Harbor',
      'Puzzleworks Guild',
      'Little Lantern',
      'Brickhaven',
      'Marble & Moss Games',
      'Wonderkite',
    ],
    subs: [
      {
        handle: 'building-sets',
        name: 'Building Sets',
        sku: 'BLD',
        styles: ['Castle', 'Space Station', 'City Train', 'Pirate Ship', 'Robot', 'Treehouse'],
        nouns: ['Building Set', 'Brick Kit', 'Construction Set', 'Engineering Kit'],
        price: [1499, 14999],
        grams: [300, 3000],
        variants: { kind: 'single' },
        attrs: { pieces: [150, 320, 640, 1200, 2400], ageMin: [4, 6, 8, 12] },
        features: [
          'Compatible with the bricks you already own.',
          'Step-by-step picture instructions.',
          'Builds three different models.',
        ],
      },
      {
        handle: 'board-games',
        name: 'Board Games',
        sku: 'BRD',
        styles: ['Strategy', 'Cooperative', 'Trivia', 'Word', 'Party', 'Deduction'],
        nouns: ['Board Game', 'Card Game', 'Dice Game', 'Tile Game'],
        price: [1299, 6999],
        grams: [300, 2500],
        variants: { kind: 'single' },
        attrs: {
          players: ['1-4', '2-4', '2-6', '3-8'],
          playMinutes: [15, 30, 45, 90],
          ageMin: [6, 8, 10, 14],
        },
        features: [
          'Learn the rules in five minutes.',
          'Every game plays out differently.',
          'Includes a solo mode.',
        ],
      },
      {
        handle: 'puzzles',
        name: 'Puzzles',
        sku: 'PZL',
        styles: ['Landscape', 'Botanical', 'Map', 'Gradient', 'Vintage Poster', 'Wildlife'],
        nouns: ['Jigsaw Puzzle', 'Wooden Puzzle', '3D Puzzle', 'Puzzle Box'],
        price: [999, 4999],
        grams: [300, 1500],
        variants: { kind: 'option', key: 'pieces', values: ['500', '1000', '1500'], step: 500 },
        attrs: { ageMin: [8, 10, 12] },
        features: [
          'Thick, snug-fitting pieces with a linen finish.',
          'A poster of the image is in the box.',
          'Printed with plant-based inks.',
        ],
      },
      {
        handle: 'plush-toys',
        name: 'Plush Toys',
        sku: 'PLS',
        styles: ['Bear', 'Bunny', 'Fox', 'Dinosaur', 'Whale', 'Owl'],
        nouns: ['Plush Toy', 'Cuddly Toy', 'Sleep Buddy', 'Hand Puppet'],
        price: [999, 4999],
        grams: [100, 800],
        variants: { kind: 'option', key: 'size', values: ['Small', 'Medium', 'Large'], step: 700 },
        attrs: { machineWashable: [true, false], ageMin: [0, 1, 3] },
        features: [
          'Super-soft and safe from birth.',
          'Embroidered eyes, no small parts.',
          'Survives the washing machine.',
        ],
      },
      {
        handle: 'outdoor-play',
        name: 'Outdoor Play',
        sku: 'OPL',
        styles: ['Kite', 'Bubble', 'Water', 'Garden', 'Balance'],
        nouns: ['Play Set', 'Kit', 'Launcher', 'Explorer Set', 'Board'],
        price: [799, 9999],
        grams: [150, 5000],
        variants: { kind: 'single' },
        attrs: { ageMin: [3, 5, 7], outdoorOnly: [true, false] },
        features: [
          'Gets kids outside and moving.',
          'Weather-resistant materials.',
          'Folds flat for storage.',
        ],
      },
    ],
  },
  {
    handle: 'books-stationery',
    name: 'Books & Stationery',
    adjectives: [
      'Pocket',
      'Hardcover',
      'Softcover',
      'Refillable',
      'Weekly',
      'Premium',
      'Recycled',
      'Illustrated',
    ],
    benefits: [
      'a joy to write in',
      'made for planners, sketchers and list-makers',
      'printed on thick, fountain-pen friendly paper',
      'small enough for a coat pocket',
    ],
    palette: ['#22223b', '#4a4e69', '#9a8c98', '#c9ada7', '#f2e9e4', '#bc6c25'],
    brands: [
      'Inkwell & Quire',
      'Paperfox',
      'Ledgerline',
      'Graphite Grove',
      'Foxglove Press',
      'Margin Studio',
    ],
    subs: [
      {
        handle: 'notebooks',
        name: 'Notebooks',
        sku: 'NTB',
        styles: ['Dotted', 'Lined', 'Grid', 'Blank', 'Linen-Bound'],
        nouns: ['Notebook', 'Journal', 'Sketchbook', 'Field Notes Set', 'Reporter Pad'],
        price: [699, 3999],
        grams: [80, 600],
        variants: { kind: 'colours' },
        attrs: { pages: [96, 160, 192, 240], paperGsm: [80, 100, 120], format: ['A5', 'A6', 'B5'] },
        features: [
          'Lies flat on the desk.',
          'Numbered pages and an index.',
          'No ghosting with fountain pens.',
        ],
      },
      {
        handle: 'pens-pencils',
        name: 'Pens & Pencils',
        sku: 'PEN',
        styles: ['Fountain', 'Gel', 'Ballpoint', 'Mechanical', 'Graphite'],
        nouns: ['Pen', 'Pencil Set', 'Brush Pen', 'Marker Set', 'Pen Refills'],
        price: [499, 9999],
        grams: [10, 250],
        variants: { kind: 'colours' },
        attrs: { tipMm: [0.3, 0.5, 0.7, 1], refillable: [true, false] },
        features: [
          'Smooth, skip-free lines.',
          'Quick-drying ink that does not smudge.',
          'A balanced metal barrel.',
        ],
      },
      {
        handle: 'planners',
        name: 'Planners & Calendars',
        sku: 'PLN',
        styles: ['Undated', 'Academic', 'Goal-Setting', 'Daily', 'Wall'],
        nouns: ['Planner', 'Desk Calendar', 'Habit Tracker', 'Weekly Pad', 'Wall Calendar'],
        price: [999, 4499],
        grams: [120, 800],
        variants: { kind: 'single' },
        attrs: { dated: [true, false], pages: [120, 200, 280] },
        features: [
          'Monthly and weekly spreads in one book.',
          'Start any time of year.',
          'Goal pages for every quarter.',
        ],
      },
      {
        handle: 'art-supplies',
        name: 'Art Supplies',
        sku: 'ART',
        styles: ['Watercolour', 'Gouache', 'Acrylic', 'Charcoal', 'Pastel'],
        nouns: ['Paint Set', 'Sketching Kit', 'Brush Set', 'Paper Pad', 'Easel'],
        price: [999, 12999],
        grams: [150, 3000],
        variants: { kind: 'option', key: 'set', values: ['12 pieces', '24 pieces', '48 pieces'], step: 1500 },
        attrs: { professionalGrade: [true, false], nonToxic: [true, false] },
        features: [
          'Rich pigments that blend beautifully.',
          'Comes in a travel tin.',
          'Lightfast colours that will not fade.',
        ],
      },
      {
        handle: 'cookbooks',
        name: 'Cookbooks',
        sku: 'CKB',
        styles: ['Weeknight', 'Plant-Based', 'Baking', 'One-Pot', 'Mediterranean', 'Fermentation'],
        nouns: ['Cookbook', 'Recipe Collection', 'Kitchen Handbook', 'Cooking Guide'],
        price: [1499, 4999],
        grams: [400, 1400],
        variants: { kind: 'single' },
        attrs: { pages: [192, 256, 320, 400], recipes: [60, 80, 100, 120] },
        features: [
          'Recipes tested in home kitchens.',
          'Every dish is photographed.',
          'Shopping lists at the back.',
        ],
      },
    ],
  },
];

/** Rounds to a price ending in 99 cents, at least `min`. */
function price99(amount: number, min = 499): number {
  return Math.max(min, Math.round(amount / 100) * 100 - 1);
}

/** An EAN-13 in the restricted-circulation range 200–299 (not a real product code). */
function ean13(n: number): string {
  const body = `200${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (const [i, d] of [...body].entries()) sum += Number(d) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function initials(title: string): string {
  return title
    .split(/[\s-]+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

/** A simple 400×400 SVG (background, a shape, the initials) as a data URL (~600–900 chars). */
export function svgDataUrl(text: string, background: string, accent: string, shape: number): string {
  const shapes = [
    `<circle cx='200' cy='175' r='105' fill='${accent}'/>`,
    `<rect x='95' y='70' width='210' height='210' rx='36' fill='${accent}'/>`,
    `<polygon points='200,60 320,280 80,280' fill='${accent}'/>`,
  ];
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'>` +
    `<rect width='400' height='400' fill='${background}'/>${shapes[shape % shapes.length]}` +
    `<text x='200' y='355' font-family='Helvetica,Arial,sans-serif' font-size='56' font-weight='700' ` +
    `text-anchor='middle' fill='#ffffff'>${text}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Generates the demo catalog; the same `seed` always gives the same catalog. */
export function generateDemoCatalog(seed = DEMO_SEED, count = DEMO_PRODUCT_COUNT): DemoCatalog {
  const r = mulberry32(seed);
  const brands: DemoBrand[] = [];
  const categories: DemoCategory[] = [];
  for (const [d, dept] of DEPARTMENTS.entries()) {
    categories.push({ handle: dept.handle, name: dept.name, parent: null, position: d });
    for (const [s, sub] of dept.subs.entries())
      categories.push({ handle: sub.handle, name: sub.name, parent: dept.handle, position: s });
    for (const name of dept.brands) brands.push({ handle: slugify(name), name });
  }

  const subs = DEPARTMENTS.flatMap((dept) => dept.subs.map((sub) => ({ dept, sub })));
  const products: DemoProduct[] = [];
  const titles = new Set<string>();
  const seqBySub = new Map<string, number>();
  let barcodes = 0;

  for (let i = 0; i < count; i++) {
    const { dept, sub } = subs[i % subs.length] as (typeof subs)[number];
    const seq = (seqBySub.get(sub.handle) ?? 0) + 1;
    seqBySub.set(sub.handle, seq);
    const brandName = pick(r, dept.brands);

    // A title not used yet: adjective + style + noun, a model number when every try collides.
    let style = '';
    let title = '';
    for (let attempt = 0; attempt < 12 && (title === '' || titles.has(title)); attempt++) {
      style = pick(r, sub.styles);
      title = `${pick(r, dept.adjectives)} ${style} ${pick(r, sub.nouns)}`;
    }
    if (titles.has(title)) title = `${title} ${seq}`;
    titles.add(title);

    const attributes: Record<string, AttrValue> = {};
    if (sub.styleAttr) attributes[sub.styleAttr] = style.toLowerCase();
    for (const [key, values] of Object.entries(sub.attrs)) attributes[key] = pick(r, values);

    // Prices spread log-uniformly over the subcategory's range.
    const [lo, hi] = sub.price;
    const base = price99(lo * Math.pow(hi / lo, r()));
    const onSale = r() < 0.3;
    const markup = 1.15 + r() * 0.45;
    const grams = Math.round(int(r, sub.grams[0], sub.grams[1]) / 5) * 5;
    const code = `${sub.sku}-${String(seq).padStart(4, '0')}`;

    const rows: Array<{ sku: string; options: Record<string, string>; amount: number }> = [];
    let colours: Colour[] = [];
    const spec = sub.variants;
    if (spec.kind === 'sizes' || spec.kind === 'colours') {
      colours = some(r, COLOURS, int(r, 1, 3));
      const sizes = spec.kind === 'sizes' ? spec.sizes : [undefined];
      for (const colour of colours)
        for (const size of sizes)
          rows.push({
            sku: size ? `${code}-${size}-${colour.code}` : `${code}-${colour.code}`,
            options: size ? { size, colour: colour.name } : { colour: colour.name },
            amount: base,
          });
    } else if (spec.kind === 'option') {
      const n = int(r, 1, 3);
      const start = int(r, 0, spec.values.length - n);
      for (const [k, value] of spec.values.slice(start, start + n).entries())
        rows.push({
          sku: `${code}-${value.toUpperCase().replace(/[^A-Z0-9]+/g, '')}`,
          options: { [spec.key]: value },
          amount: base + k * spec.step,
        });
    } else {
      rows.push({ sku: code, options: {}, amount: base });
    }
    // A size in ml (e.g. "500 ml", "1 l") is also the attribute, taken from the smallest variant.
    const ml = /^(\d+) (ml|l)$/.exec(Object.values(rows[0]?.options ?? {})[0] ?? '');
    for (const key of ['capacityMl', 'volumeMl'])
      if (ml && key in attributes) attributes[key] = Number(ml[1]) * (ml[2] === 'l' ? 1000 : 1);
    const variants: CreateVariantInput[] = rows.map((row, position) => ({
      sku: row.sku,
      options: row.options,
      price: { amount: row.amount, currency: 'USD' },
      compareAtPrice: onSale ? { amount: price99(row.amount * markup), currency: 'USD' } : null,
      weightGrams: grams,
      barcode: ean13(++barcodes),
      position,
    }));

    const sentences = [`${brandName}'s ${title.toLowerCase()}: ${pick(r, dept.benefits)}.`];
    if (r() < 0.8) sentences.push(pick(r, sub.features));
    if (colours.length > 0) sentences.push(`Available in ${listWords(colours.map((c) => c.name))}.`);
    else if (r() < 0.5)
      sentences.push(
        pick(
          r,
          sub.features.filter((f) => f !== sentences[1]),
        ),
      );

    const background = pick(r, dept.palette);
    const accent = colours[0]?.hex ?? pick(r, COLOURS).hex;
    const mark = initials(title);
    const images = [{ url: svgDataUrl(mark, background, accent, int(r, 0, 2)), alt: title }];
    if (r() < 0.5) {
      images.push({
        url: svgDataUrl(sub.sku, accent, background, int(r, 0, 2)),
        alt: `${title}, detail`,
      });
    }

    products.push({
      handle: slugify(`${title} ${code}`),
      title,
      description: sentences.join(' '),
      status: r() < 0.02 ? 'draft' : 'active',
      brand: slugify(brandName),
      categories: [sub.handle],
      attributes,
      images,
      variants,
    });
  }
  return { brands, categories, products };
}

let cached: DemoCatalog | undefined;

/** The demo catalog (generated once per process). */
export function demoCatalog(): DemoCatalog {
  cached ??= generateDemoCatalog();
  return cached;
}

/** A demo product as a create body, with brand and category handles resolved to ids. */
export function toCreateInput(
  p: DemoProduct,
  brandIds: ReadonlyMap<string, string>,
  categoryIds: ReadonlyMap<string, string>,
): CreateProductInput {
  const { brand, categories, ...body } = p;
  return {
    ...body,
    brandId: brandIds.get(brand) ?? null,
    categoryIds: categories.flatMap((h) => categoryIds.get(h) ?? []),
  };
}
