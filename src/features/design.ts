import { InputError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { columnLength, type Column, type Table } from '../data/table.js';

/**
 * The design matrix: turns a customer table into the numeric matrix every model fits on,
 * and records each step so new customers can be scored with exactly the training transform.
 *
 * Per numeric column, in order: impute missing values with the training median, optionally log1p,
 * then centre and scale. Categorical columns become one indicator column per level (not scaled),
 * like scikit-learn's OneHotEncoder next to a StandardScaler/RobustScaler in a ColumnTransformer.
 */

export interface DesignOptions {
  /** Use only these columns (identifier and date checks are skipped for them). */
  include?: string[];
  /** Drop these columns. */
  exclude?: string[];
  /** 'auto' (default): log1p non-negative columns with skewness above LOG1P_SKEW_THRESHOLD; or explicit column names. */
  log1p?: 'auto' | 'none' | string[];
  /** 'standard' (default): mean and population SD; 'robust': median and IQR; 'none'. */
  scaling?: 'standard' | 'robust' | 'none';
  /** One-hot encode categorical columns (default true); false drops them. */
  oneHot?: boolean;
  /**
   * 'indicator' (default): each level's 0/1 indicator as is, like OneHotEncoder. 'column': the
   * indicator block is scaled so the column's total variance is 1, so a categorical column weighs
   * as much in a distance as one standardised number, however many levels it has.
   */
  categoryWeight?: 'indicator' | 'column';
  /**
   * Also skip columns that cannot describe behaviour, judged from their values (and names where
   * the values are ambiguous): near-constant, row numbers and other unique integers, and numbers
   * that are codes (RFM digit codes, postcodes, phone numbers). Default false; segmentation sets it.
   */
  strict?: boolean;
}

/** Why a column was left out of the design. */
export interface Exclusion {
  readonly column: string;
  readonly reason: string;
}

export type Scaling = 'standard' | 'robust' | 'none';

export interface NumericStep {
  readonly column: string;
  readonly kind: 'number';
  /** Value substituted for missing entries (training median, before log1p). */
  readonly impute: number;
  readonly log1p: boolean;
  readonly center: number;
  readonly scale: number;
  readonly feature: string;
}

export interface OneHotStep {
  readonly column: string;
  readonly kind: 'category';
  readonly levels: readonly string[];
  readonly features: readonly string[];
  /** Value of an indicator that is on (1 when absent, as in models saved before weighting existed). */
  readonly weight?: number;
}

export type DesignStep = NumericStep | OneHotStep;

/** JSON-serialisable record of the fitted transform. */
export interface DesignTransform {
  readonly version: 1;
  readonly scaling: Scaling;
  readonly steps: readonly DesignStep[];
  readonly featureNames: readonly string[];
}

export interface Design {
  matrix: Matrix;
  featureNames: string[];
  transform: DesignTransform;
  /** Human-readable record of every choice made, e.g. "log1p on Total_Spend (skewness 2.30)". */
  notes: string[];
  /** Columns left out, each with its reason (also in notes). */
  excluded: Exclusion[];
}

/**
 * Sample skewness (Fisher-Pearson, biased, as scipy.stats.skew) above which 'auto' applies log1p.
 * 1 is the conventional boundary of "highly skewed" (Bulmer 1979); spend and count columns of
 * real customers are usually 2-10, while roughly symmetric columns (age, rating) stay well below.
 */
export const LOG1P_SKEW_THRESHOLD = 1;

/** Categorical columns with more levels than this are dropped rather than one-hot encoded into a wide, sparse block. */
export const MAX_ONE_HOT_LEVELS = 50;

const ID_NAME = /(^|[_\s.-])id$|^id([_\s.-]|$)|[a-z]ID$|^(customer|client|user|order|invoice)(no|number|key)$/i;

export function fitDesign(t: Table, options: DesignOptions = {}): Design {
  const scaling = options.scaling ?? 'standard';
  const oneHot = options.oneHot ?? true;
  const log1pOption = options.log1p ?? 'auto';
  const notes: string[] = [];
  if (!['standard', 'robust', 'none'].includes(scaling)) {
    throw new InputError('design-scaling', `Unknown scaling "${scaling}"`, 'Use standard, robust or none');
  }
  for (const name of [...(options.include ?? []), ...(options.exclude ?? []), ...(Array.isArray(log1pOption) ? log1pOption : [])]) {
    requireColumn(t, name, 'the data');
  }
  if (t.rows === 0) throw new InputError('design-empty', 'The table has no rows to build features from');

  const excluded = new Set(options.exclude ?? []);
  const explicit = options.include !== undefined;
  const candidates = explicit ? options.include!.map((n) => requireColumn(t, n, 'the data')) : t.columns.filter((c) => !excluded.has(c.name));

  const steps: DesignStep[] = [];
  const excludedColumns: Exclusion[] = [];
  const skip = (column: string, reason: string): void => {
    excludedColumns.push({ column, reason });
    notes.push(`${column} skipped: ${reason}`);
  };
  for (const c of candidates) {
    if (c.kind === 'date') {
      skip(c.name, 'date columns need a derived number first (e.g. days since)');
      continue;
    }
    if (!explicit && isIdentifier(c, t.rows)) {
      skip(c.name, 'identifier-like (unique per row)');
      continue;
    }
    // One sort of a numeric column's values serves both the usability checks and the fit.
    const sorted = c.kind === 'number' ? sortedPresent(c.values) : null;
    const unusable = !explicit && options.strict ? unusableReason(c, sorted) : null;
    if (unusable) {
      skip(c.name, unusable);
      continue;
    }
    if (c.kind === 'number') {
      const step = fitNumeric(c, sorted as Float64Array, scaling, log1pOption, notes);
      if (step) steps.push(step);
    } else if (!oneHot) {
      skip(c.name, 'categorical and one-hot encoding is off');
    } else if (c.levels.length > MAX_ONE_HOT_LEVELS && !explicit) {
      skip(c.name, `${c.levels.length} levels is more than ${MAX_ONE_HOT_LEVELS} to one-hot encode`);
    } else {
      steps.push(fitOneHot(c, options.categoryWeight ?? 'indicator', notes));
    }
  }
  if (steps.length === 0) {
    throw new InputError('design-no-features', 'No usable feature columns were found', 'Pass numeric or categorical columns with --features');
  }
  if (scaling !== 'none') notes.push(scaling === 'standard' ? 'numeric columns standardised (mean 0, SD 1)' : 'numeric columns robust-scaled (median 0, IQR 1)');

  const featureNames = steps.flatMap((s) => (s.kind === 'number' ? [s.feature] : [...s.features]));
  const transform: DesignTransform = { version: 1, scaling, steps, featureNames };
  return { matrix: applyDesign(transform, t), featureNames, transform, notes, excluded: excludedColumns };
}

/** Apply a fitted transform to new rows (scoring); throws InputError naming a missing or mistyped column. */
export function applyDesign(transform: DesignTransform, t: Table): Matrix {
  const p = transform.featureNames.length;
  const n = t.rows;
  const data = new Float64Array(n * p);
  let j = 0;
  for (const step of transform.steps) {
    const c = requireColumn(t, step.column, 'the data to score');
    if (step.kind === 'number') {
      if (c.kind !== 'number') {
        throw new InputError('design-column-type', `Column "${c.name}" must be numeric, as when the model was fitted`, 'Check the column holds numbers');
      }
      const v = c.values;
      for (let i = 0; i < n; i++) {
        let x = Number.isNaN(v[i]) ? step.impute : v[i];
        if (step.log1p) {
          if (x < 0) {
            throw new InputError('design-negative', `Column "${c.name}" has a negative value (${x}) in row ${i + 1}, but is log-transformed`, 'Fix or drop negative values');
          }
          x = Math.log1p(x);
        }
        data[i * p + j] = (x - step.center) / step.scale;
      }
      j++;
    } else {
      if (c.kind !== 'category') {
        throw new InputError('design-column-type', `Column "${c.name}" must be categorical, as when the model was fitted`, 'Check the column holds text labels');
      }
      // Map this table's level codes to the fitted levels; unseen levels and missing values get all zeros.
      const index = new Map(step.levels.map((l, k) => [l, k]));
      const remap = Int32Array.from(c.levels, (l) => index.get(l) ?? -1);
      const on = step.weight ?? 1;
      for (let i = 0; i < n; i++) {
        const code = c.codes[i];
        const k = code < 0 ? -1 : remap[code];
        if (k >= 0) data[i * p + j + k] = on;
      }
      j += step.levels.length;
    }
  }
  return { rows: n, cols: p, data };
}

/** A numeric column's present values in ascending order (a native sort of a plain copy: a million rows take ~0.1 s). */
function sortedPresent(values: Float64Array): Float64Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) m++;
  const out = new Float64Array(m);
  for (let i = 0, j = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[j++] = values[i];
  return out.sort();
}

