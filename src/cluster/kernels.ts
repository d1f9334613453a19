/**
 * Distance kernels specialised to the number of features and clusters. Unrolling lets V8 keep a row,
 * the centres and the k-means++ candidates in registers or locals instead of bounds-checked array
 * reads (measured on 1M x 8, k = 8: an assignment pass 185 -> 90 ms, a k-means++ round a third faster).
 * Sources are generated once per shape and cached, and the same source runs on the main thread and in
 * workers; above MAX_UNROLLED features, or with many centres, plain loops are used.
 */

export const MAX_UNROLLED = 32;

const range = (d: number): number[] => Array.from({ length: d }, (_, j) => j);

/**
 * Per-chunk slots in the partial-result arrays, each padded by 64 bytes so that neighbouring chunks,
 * which run on different threads, never write to the same cache line.
 */
export function chunkStrides(k: number, d: number): { sums: number; counts: number; values: number } {
  return { sums: k * d + 8, counts: k + 8, values: seedingTrials(k) + 8 };
}

/** Candidates per k-means++ round, as scikit-learn: 2 + floor(ln k). */
export function seedingTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/**
 * One Lloyd assignment with Hamerly's (2010) bounds: upper[i] bounds the distance to the assigned
 * centre, lower[i] the distance to every other centre. After the centres moved by `shift` (and the
 * lower bound of a row in cluster a by otherShift[a], the largest move of any other centre), a row whose
 * upper bound is below max(lower bound, half the distance from its centre to the nearest other centre)
 * cannot have changed cluster and costs no distance computation, not even a read of the row.
 * Start with upper = Infinity and lower = 0 (any label is then a valid starting guess).
 * With `fresh`, bounds are ignored: every row gets a full exact scan (first pass, after labels changed
 * outside the kernel, predict) and is added to the zeroed sums; otherwise sums and counts are kept up
 * to date by moving only the rows whose label changed. With `inertia`, returns the exact summed
 * squared distances to the chosen centres, else how many labels changed (so Lloyd needs no copy of
 * the previous labels to detect convergence).
 */
export type BoundedAssignKernel = (
  data: Float64Array,
  start: number,
  end: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
  sumOffset: number,
  countOffset: number,
  upper: Float64Array,
  lower: Float64Array,
  shift: Float64Array,
  half: Float64Array,
  otherShift: Float64Array,
) => number;

/**
 * A mode flag fixed when the source is generated, or `'run'`: read at run time from the kernel's last two
 * arguments (fresh, inertia), so one compiled function serves all three passes.
 */
export type KernelFlag = boolean | 'run';

