import type { FittedModel } from '../models/estimator.js';
import type { Table } from '../data/table.js';
import type { TransactionLog } from '../clv/summary.js';

/** One input column of a saved model, so a caller (or the service's request schema) knows what to send. */
export interface FeatureSpec {
  name: string;
  type: 'number' | 'category' | 'date';
  /** e.g. 'days', 'orders', the currency code, 'share'. */
  unit?: string;
}

/** One purchase of a customer's history: same-day purchases are one transaction, as in the CLV models. */
export interface PurchaseRecord {
  /** 'YYYY-MM-DD' or an ISO timestamp. */
  date: string;
  /** Net value of the purchase; omit for a log of dates only. */
  amount?: number;
  /** Order id, so several orders on one day count as several orders for RFM frequency. */
  order_id?: string;
  /** Units bought (the `items` feature). */
  items?: number;
  /** Product codes bought (the `distinct_products` feature). */
  products?: string[];
  /** Ship-to country (the `main_country` feature: the most frequent). */
  country?: string;
}

/** One customer as `score` and the service receive them: aggregates, a history, or both. */
export interface CustomerRecord {
  customer_id: string;
  /** Per-customer features by the names of customers.csv (recency_days, frequency, monetary, ...). */
  features?: Record<string, number | string | null>;
  purchases?: PurchaseRecord[];
}

/** What a scorer needs of each customer. */
export interface ScorerInputs {
  /** Features read from `features` (or, for the ones a history defines, derived from `purchases`). */
  features: FeatureSpec[];
  /** Whether purchases are needed (CLV scores) or merely used when present. */
  purchases: 'required' | 'optional' | 'unused';
}

/** Customers ready to score, columnar: row i of `features` and customer i of `log` are ids[i]. */
export interface CustomerInput {
  ids: string[];
  features: Table;
  /** Purchases, customer index = row; null when no history was given. */
  log: TransactionLog | null;
  /** Last observed day (inclusive), in days since the Unix epoch; recency counts to the day after. */
  observationEnd: number;
}

/** Scores, one column per output, one row per input customer (null where a score cannot be given). */
export interface ScoreTable {
  names: string[];
  columns: (string | number | null)[][];
  /** Why a whole output column is blank, by column name. */
  notes: Record<string, string>;
}

/** A saved model that scores customers: every kind `score` and the service accept. */
export interface Scorer extends FittedModel {
  readonly inputs: ScorerInputs;
  score(input: CustomerInput): ScoreTable;
}