function fitNumeric(c: Extract<Column, { kind: 'number' }>, sorted: Float64Array, scaling: Scaling, log1pOption: DesignOptions['log1p'], notes: string[]): NumericStep | null {
  if (sorted.length === 0) {
    notes.push(`${c.name} skipped: no values`);
    return null;
  }
  const impute = quantileSorted(sorted, 0.5);
  const missing = c.values.length - sorted.length;
  if (missing > 0) notes.push(`${c.name}: ${missing} missing value${missing === 1 ? '' : 's'} imputed with the median ${round(impute)}`);

  const x = new Float64Array(c.values.length);
  for (let i = 0; i < x.length; i++) x[i] = Number.isNaN(c.values[i]) ? impute : c.values[i];
  const nonNegative = sorted[0] >= 0;
  let log1p = false;
  if (Array.isArray(log1pOption) && log1pOption.includes(c.name)) {
    if (!nonNegative) {
      throw new InputError('design-negative', `Column "${c.name}" has negative values and cannot be log-transformed`, 'Remove it from the log1p list');
    }
    log1p = true;
    notes.push(`log1p on ${c.name} (requested)`);
  } else if (log1pOption === 'auto' && nonNegative && sorted[0] !== sorted[sorted.length - 1] && hasMoreThanTwoValues(sorted)) {
    const g = skewness(x);
    if (g > LOG1P_SKEW_THRESHOLD) {
      log1p = true;
      notes.push(`log1p on ${c.name} (skewness ${g.toFixed(2)} > ${LOG1P_SKEW_THRESHOLD})`);
    }
  }
  if (log1p) for (let i = 0; i < x.length; i++) x[i] = Math.log1p(x[i]);

  let center = 0;
  let scale = 1;
  if (scaling === 'standard') {
    center = mean(x);
    scale = Math.sqrt(variance(x, center));
  } else if (scaling === 'robust') {
    const s = Float64Array.from(x).sort();
    center = quantileSorted(s, 0.5);
    scale = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
  }
  // Like scikit-learn: a constant column (zero spread) is centred but left unscaled.
  if (!(scale > 0)) {
    if (scaling !== 'none') notes.push(`${c.name}: no spread, centred but not scaled`);
    scale = 1;
  }
  return { column: c.name, kind: 'number', impute, log1p, center, scale, feature: c.name };
}