export function boundedAssignSource(d: number, k: number, mode: { fresh: KernelFlag; inertia: KernelFlag }): string {
  const unrolled = d <= MAX_UNROLLED;
  // Few centres: hold them in locals and unroll the full scan (measured 1M x 8, k = 8, a fresh pass
  // on two threads: 55 -> 37 ms; on one, 70 ms).
  const local = unrolled && k * d <= 4 * MAX_UNROLLED;
  const cs = local ? range(k) : [];
  const hoist = local ? `const ${cs.flatMap((c) => range(d).map((j) => `c${c}_${j} = centers[${c * d + j}]`)).join(', ')};` : '';
  /** `code` where the flag holds: always, never, or behind a run-time test. */
  const when = (flag: KernelFlag, name: string, code: string, otherwise = ''): string =>
    flag === 'run' ? `if (${name}) { ${code} }${otherwise ? ` else { ${otherwise} }` : ''}` : flag ? code : otherwise;
  const pick = (flag: KernelFlag, name: string, yes: string, no: string): string => (flag === 'run' ? `(${name} ? ${yes} : ${no})` : flag ? yes : no);
  // The nearest and second-nearest centre, exactly as a scan of every centre in order (ties to the
  // lower index). Between fresh passes the assigned centre's distance is already known, so the scan
  // starts from it; and a centre whose partial sum already exceeds the second-nearest distance can be
  // neither, so its remaining features are skipped (the sums that finish are the same additions).
  const split = Math.ceil(d / 2);
  const partial = (point: (j: number) => string, skip: string): string =>
    unrolled
      ? `s = 0; ${range(split).map((j) => `e = x${j} - ${point(j)}; s += e * e;`).join(' ')}
        if (s > b2) ${skip}
        ${range(d).slice(split).map((j) => `e = x${j} - ${point(j)}; s += e * e;`).join(' ')}`
      : `s = 0; for (let j = 0; j < D; j++) { e = data[r + j] - ${point(-1)}; s += e * e; }`;
  const compare = (c: string): string => `if (s < b1 || (s === b1 && ${c} < best)) { b2 = b1; b1 = s; best = ${c}; } else if (s < b2) { b2 = s; }`;
  const skipOwn = mode.fresh === true ? null : mode.fresh === false ? 'a' : 'own_';
  const scan = local
    ? cs
        .map((c) => `${skipOwn ? `if (${skipOwn} !== ${c}) ` : ''}c${c}: { ${partial((j) => `c${c}_${j}`, `break c${c};`)}
        ${compare(String(c))} }`)
        .join('\n        ')
    : `for (let c = 0, o = 0; c < k; c++, o += D) {
        ${skipOwn ? `if (c === ${skipOwn}) continue;` : ''}
        ${partial((j) => (j < 0 ? 'centers[o + j]' : `centers[o + ${j}]`), 'continue;')}
        ${compare('c')}
      }`;
  const addRow = (sign: string, label: string): string =>
    unrolled
      ? `{ const so = sumOffset + ${label} * D; ${range(d).map((j) => `sums[so + ${j}] ${sign}= x${j};`).join(' ')} counts[countOffset + ${label}] ${sign}= 1; }`
      : `{ const so = sumOffset + ${label} * D; for (let j = 0; j < D; j++) sums[so + j] ${sign}= data[r + j]; counts[countOffset + ${label}] ${sign}= 1; }`;
  const ownDistance = `{
        const o = a * D;
        ${squaredDistance(d, 'centers', 'o')}
        own = s;
        u = Math.sqrt(s);
      }`;
  const tail = [
    when(mode.fresh, 'fresh', addRow('+', 'a')),
    when(mode.inertia, 'inertia', `const o = a * D;\n    ${squaredDistance(d, 'centers', 'o')}\n    total += s;`),
  ].filter(Boolean);
  return `(function boundedAssign(data, start, end, centers, k, labels, sums, counts, sumOffset, countOffset, upper, lower, shift, half, otherShift, fresh, inertia) {
  const D = ${d};
  ${hoist}
  // Two accumulators: one variable holding a count in some passes and a double in others is boxed on every add.
  let total = 0;
  let changed = 0;
  for (let i = start; i < end; i++) {
    const r = i * D;
    let a = labels[i];
    ${
      mode.fresh === true
        ? `let u = Infinity;
    let l = 0;
    {
      ${loadRow(d)}
      const own = Infinity;
      {`
        : `let u = ${pick(mode.fresh, 'fresh', 'Infinity', 'upper[i] + shift[a]')};
    let l = ${pick(mode.fresh, 'fresh', '0', 'lower[i] - otherShift[a]')};
    const m = ${pick(mode.fresh, 'fresh', '-Infinity', 'half[a] > l ? half[a] : l')};
    if (u > m) {
      ${loadRow(d)}
      let own = Infinity;
      ${when(mode.fresh === 'run' ? 'run' : true, '!fresh', ownDistance)}
      ${mode.fresh === 'run' ? 'const own_ = fresh ? -1 : a;' : ''}
      if (u > m) {`
    }
        let b1 = own;
        let b2 = Infinity;
        let best = ${pick(mode.fresh, 'fresh', '0', 'a')};
        let s = 0, e = 0;
        ${scan}
        if (best !== a) {
          ${when(mode.fresh, 'fresh', '', `${addRow('-', 'a')} ${addRow('+', 'best')}`)}
          a = best;
          labels[i] = a;
          ${when(mode.inertia, 'inertia', '', 'changed++;')}
        }
        u = Math.sqrt(b1);
        l = Math.sqrt(b2);
      }
    }
    upper[i] = u;
    lower[i] = l;
    ${
      tail.length > 0
        ? `${mode.fresh === 'run' || mode.inertia === 'run' ? `if (${[mode.fresh === 'run' ? 'fresh' : null, mode.inertia === 'run' ? 'inertia' : null].filter(Boolean).join(' || ')}) ` : ''}{
    ${loadRow(d)}
    ${tail.join('\n    ')}
    }`
        : ''
    }
  }
  return ${pick(mode.inertia, 'inertia', 'total', 'changed')};
})`;
}

/** Statement loading row r into registers x0..x{d-1} (unrolled kernels only). */
function loadRow(d: number): string {
  return d <= MAX_UNROLLED ? `const ${range(d).map((j) => `x${j} = data[r + ${j}]`).join(', ')};` : '';
}

/** Statements leaving in `s` the squared distance from row r (loaded by loadRow) to point[offset..]. */
function squaredDistance(d: number, point: string, offset: string): string {
  if (d > MAX_UNROLLED) {
    return `let s = 0;\n    for (let j = 0; j < D; j++) { const e = data[r + j] - ${point}[${offset} + j]; s += e * e; }`;
  }
  return `let s = 0, e = 0;\n    ${range(d).map((j) => `e = x${j} - ${point}[${offset} + ${j}]; s += e * e;`).join(' ')}`;
}

/**
 * k-means++ keeps `trials` + 1 slots of squared distances, each `rows` long, in `table`: slot `cur`
 * holds each row's distance to its nearest centre so far. For each candidate t, the slot after it
 * (cyclically, cur + 1 + t) receives min(own, squared distance to candidate t), and out[offset + t]
 * its sum over rows [start, end). The chosen candidate's slot then becomes `cur`: no second pass to
 * update the distances (as scikit-learn keeps the candidates' distance arrays). For few features and
 * candidates, both are unrolled and the candidates held in locals (same arithmetic).
 */
export function potentialSource(d: number, trials: number): string {
  const slots = `const b = cur * rows;\n  ${range(trials).map((t) => `const o${t} = ((cur + ${t + 1}) % ${trials + 1}) * rows;`).join(' ')}`;
  if (d > MAX_UNROLLED || d * trials > 4 * MAX_UNROLLED) {
    return `(function potentials(data, start, end, candidates, table, cur, rows, out, offset) {
  const D = ${d};
  const b = cur * rows;
  for (let t = 0; t < ${trials}; t++) out[offset + t] = 0;
  for (let i = start; i < end; i++) {
    const r = i * D;
    const own = table[b + i];
    for (let t = 0, o = 0; t < ${trials}; t++, o += D) {
      let s = 0;
      for (let j = 0; j < D; j++) { const e = data[r + j] - candidates[o + j]; s += e * e; }
      const v = s < own ? s : own;
      table[((cur + 1 + t) % ${trials + 1}) * rows + i] = v;
      out[offset + t] += v;
    }
  }
})`;
  }
  const ts = range(trials);
  return `(function potentials(data, start, end, candidates, table, cur, rows, out, offset) {
  const ${ts.flatMap((t) => range(d).map((j) => `c${t}_${j} = candidates[${t * d + j}]`)).join(', ')};
  ${slots}
  let ${ts.map((t) => `p${t} = 0`).join(', ')};
  for (let i = start; i < end; i++) {
    const r = i * ${d};
    ${loadRow(d)}
    const own = table[b + i];
    let s = 0, e = 0;
    ${ts.map((t) => `s = 0; ${range(d).map((j) => `e = x${j} - c${t}_${j}; s += e * e;`).join(' ')} s = s < own ? s : own; table[o${t} + i] = s; p${t} += s;`).join('\n    ')}
  }
  ${ts.map((t) => `out[offset + ${t}] = p${t};`).join(' ')}
})`;
}

/**
 * potentialSource with the number of candidates a run-time argument (`trials`), the distance still
 * unrolled over the features: one compiled function serves every k (see smallRunnerSource).
 */
export function potentialGenericSource(d: number): string {
  return `(function potentials(data, start, end, candidates, table, cur, rows, out, offset, trials) {
  const D = ${d};
  const b = cur * rows;
  for (let t = 0; t < trials; t++) out[offset + t] = 0;
  for (let i = start; i < end; i++) {
    const r = i * D;
    ${loadRow(d)}
    const own = table[b + i];
    for (let t = 0, o = 0; t < trials; t++, o += D) {
      ${d <= MAX_UNROLLED ? `let s = 0, e = 0; ${range(d).map((j) => `e = x${j} - candidates[o + ${j}]; s += e * e;`).join(' ')}` : 'let s = 0; for (let j = 0; j < D; j++) { const e = data[r + j] - candidates[o + j]; s += e * e; }'}
      const v = s < own ? s : own;
      table[((cur + 1 + t) % (trials + 1)) * rows + i] = v;
      out[offset + t] += v;
    }
  }
})`;
}

/**
 * table[base + i] = min(table[base + i], squared distance to `point`) over rows [start, end), the
 * point held in locals; returns their sum, so k-means++ can sample a chunk before scanning rows.
 */
export function nearestSource(d: number): string {
  if (d > MAX_UNROLLED) {
    return `(function nearest(data, start, end, point, table, base) {
  const D = ${d};
  let total = 0;
  for (let i = start; i < end; i++) {
    const r = i * D;
    ${squaredDistance(d, 'point', '0')}
    const own = table[base + i];
    if (s < own) { table[base + i] = s; total += s; } else total += own;
  }
  return total;
})`;
  }
  return `(function nearest(data, start, end, point, table, base) {
  const ${range(d).map((j) => `c${j} = point[${j}]`).join(', ')};
  let total = 0;
  for (let i = start; i < end; i++) {
    const r = i * ${d};
    let s = 0, e = 0;
    ${range(d).map((j) => `e = data[r + ${j}] - c${j}; s += e * e;`).join(' ')}
    const own = table[base + i];
    if (s < own) { table[base + i] = s; total += s; } else total += own;
  }
  return total;
})`;
}

/**
 * Per-column sums of x - x[0] and of its squares over every row: out[j] and out[d + j]. One pass
 * with the accumulators in locals (a non-finite input shows as a non-finite sum).
 */
export function momentsSource(d: number): string {
  if (d > MAX_UNROLLED) {
    return `(function moments(data, rows, out) {
  const D = ${d};
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < D; j++) { const e = data[i * D + j] - data[j]; out[j] += e; out[D + j] += e * e; }
  }
})`;
  }
  const js = range(d);
  return `(function moments(data, rows, out) {
  const ${js.map((j) => `o${j} = data[${j}]`).join(', ')};
  let ${js.map((j) => `s${j} = 0, q${j} = 0`).join(', ')}, e = 0;
  for (let i = 0; i < rows; i++) {
    const r = i * ${d};
    ${js.map((j) => `e = data[r + ${j}] - o${j}; s${j} += e; q${j} += e * e;`).join(' ')}
  }
  ${js.map((j) => `out[${j}] = s${j}; out[${d + j}] = q${j};`).join(' ')}
})`;
}

/**
 * Source of `makeRunner(rows, chunkRows, chunks)`, which returns `run(s, first, step, op, arg)`:
 * chunks first, first + step, ... of one operation over the buffers of `s` (a ChunkExecutor, or the
 * same buffers as a worker's workerData). Ops: 0 Lloyd assignment recomputing the chunk sums,
 * 1 assignment updating them, 2 the same plus inertia, 3 k-means++ potentials from distance slot
 * `arg`, 4 nearest-candidate distances in slot `arg` and their per-chunk sums. One source serves
 * both threads.
 */
export function chunkRunnerSource(d: number, k: number): string {
  const trials = seedingTrials(k);
  const stride = chunkStrides(k, d);
  return `(() => {
  const kernels = [
    ${boundedAssignSource(d, k, { fresh: true, inertia: false })},
    ${boundedAssignSource(d, k, { fresh: false, inertia: false })},
    ${boundedAssignSource(d, k, { fresh: false, inertia: true })},
  ];
  const potentials = ${potentialSource(d, trials)};
  const nearest = ${nearestSource(d)};
  return function makeRunner(rows, chunkRows, chunks) {
  const k = ${k};
  const kd = k * ${d};
  ${runSource(String(stride.sums), String(stride.counts), String(stride.values), '', (args) => `kernels[op](${args})`)}
  };
})()`;
}

/**
 * chunkRunnerSource with k a run-time argument of makeRunner(rows, chunkRows, chunks, k): centres are
 * scanned in a loop instead of held in locals. For small inputs a fit is a few milliseconds, so compiling
 * one heavily unrolled runner per k (nine for k = 2..10, three assignment kernels each) cost more than the
 * passes it sped up; this one is compiled once per feature count and stays hot across every k. Its one assignment
 * kernel takes the pass (fresh, update, with inertia) as arguments: compiling three was a third of a small search's
 * compile time.
 */
export function smallRunnerSource(d: number): string {
  return `(() => {
  const assign = ${boundedAssignSource(d, Number.MAX_SAFE_INTEGER, { fresh: 'run', inertia: 'run' })};
  const potentials = ${potentialGenericSource(d)};
  const nearest = ${nearestSource(d)};
  return function makeRunner(rows, chunkRows, chunks, k) {
  const trials = 2 + Math.floor(Math.log(k));
  const sumsStride = k * ${d} + 8;
  const countsStride = k + 8;
  const valuesStride = trials + 8;
  const kd = k * ${d};
  ${runSource('sumsStride', 'countsStride', 'valuesStride', ', trials', (args) => `assign(${args}, op === 0, op === 2)`)}
  };
})()`;
}

/**
 * The `run(s, first, step, op, arg)` of a runner: chunks first, first + step, ... of one operation, with
 * the per-chunk strides as literals or as names the runner defines (`kd`, `k`, the kernels in scope).
 */
function runSource(sums: string, counts: string, values: string, potentialsTail: string, assign: (args: string) => string): string {
  return `return function run(s, first, step, op, arg) {
    for (let ch = first; ch < chunks; ch += step) {
      const start = ch * chunkRows;
      const end = Math.min(rows, start + chunkRows);
      if (op <= 2) {
        if (op === 0) {
          s.partialSums.fill(0, ch * ${sums}, ch * ${sums} + kd);
          s.partialCounts.fill(0, ch * ${counts}, ch * ${counts} + k);
        }
        s.chunkValues[ch * ${values}] = ${assign(`s.data, start, end, s.centers, k, s.labels, s.partialSums, s.partialCounts, ch * ${sums}, ch * ${counts}, s.upper, s.lower, s.shift, s.half, s.otherShift`)};
      } else if (op === 3) {
        potentials(s.data, start, end, s.candidates, s.distances, arg, rows, s.chunkValues, ch * ${values}${potentialsTail});
      } else {
        s.chunkValues[ch * ${values}] = nearest(s.data, start, end, s.candidates, s.distances, arg * rows);
      }
    }
  };`;
}

/**
 * Distances between two blocks of rows for the silhouettes: for each row a in [aStart, aEnd), rowSum[a]
 * = Σ_b d(a, b) over b in [bStart, bEnd), and colSum[b] += d(a, b); with `same` (one block against
 * itself) only the pairs b > a, each once. Row a is held in locals, as in the assignment kernels.
 */
export function pairSumsSource(d: number): string {
  const unrolled = d <= MAX_UNROLLED;
  return `(function pairSums(data, aStart, aEnd, bStart, bEnd, same, rowSum, colSum) {
  const D = ${d};
  for (let a = aStart; a < aEnd; a++) {
    const r = a * D;
    ${loadRow(d)}
    let total = 0;
    for (let b = same ? a + 1 : bStart; b < bEnd; b++) {
      const o = b * D;
      ${
        unrolled
          ? `let s = 0, e = 0;
      ${range(d).map((j) => `e = x${j} - data[o + ${j}]; s += e * e;`).join(' ')}`
          : 'let s = 0; for (let j = 0; j < D; j++) { const e = data[r + j] - data[o + j]; s += e * e; }'
      }
      const dist = Math.sqrt(s);
      total += dist;
      colSum[b] += dist;
    }
    rowSum[a] = total;
  }
})`;
}

export type PairSumsKernel = (data: Float64Array, aStart: number, aEnd: number, bStart: number, bEnd: number, same: boolean, rowSum: Float64Array, colSum: Float64Array) => void;

const cache = new Map<string, unknown>();

function compiled<T>(key: string, source: () => string): T {
  let f = cache.get(key);
  if (!f) {
    // Indirect eval of generated numeric code only; no user input reaches the source.
    f = (0, eval)(source());
    cache.set(key, f);
  }
  return f as T;
}

/**
 * The exact assignment of predict, with the centres unrolled for `k`, or for any k (null): small inputs take that
 * one, compiled once per feature count, since compiling a kernel per k costs more than their passes.
 */
export const predictKernel = (d: number, k: number | null): BoundedAssignKernel =>
  compiled(`predict:${d}:${k ?? 'any'}`, () => boundedAssignSource(d, k ?? Number.MAX_SAFE_INTEGER, { fresh: true, inertia: false }));
export const momentsKernel = (d: number): ((data: Float64Array, rows: number, out: Float64Array) => void) => compiled(`moments:${d}`, () => momentsSource(d));
export const pairSumsKernel = (d: number): PairSumsKernel => compiled(`pairs:${d}`, () => pairSumsSource(d));
export const smallRunnerFactory = (d: number): SmallRunnerFactory => compiled(`small:${d}`, () => smallRunnerSource(d));
export const chunkRunnerFactory = (d: number, k: number): ChunkRunnerFactory => compiled(`runner:${d}:${k}`, () => chunkRunnerSource(d, k));

export type SmallRunnerFactory = (rows: number, chunkRows: number, chunks: number, k: number) => ChunkRunner;
export type ChunkRunnerFactory = (rows: number, chunkRows: number, chunks: number) => ChunkRunner;
export type ChunkRunner = (buffers: object, first: number, stride: number, op: number, arg: number) => void;
