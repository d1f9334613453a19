import { cellValue } from '../data/table.js';
import type { CustomerInput, CustomerRecord, PurchaseRecord } from './contract.js';

const DAY_MS = 86_400_000;

/**
 * Customers ready to score, back as the records a client sends (the inverse of recordsToInput): every feature by
 * name, dates as ISO timestamps, and each purchase day of the log with its value. Posting these to the service
 * scores the customers exactly as `score` scores the file they came from.
 */
export function inputToRecords(input: CustomerInput): CustomerRecord[] {
  const purchases: PurchaseRecord[][] = input.ids.map(() => []);
  if (input.log) {
    const { customer, days, amount } = input.log;
    for (let k = 0; k < customer.length; k++) {
      const p: PurchaseRecord = { date: new Date(days[k] * DAY_MS).toISOString().slice(0, 10) };
      if (amount) p.amount = amount[k];
      purchases[customer[k]].push(p);
    }
  }
  return input.ids.map((id, i) => {
    const features: Record<string, string | number | null> = {};
    for (const c of input.features.columns) {
      const v = cellValue(c, i);
      features[c.name] = c.kind === 'date' && typeof v === 'number' ? new Date(v).toISOString() : v;
    }
    return { customer_id: id, features, ...(purchases[i].length ? { purchases: purchases[i] } : {}) };
  });
}