function fitOneHot(c: Extract<Column, { kind: 'category' }>, weighting: 'indicator' | 'column', notes: string[]): OneHotStep {
  let missing = 0;
  const counts = new Float64Array(c.levels.length);
  for (let i = 0; i < c.codes.length; i++) {
    if (c.codes[i] < 0) missing++;
    else counts[c.codes[i]]++;
  }
  if (missing > 0) notes.push(`${c.name}: ${missing} missing value${missing === 1 ? '' : 's'} encoded as no level (all indicators 0)`);
  const step = { column: c.name, kind: 'category' as const, levels: [...c.levels], features: c.levels.map((l) => `${c.name}=${l}`) };
  if (weighting === 'indicator') {
    notes.push(`${c.name} one-hot encoded into ${c.levels.length} indicator columns`);
    return step;
  }
  // The indicators' variances p(1 - p) add up to the column's total variance; scaling them by one
  // factor to make that 1 keeps the levels' relative distances while capping the column's weight.
  let total = 0;
  for (const count of counts) {
    const share = count / c.codes.length;
    total += share * (1 - share);
  }
  const weight = total > 0 ? 1 / Math.sqrt(total) : 1;
  notes.push(`${c.name} one-hot encoded into ${c.levels.length} indicator columns, weighted ${weight.toFixed(2)} so the column counts as one feature`);
  return { ...step, weight };
}

function isIdentifier(c: Column, rows: number): boolean {
  if (rows < 2) return false;
  if (c.kind === 'category') {
    // Free text unique per row (ids, e-mails, names) can never form groups, whatever it is called.
    if (c.levels.length < rows) return false;
    for (let i = 0; i < rows; i++) if (c.codes[i] < 0) return false;
    return true;
  }
  if (c.kind !== 'number' || !ID_NAME.test(c.name)) return false;
  return new Set(c.values).size === rows;
}

/** A single value held by at least this share of rows makes a column near-constant: it can split off at most a sliver. */
export const NEAR_CONSTANT_SHARE = 0.99;

