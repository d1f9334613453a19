/**
 * A dense row-major matrix of doubles: the one shape numeric models take as input,
 * so no model ever iterates over per-row objects.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${rows} x ${cols}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** Build a matrix from columns (each a typed or plain array of equal length). */
export function fromColumns(columns: ArrayLike<number>[]): Matrix {
  const cols = columns.length;
  const rows = cols === 0 ? 0 : columns[0].length;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const c = columns[j];
    if (c.length !== rows) throw new RangeError(`column ${j} has ${c.length} values, expected ${rows}`);
    for (let i = 0; i < rows; i++) data[i * cols + j] = c[i];
  }
  return { rows, cols, data };
}

export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Rows selected by index, in the given order. */
export function takeRows(m: Matrix, index: ArrayLike<number>): Matrix {
  const out = new Float64Array(index.length * m.cols);
  for (let k = 0; k < index.length; k++) {
    const src = index[k] * m.cols;
    out.set(m.data.subarray(src, src + m.cols), k * m.cols);
  }
  return { rows: index.length, cols: m.cols, data: out };
}

/** The given columns of X, in that order (X itself when they are all of them). */
export function selectColumns(X: Matrix, columns: readonly number[]): Matrix {
  if (columns.length === X.cols) return X;
  const q = columns.length;
  const data = new Float64Array(X.rows * q);
  for (let i = 0; i < X.rows; i++) for (let c = 0; c < q; c++) data[i * q + c] = X.data[i * X.cols + columns[c]];
  return { rows: X.rows, cols: q, data };
}
