import type { Pool } from '@shopstack/kit';

type Seed = readonly [sku: string, name: string, category: string, priceCents: number, description: string];

const demo: readonly Seed[] = [
  ['MUG-001', 'Stoneware Coffee Mug', 'kitchen', 1400, 'A 350 ml glazed stoneware mug that keeps coffee warm.'],
  ['MUG-002', 'Insulated Travel Mug', 'kitchen', 2600, 'Double-walled steel mug for coffee or tea on the go.'],
  ['KET-001', 'Gooseneck Kettle', 'kitchen', 5900, 'Pour-over kettle with a precise gooseneck spout.'],
  ['GRN-001', 'Burr Coffee Grinder', 'kitchen', 8900, 'Conical burr grinder with 30 grind settings.'],
  ['PAN-001', 'Cast Iron Skillet', 'kitchen', 3900, 'Pre-seasoned 26 cm cast iron pan for searing.'],
  ['TSH-001', 'Organic Cotton T-Shirt', 'apparel', 2200, 'Soft crew-neck tee made of organic cotton.'],
  ['HOO-001', 'Fleece Hoodie', 'apparel', 4900, 'Warm brushed fleece hoodie with a kangaroo pocket.'],
  ['SCK-001', 'Merino Hiking Socks', 'apparel', 1800, 'Cushioned merino wool socks for long hikes.'],
  ['CAP-001', 'Canvas Baseball Cap', 'apparel', 1900, 'Adjustable washed canvas cap.'],
  ['JKT-001', 'Packable Rain Jacket', 'apparel', 8900, 'Waterproof breathable jacket that packs into its pocket.'],
  ['BKP-001', 'Daypack 20L', 'outdoor', 6900, 'Light 20 litre backpack with a laptop sleeve.'],
  ['BTL-001', 'Steel Water Bottle', 'outdoor', 2400, 'Vacuum-insulated bottle keeps water cold for 24 hours.'],
  ['TNT-001', 'Two-Person Tent', 'outdoor', 19900, 'Freestanding three-season tent for two.'],
  ['LMP-001', 'Rechargeable Headlamp', 'outdoor', 3400, 'USB-C headlamp with 400 lumen beam.'],
  ['KBD-001', 'Mechanical Keyboard', 'electronics', 11900, 'Tenkeyless keyboard with hot-swappable switches.'],
  ['MOU-001', 'Wireless Mouse', 'electronics', 3900, 'Quiet wireless mouse with a 70-day battery.'],
  ['HPH-001', 'Noise-Cancelling Headphones', 'electronics', 24900, 'Over-ear headphones with active noise cancelling.'],
  ['CHG-001', 'USB-C Charger 65W', 'electronics', 4500, 'Compact GaN charger for laptops and phones.'],
  ['BOK-001', 'Distributed Systems Notebook', 'books', 1500, 'Dotted notebook for sketching sagas and outboxes.'],
  ['BOK-002', 'Cookbook: One Pan Dinners', 'books', 2900, 'Seventy weeknight recipes for a single skillet.'],
];

/** Inserts the demo catalog when there are no products yet; returns how many rows it added. */
export async function seedDemoCatalog(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
  if ((rows[0]?.n ?? 0) > 0) return 0;
  const values = demo.map(
    (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, 'USD', $${i * 5 + 5})`,
  );
  const params = demo.flat();
  await pool.query(
    `INSERT INTO products (sku, name, category, price_cents, currency, description) VALUES ${values.join(', ')}`,
    params,
  );
  return demo.length;
}