/** Names that spreadsheet and dataframe exports give their row index. */
const INDEX_NAME = /^(unnamed:?\s*\d+|index|level_\d+|idx|row|row_?(id|num|number|no|index)|column_?\d+|col_?\d+|#|s\.?\s?no\.?|sr\.?\s?no\.?)$/i;
/** Numbers that label a place or a line rather than measure anything. */
const CONTACT_CODE_NAME = /zip|post_?code|postal|phone|mobile_?(no|num|number)|telephone|^tel$|fax|msisdn/i;

/**
 * Why a column cannot describe behaviour, or null. Each test reads the values: a name alone never
 * drops a column, except a postcode or phone number, whose values look like ordinary numbers.
 */
function unusableReason(c: Column, sortedValues: Float64Array | null): string | null {
  if (c.kind === 'date') return null;
  const n = columnLength(c);
  if (c.kind === 'category') {
    const counts = new Float64Array(c.levels.length);
    for (let i = 0; i < n; i++) if (c.codes[i] >= 0) counts[c.codes[i]]++;
    let top = 0;
    for (let l = 1; l < counts.length; l++) if (counts[l] > counts[top]) top = l;
    return counts.length > 0 && counts[top] >= NEAR_CONSTANT_SHARE * n ? nearConstant(counts[top] / n, c.levels[top]) : null;
  }
  const sorted = sortedValues ?? sortedPresent(c.values);
  if (sorted.length === 0) return null;
  let run = 1;
  let best = 1;
  let mode = sorted[0];
  let distinct = 1;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) run++;
    else {
      run = 1;
      distinct++;
    }
    if (run > best) {
      best = run;
      mode = sorted[i];
    }
  }
  if (best >= NEAR_CONSTANT_SHARE * n) return nearConstant(best / n, round(mode));
  const integers = sorted.every((v) => Number.isInteger(v));
  if (!integers) return null;
  const unique = distinct === n;
  const span = sorted[sorted.length - 1] - sorted[0] + 1;
  if (unique && n >= 3 && INDEX_NAME.test(c.name.trim())) return 'row index (named like an export index, one integer per row)';
  if (unique && n >= 20 && span <= 3 * n) {
    return span === n ? `row-number-like (the integers ${round(sorted[0])} to ${round(sorted[n - 1])}, one per row)` : 'identifier-like (unique integers, one per row)';
  }
  if (CONTACT_CODE_NAME.test(c.name)) return 'code-like (a postcode or phone number labels a place or a line, it does not measure anything)';
  const digits = digitCode(sorted, distinct);
  if (digits) return digits;
  return null;
}

function nearConstant(share: number, value: string): string {
  return `near-constant (${(100 * share).toFixed(1)}% of rows are ${value})`;
}

/**
 * A code whose digits are separate scores (an RFM code 111-555): every value has the same number of
 * digits and each digit position uses only a few digits, although the column takes many values.
 * A measured quantity with that many values would use most digits in its last position at least.
 * Long fixed-width numbers (phone numbers, postcodes) are labels too.
 */
function digitCode(sorted: Float64Array, distinct: number): string | null {
  if (sorted[0] < 0) return null;
  const width = String(sorted[0]).length;
  if (width < 2 || String(sorted[sorted.length - 1]).length !== width || distinct < 10) return null;
  if (width >= 5 && distinct >= 20) return `code-like (every value has ${width} digits, as postcodes and phone numbers do)`;
  const used = Array.from({ length: width }, () => new Set<string>());
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    const text = String(sorted[i]);
    for (let d = 0; d < width; d++) used[d].add(text[d]);
  }
  const sizes = used.map((u) => u.size);
  const varied = sizes.filter((s) => s >= 3).length;
  if (sizes.every((s) => s >= 2 && s <= 6) && varied >= 2) {
    const all = [...new Set(used.flatMap((u) => [...u]))].sort();
    return `code-like (each of its ${width} digits is a separate score, using only ${all[0]}-${all[all.length - 1]}; e.g. an RFM code)`;
  }
  return null;
}

function requireColumn(t: Table, name: string, where: string): Column {
  const c = t.columns.find((col) => col.name === name);
  if (!c) {
    const known = t.columns.map((col) => col.name).join(', ');
    throw new InputError('missing-column', `Column "${name}" is not in ${where}`, `Available columns: ${known}`);
  }
  return c;
}

function hasMoreThanTwoValues(sorted: Float64Array): boolean {
  let distinct = 1;
  for (let i = 1; i < sorted.length && distinct <= 2; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct > 2;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Population variance (ddof 0), as StandardScaler. */
function variance(x: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) * (x[i] - m);
  return s / x.length;
}

function skewness(x: ArrayLike<number>): number {
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= x.length;
  m3 /= x.length;
  return m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
}

/** Linear-interpolation quantile (numpy's default), on sorted data. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
