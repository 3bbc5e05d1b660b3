import type { Order } from '@mercato/contracts';
import PDFDocument from 'pdfkit';
import type { ShopSettings } from '../settings/shop-settings.ts';

/** Minor units as a decimal amount with its currency (2 decimals; "12.50 USD"). */
export function formatMoney(m: { amount: number; currency: string }): string {
  const sign = m.amount < 0 ? '-' : '';
  const abs = Math.abs(m.amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${m.currency}`;
}

// The PDF's standard fonts (Helvetica) encode WinAnsi only: characters outside it are
// replaced so a customer's name in another script never breaks the document.
const printable = (s: string) => s.replace(/[^\x20-\x7E\u00A0-\u00FF\u20AC]/g, '?');

/**
 * The invoice of an order as a PDF (pdfkit, standard fonts): the shop's details from
 * settings, the order number and date, billing and shipping addresses, every line with its
 * quantity, unit price, discounts and tax, and the totals. Built in memory.
 */
export function renderInvoice(order: Order, shop: ShopSettings['profile'], issuedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Invoice ${order.number}`, Author: printable(shop.name), CreationDate: issuedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const t = (s: string) => printable(s);

  doc.font('Helvetica-Bold').fontSize(18).text(t(shop.name));
  doc.font('Helvetica').fontSize(9);
  for (const line of [shop.address, shop.supportEmail, shop.phone, shop.taxId && `Tax ID: ${shop.taxId}`]) {
    if (line) doc.text(t(line));
  }
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(14).text(`Invoice ${order.number}`);
  doc.font('Helvetica').fontSize(9);
  doc.text(`Order date: ${order.createdAt.slice(0, 10)}`);
  doc.text(`Issued: ${issuedAt.toISOString().slice(0, 10)}`);
  doc.text(`Status: ${order.status}`);
  doc.moveDown();

  const address = (title: string, a: Order['shippingAddress']) => {
    doc.font('Helvetica-Bold').text(title);
    doc.font('Helvetica');
    for (const l of [
      a.name,
      a.company,
      a.line1,
      a.line2,
      [a.postalCode, a.city].filter(Boolean).join(' '),
      a.region,
      a.country,
    ]) {
      if (l) doc.text(t(l));
    }
  };
  address('Bill to', order.billingAddress ?? order.shippingAddress);
  doc.moveDown(0.5);
  address('Ship to', order.shippingAddress);
  doc.text(`Shipping: ${t(order.shippingMethod.name)}`);
  doc.moveDown();

  const cols = { sku: 50, title: 130, qty: 320, unit: 360, discount: 430, tax: 500 };
  const row = (cells: Record<keyof typeof cols, string>, bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    for (const [k, x] of Object.entries(cols) as Array<[keyof typeof cols, number]>) {
      doc.text(cells[k], x, y, { width: k === 'title' ? 185 : 70, lineBreak: k === 'title' });
    }
    doc.x = 50;
    doc.moveDown(0.3);
  };
  row({ sku: 'SKU', title: 'Item', qty: 'Qty', unit: 'Unit price', discount: 'Discount', tax: 'Tax' }, true);
  for (const l of order.lines) {
    row({
      sku: t(l.sku),
      title: t(l.title),
      qty: String(l.quantity),
      unit: formatMoney(l.unitPrice),
      discount: l.discountTotal.amount
        ? formatMoney({ ...l.discountTotal, amount: -l.discountTotal.amount })
        : '',
      tax: formatMoney(l.tax),
    });
  }
  doc.moveDown();
  const totals: Array<[string, { amount: number; currency: string }]> = [
    ['Subtotal', order.totals.subtotal],
    ['Discounts', { ...order.totals.discount, amount: -order.totals.discount.amount }],
    ['Shipping', order.totals.shipping],
    ['Tax', order.totals.tax],
    ['Total', order.totals.total],
  ];
  if (order.totals.refunded.amount > 0) totals.push(['Refunded', order.totals.refunded]);
  for (const [label, m] of totals) {
    const y = doc.y;
    doc.font(label === 'Total' ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(`${label}:`, 360, y, { width: 80 });
    doc.text(formatMoney(m), 440, y, { width: 110, align: 'right' });
  }
  doc.end();
  return done;
}
