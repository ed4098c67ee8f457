const formats = new Map<string, Intl.NumberFormat>();

/** Integer minor units as the currency's amount, e.g. 1400 USD → $14.00. */
export function money(cents: number, currency: string): string {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format.format(cents / 100);
}
