import { categoryColumn, numberColumn, table, type Table } from '../data/table.js';
import { Random } from '../random.js';
import { pick } from './aggregates.js';

/**
 * Synthetic customer table with engagement metrics and a premium-membership flag whose log-odds are
 * a known linear function of income level and engagement, so classifiers can be checked for
 * recovering it. Premium is a 0/1 number column.
 */
export const PREMIUM_TRUTH = {
  intercept: -3,
  /** Added to the log-odds per income level (Low is the reference). */
  income: { Low: 0, Medium: 1, High: 2 } as const,
  /** Per unit of the 0..1 e-mail open rate. */
  emailEngagement: 2.5,
  /** Per unit of the 0..1 social engagement score. */
  socialEngagement: 1.5,
} as const;

export type IncomeLevel = keyof typeof PREMIUM_TRUTH.income;

export interface CustomersTruth {
  readonly coefficients: typeof PREMIUM_TRUTH;
  /** The premium probability each row was drawn with. */
  readonly probability: Float64Array;
}

export function premiumLogit(income: IncomeLevel, emailEngagement: number, socialEngagement: number): number {
  const t = PREMIUM_TRUTH;
  return t.intercept + t.income[income] + t.emailEngagement * emailEngagement + t.socialEngagement * socialEngagement;
}

/**
 * `syntheticCustomers({ rows: 5000, seed: 1 })` → columns customer_id, age, gender, income_level,
 * purchases, avg_order_value, email_engagement, social_engagement, satisfaction (1-5), premium (0/1).
 */
export function syntheticCustomers(options: { rows?: number; seed?: number } = {}): { table: Table; truth: CustomersTruth } {
  const { rows = 5000, seed = 42 } = options;
  const rng = new Random(seed);
  const levels: IncomeLevel[] = ['Low', 'Medium', 'High'];
  const incomeShares = [{ share: 0.4 }, { share: 0.4 }, { share: 0.2 }];
  const genderShares = [{ share: 0.49 }, { share: 0.48 }, { share: 0.03 }];
  const genders = ['Female', 'Male', 'Other'];
  const age = new Float64Array(rows);
  const gender: string[] = [];
  const income: string[] = [];
  const purchases = new Float64Array(rows);
  const aov = new Float64Array(rows);
  const email = new Float64Array(rows);
  const social = new Float64Array(rows);
  const satisfaction = new Float64Array(rows);
  const premium = new Float64Array(rows);
  const probability = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    age[i] = Math.round(Math.min(80, Math.max(18, rng.normal(41, 13))));
    gender.push(genders[pick(rng, genderShares)]);
    const level = levels[pick(rng, incomeShares)];
    income.push(level);
    email[i] = round(rng.beta(2, 5), 3);
    social[i] = round(rng.beta(1.5, 4), 3);
    // Engaged customers buy more often; richer ones spend more per order.
    purchases[i] = rng.poisson(2 + 10 * email[i]);
    aov[i] = round(40 * Math.exp(0.3 * PREMIUM_TRUTH.income[level] + rng.normal(0, 0.4)), 2);
    satisfaction[i] = Math.min(5, Math.max(1, Math.round(rng.normal(3.2 + 1.5 * social[i], 0.9))));
    const p = 1 / (1 + Math.exp(-premiumLogit(level, email[i], social[i])));
    probability[i] = p;
    premium[i] = rng.uniform() < p ? 1 : 0;
  }
  return {
    table: table([
      categoryColumn('customer_id', Array.from({ length: rows }, (_, i) => `U${String(i + 1).padStart(6, '0')}`)),
      numberColumn('age', age),
      categoryColumn('gender', gender),
      categoryColumn('income_level', income),
      numberColumn('purchases', purchases),
      numberColumn('avg_order_value', aov),
      numberColumn('email_engagement', email),
      numberColumn('social_engagement', social),
      numberColumn('satisfaction', satisfaction),
      numberColumn('premium', premium),
    ]),
    truth: { coefficients: PREMIUM_TRUTH, probability },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
