/**
 * The distance kernels of kernels.ts as WebAssembly, unrolled over the features: the k-means assignment pass
 * (boundedAssignSource, with the pass chosen at run time), the k-means++ rounds (potentialGenericSource,
 * nearestSource) and the silhouettes' pair sums (pairSumsSource) and their spread to clusters. Same arithmetic in the
 * same order, so the same labels, bounds, sums, inertia and silhouettes to the bit; what differs is the cost of a cold
 * start. A fit in a fresh process runs its JavaScript kernels interpreted, then optimised (several times over, as each
 * pass kind first appears), boxing doubles all the while; Wasm is compiled once, quickly, before the first pass, and
 * allocates nothing.
 */
import { Body, OP, wasmModule, type ValueType } from './wasm-emit.js';

/** Exports of a kernel module; every pointer is a byte address in the instance's memory. */
export interface WasmKernels {
  /**
   * One assignment pass over rows [start, end): with `fresh`, a full scan of every row and its sums added to the
   * chunk's zeroed sums; otherwise Hamerly's bounds skip rows that cannot move and the sums follow the rows that
   * do. Returns the inertia with `inertia`, else how many labels changed. `scratch` holds ASSIGN_SCRATCH_BYTES per
   * row of the range, plus 8 bytes for alignment.
   */
  assign(
    start: number, end: number, k: number, fresh: number, inertia: number,
    data: number, centers: number, labels: number, sums: number, counts: number,
    upper: number, lower: number, shift: number, half: number, otherShift: number, scratch: number,
  ): number;
  /**
   * A k-means++ round (potentialGenericSource): for each of `trials` candidates (row-major at `candidates`), the
   * distance slot after `cur` (cyclically) receives min(own, squared distance), and out[t] accumulates its sum.
   */
  potentials(start: number, end: number, trials: number, cur: number, rows: number, data: number, candidates: number, table: number, out: number): void;
  /** table[i] = min(table[i], squared distance to `point`) over rows [start, end); returns their sum (nearestSource). */
  nearest(start: number, end: number, data: number, point: number, table: number): number;
  /**
   * Silhouette distances between blocks of rows (pairSumsSource): rowSum[a] = Σ_b d(a, b) and colSum[b] += d(a, b)
   * over b in [bStart, bEnd) (only b > a when `same`), for every a in [aStart, aEnd).
   */
  pairSums(data: number, aStart: number, aEnd: number, bStart: number, bEnd: number, same: number, rowSum: number, colSum: number): void;
  /**
   * The silhouettes' spread of pair sums to clusters: for each row p in [p0, p1), acc[p * S + slot[l]] += sums[p] for
   * l = 0..L-1 (slot: L int32 cluster offsets), in that order, as sumsByCells does it in JavaScript.
   */
  spread(p0: number, p1: number, sums: number, slot: number, L: number, acc: number, S: number): void;
}

/** Whether the Wasm kernels are used where they can be (tests turn them off to compare the two). */
export const kernelChoice = { wasm: true };

const modules = new Map<number, WebAssembly.Module>();

/** The compiled kernels for `d` features (cached), or null where WebAssembly is unavailable. */
function wasmKernelModule(d: number): WebAssembly.Module | null {
  let m = modules.get(d);
  if (!m) {
    if (typeof WebAssembly === 'undefined') return null;
    m = new WebAssembly.Module(
      wasmModule([
        { name: 'assign', body: assignBody(d), result: 'f64' },
        { name: 'potentials', body: potentialsBody(d), result: null },
        { name: 'nearest', body: nearestBody(d), result: 'f64' },
        { name: 'pairSums', body: pairSumsBody(d), result: null },
        { name: 'spread', body: spreadBody(), result: null },
      ]),
    );
    modules.set(d, m);
  }
  return m;
}

/**
 * A WebAssembly memory and the kernel instances bound to it (one per feature count), reused from fit to fit on
 * one thread so every pass calls the same exported functions: a kernel instance per fit made each fit's first
 * pass a new call target, and the optimised fitting loop was thrown away for it. One user at a time lays its
 * buffers out from the start of the memory; a second user meanwhile gets an arena of its own.
 */
export class WasmArena {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly instances = new Map<number, WasmKernels>();
  private busy = false;
  private next = 0;
  private limit = 0;

  private static shared: WasmArena | null = null;

  /**
   * This thread's arena holding `bytes` (grown if needed) with the kernels for `d` features, for one user until
   * release(); null where WebAssembly is unavailable or turned off, or d is too large to unroll.
   */
  static acquire(d: number, bytes: number): { arena: WasmArena; kernels: WasmKernels } | null {
    const module = kernelChoice.wasm && d <= MAX_WASM_FEATURES ? wasmKernelModule(d) : null;
    if (!module) return null;
    const arena = WasmArena.shared && !WasmArena.shared.busy ? WasmArena.shared : new WasmArena();
    WasmArena.shared ??= arena;
    const pages = Math.ceil(bytes / 65536) - arena.memory.buffer.byteLength / 65536;
    if (pages > 0) arena.memory.grow(pages);
    let kernels = arena.instances.get(d);
    if (!kernels) arena.instances.set(d, (kernels = new WebAssembly.Instance(module, { env: { memory: arena.memory } }).exports as unknown as WasmKernels));
    arena.busy = true;
    arena.next = 0;
    arena.limit = bytes;
    return { arena, kernels };
  }

  /** A view of the next `length` doubles (or 32-bit integers), 8-byte aligned, within the bytes acquired. */
  f64(length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(length * 8), length);
  }
  i32(length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(length * 4), length);
  }

  release(): void {
    this.busy = false;
  }

  private take(size: number): number {
    const at = this.next;
    this.next += Math.ceil(size / 8) * 8;
    if (this.next > this.limit) throw new Error('Wasm arena layout is short of the bytes acquired');
    return at;
  }
}

/** Bytes of scratch per row an assignment pass needs: a row number and two doubles (see assignBody). */
export const ASSIGN_SCRATCH_BYTES = 20;

/** Features up to which the kernels are unrolled (as MAX_UNROLLED for the JavaScript ones). */
const MAX_WASM_FEATURES = 32;

/** Locals x_0..x_{d-1} for a row, the loader of row address `r` into them, and the squared distance to a point. */
function rowTools(b: Body, d: number) {
  const s = b.local('f64');
  const e = b.local('f64');
  const x = Array.from({ length: d }, () => b.local('f64'));
  const loadRow = (r: number) => x.forEach((xj, j) => b.get(r).loadF64(8 * j).set(xj));
  return {
    s,
    x,
    loadRow,
    /** for (index = from; index < to; index++) { row = data + index * 8d; load it; body }, all locals of the body. */
    forEachRow: (index: number, from: number, to: number, data: number, row: number, body: () => void) => {
      b.get(from).set(index);
      b.loopWhileBelow(index, to, () => {
        b.get(data).get(index).i32(8 * d).op(OP.i32Mul, OP.i32Add).set(row);
        loadRow(row);
        body();
      });
    },
    /** s (= 0 first, as the JavaScript kernels start it) += (x_j - point_j)^2 for j in [from, to), the point at address `ptr`. */
    distance: (ptr: number, from = 0, to = d) => {
      for (let j = from; j < to; j++) {
        if (j === 0) b.get(x[j]).get(ptr).loadF64(8 * j).op(OP.f64Sub).tee(e).get(e).op(OP.f64Mul).set(s);
        else b.get(s).get(x[j]).get(ptr).loadF64(8 * j).op(OP.f64Sub).tee(e).get(e).op(OP.f64Mul, OP.f64Add).set(s);
      }
    },
  };
}

function potentialsBody(d: number): Body {
  const params: ValueType[] = Array(9).fill('i32');
  const b = new Body(params);
  const [start, end, trials, cur, rows, data, candidates, table, out] = params.map((_, i) => i);
  const [i, r, t, o, p] = b.localsOf('i32', 5);
  const [own, v] = b.localsOf('f64', 2);
  const { s, distance, forEachRow } = rowTools(b, d);
  b.i32(0).set(t);
  b.loopWhileBelow(t, trials, () => b.get(out).get(t).i32(3).op(OP.i32Shl, OP.i32Add).f64(0).storeF64());
  forEachRow(i, start, end, data, r, () => {
    // own = table[cur * rows + i]
    b.get(table).get(cur).get(rows).op(OP.i32Mul).get(i).op(OP.i32Add).i32(3).op(OP.i32Shl, OP.i32Add).loadF64().set(own);
    b.i32(0).set(t).get(candidates).set(o);
    b.loopWhileBelow(t, trials, () => {
      distance(o);
      b.get(s).get(own).get(s).get(own).op(OP.f64Lt).select().set(v);
      // table[((cur + 1 + t) % (trials + 1)) * rows + i] = v
      b.get(table).get(cur).i32(1).op(OP.i32Add).get(t).op(OP.i32Add).get(trials).i32(1).op(OP.i32Add).op(OP.i32RemU).get(rows).op(OP.i32Mul).get(i).op(OP.i32Add).i32(3).op(OP.i32Shl, OP.i32Add);
      b.get(v).storeF64();
      b.get(out).get(t).i32(3).op(OP.i32Shl, OP.i32Add).set(p);
      b.get(p).get(p).loadF64().get(v).op(OP.f64Add).storeF64();
      b.get(o).i32(8 * d).op(OP.i32Add).set(o);
    });
  });
  return b;
}

function nearestBody(d: number): Body {
  const params: ValueType[] = Array(5).fill('i32');
  const b = new Body(params);
  const [start, end, data, point, table] = params.map((_, i) => i);
  const [i, r, q] = b.localsOf('i32', 3);
  const [own, total] = b.localsOf('f64', 2);
  const { s, distance, forEachRow } = rowTools(b, d);
  forEachRow(i, start, end, data, r, () => {
    distance(point);
    b.get(table).get(i).i32(3).op(OP.i32Shl, OP.i32Add).tee(q).loadF64().set(own);
    b.get(s).get(own).op(OP.f64Lt).if();
    b.get(q).get(s).storeF64().get(total).get(s).op(OP.f64Add).set(total);
    b.else();
    b.get(total).get(own).op(OP.f64Add).set(total);
    b.end();
  });
  b.get(total);
  return b;
}

function pairSumsBody(d: number): Body {
  const params: ValueType[] = Array(8).fill('i32');
  const b = new Body(params);
  const [data, aStart, aEnd, bStart, bEnd, same, rowSum, colSum] = params.map((_, i) => i);
  const [a, j, r, o, q] = b.localsOf('i32', 5);
  const [total, dist] = b.localsOf('f64', 2);
  const { s, distance, forEachRow } = rowTools(b, d);
  forEachRow(a, aStart, aEnd, data, r, () => {
    b.f64(0).set(total);
    b.get(a).i32(1).op(OP.i32Add).get(bStart).get(same).select().set(j);
    b.get(data).get(j).i32(8 * d).op(OP.i32Mul, OP.i32Add).set(o);
    b.loopWhileBelow(j, bEnd, () => {
      distance(o);
      b.get(s).op(OP.f64Sqrt).set(dist);
      b.get(total).get(dist).op(OP.f64Add).set(total);
      b.get(colSum).get(j).i32(3).op(OP.i32Shl, OP.i32Add).tee(q).get(q).loadF64().get(dist).op(OP.f64Add).storeF64();
      b.get(o).i32(8 * d).op(OP.i32Add).set(o);
    });
    b.get(rowSum).get(a).i32(3).op(OP.i32Shl, OP.i32Add).get(total).storeF64();
  });
  return b;
}

function spreadBody(): Body {
  const params: ValueType[] = Array(7).fill('i32');
  const b = new Body(params);
  const [p0, p1, sums, slot, L, acc, S] = params.map((_, i) => i);
  const [p, l, base, q] = b.localsOf('i32', 4);
  const [v] = b.localsOf('f64', 1);
  b.get(p0).set(p);
  b.loopWhileBelow(p, p1, () => {
    b.get(sums).get(p).i32(3).op(OP.i32Shl, OP.i32Add).loadF64().set(v);
    b.get(acc).get(p).get(S).op(OP.i32Mul).i32(3).op(OP.i32Shl, OP.i32Add).set(base);
    b.i32(0).set(l);
    b.loopWhileBelow(l, L, () => {
      // q = base + 8 * slot[l]; acc at q += v.
      b.get(base).get(slot).get(l).i32(2).op(OP.i32Shl, OP.i32Add).loadI32().i32(3).op(OP.i32Shl, OP.i32Add).tee(q);
      b.get(q).loadF64().get(v).op(OP.f64Add).storeF64();
    });
  });
  return b;
}

/**
 * The assignment pass. A fresh pass scans every row in turn. Other passes run in three sweeps over the range, the
 * first two without data-dependent branches: the bounds of every row are loosened by the centre shifts, and the rows
 * they cannot settle listed; the listed rows' distances to their own centres tighten their upper bounds, and the rows
 * still unsettled are listed again; the third sweep scans those rows. A row-by-row pass spent most of its time on mispredicted
 * branches, with one row's distance sums waiting on the last's. The rows are scanned, and their sums moved, in the same
 * order, so labels, sums, bounds and inertia are the same to the bit.
 */
function assignBody(d: number): Body {
  const params: ValueType[] = Array(16).fill('i32');
  const b = new Body(params);
  const [start, end, k, fresh, inertia, data, centers, labels, sums, counts, upper, lower, shift, half, otherShift, scratch] = params.map((_, i) => i);
  const row = 8 * d;
  const [i, r, a, best, c, cp, skip, changed, p, q, n, kept, owns, ms, list] = b.localsOf('i32', 15);
  const [u, l, m, b1, b2, total, h] = b.localsOf('f64', 7);
  const { s, x, loadRow: loadRowAt, distance, forEachRow } = rowTools(b, d);

  /** Pushes base + index * size. */
  const at = (base: number, index: number, shiftBits: number) => b.get(base).get(index).i32(shiftBits).op(OP.i32Shl, OP.i32Add);
  const loadRow = () => loadRowAt(r);
  const rowAddress = () => b.get(data).get(i).i32(row).op(OP.i32Mul, OP.i32Add).set(r);
  /** sums[label] op= x and counts[label] op= 1, in the chunk's slots. */
  const moveRow = (label: number, op: number) => {
    b.get(sums).get(label).i32(row).op(OP.i32Mul, OP.i32Add).set(p);
    x.forEach((xj, j) => b.get(p).get(p).loadF64(8 * j).get(xj).op(op).storeF64(8 * j));
    at(counts, label, 3).set(p);
    b.get(p).get(p).loadF64().f64(1).op(op).storeF64();
  };
  /**
   * From b1 (own, or Infinity) and best: the nearest and second-nearest centre by a scan of every centre in order
   * (ties to the lower index), skipping `skip`; a move between clusters; the bounds of row i from the two distances.
   */
  const scanRow = () => {
    b.f64(Infinity).set(b2);
    b.i32(0).set(c).get(centers).set(cp);
    b.loopWhileBelow(c, k, () => {
      b.block();
      b.get(c).get(skip).op(OP.i32Eq).brIf(0);
      // A centre whose partial sum already exceeds the second-nearest distance can be neither nearest nor second.
      const split = Math.ceil(d / 2);
      distance(cp, 0, split);
      b.get(s).get(b2).op(OP.f64Gt).brIf(0);
      distance(cp, split, d);
      b.get(s).get(b1).op(OP.f64Lt).get(s).get(b1).op(OP.f64Eq).get(c).get(best).op(OP.i32LtS, OP.i32And, OP.i32Or).if();
      b.get(b1).set(b2).get(s).set(b1).get(c).set(best);
      b.else();
      b.get(s).get(b2).op(OP.f64Lt).if().get(s).set(b2).end();
      b.end();
      b.end();
      b.get(cp).i32(row).op(OP.i32Add).set(cp);
    });

    b.get(best).get(a).op(OP.i32Ne).if();
    b.get(fresh).op(OP.i32Eqz).if();
    moveRow(a, OP.f64Sub);
    moveRow(best, OP.f64Add);
    b.end();
    b.get(best).set(a);
    at(labels, i, 2).get(a).storeI32();
    b.get(inertia).op(OP.i32Eqz).if().get(changed).i32(1).op(OP.i32Add).set(changed).end();
    b.end();
    at(upper, i, 3).get(b1).op(OP.f64Sqrt).storeF64();
    at(lower, i, 3).get(b2).op(OP.f64Sqrt).storeF64();
  };

  b.get(fresh).if();
  forEachRow(i, start, end, data, r, () => {
    b.f64(Infinity).set(b1).i32(0).set(best).i32(-1).set(skip);
    at(labels, i, 2).loadI32().set(a);
    scanRow();
    moveRow(a, OP.f64Add);
  });
  b.else();
  // Scratch: the listed rows' numbers (int32), then per listed row m and its own squared distance (doubles).
  b.get(end).get(start).op(OP.i32Sub).set(n);
  b.get(scratch).set(list);
  b.get(list).get(n).i32(2).op(OP.i32Shl, OP.i32Add).i32(7).op(OP.i32Add).i32(-8).op(OP.i32And).set(ms);
  b.get(ms).get(n).i32(3).op(OP.i32Shl, OP.i32Add).set(owns);

  // Sweep 1: u = upper + shift(a), l = lower - otherShift(a), m = max(half(a), l); list the rows with u > m.
  b.i32(0).set(n);
  b.get(start).set(i);
  b.loopWhileBelow(i, end, () => {
    at(labels, i, 2).loadI32().set(a);
    at(upper, i, 3).tee(p).get(p).loadF64();
    at(shift, a, 3).loadF64().op(OP.f64Add).tee(u).storeF64();
    at(lower, i, 3).tee(p).get(p).loadF64();
    at(otherShift, a, 3).loadF64().op(OP.f64Sub).tee(l).storeF64();
    at(half, a, 3).loadF64().set(h);
    b.get(h).get(l).get(h).get(l).op(OP.f64Gt).select().set(m);
    at(list, n, 2).get(i).storeI32();
    at(ms, n, 3).get(m).storeF64();
    b.get(n).get(u).get(m).op(OP.f64Gt).op(OP.i32Add).set(n);
  });

  // Sweep 2: the listed rows' own distances tighten u; keep those still above m, with their own distance.
  b.i32(0).set(q).i32(0).set(kept);
  b.loopWhileBelow(q, n, () => {
    at(list, q, 2).loadI32().set(i);
    rowAddress();
    loadRow();
    at(labels, i, 2).loadI32().set(a);
    b.get(centers).get(a).i32(row).op(OP.i32Mul, OP.i32Add).set(p);
    distance(p);
    b.get(s).op(OP.f64Sqrt).set(u);
    at(upper, i, 3).get(u).storeF64();
    at(list, kept, 2).get(i).storeI32();
    at(owns, kept, 3).get(s).storeF64();
    at(ms, q, 3).loadF64().set(m);
    b.get(kept).get(u).get(m).op(OP.f64Gt).op(OP.i32Add).set(kept);
  });

  // Sweep 3: scan the rows still unsettled, in row order.
  b.get(kept).set(n);
  b.i32(0).set(q);
  b.loopWhileBelow(q, n, () => {
    at(list, q, 2).loadI32().set(i);
    rowAddress();
    loadRow();
    at(labels, i, 2).loadI32().tee(a).set(best);
    b.get(a).set(skip);
    at(owns, q, 3).loadF64().set(b1);
    scanRow();
  });
  b.end();

  b.get(inertia).if();
  forEachRow(i, start, end, data, r, () => {
    at(labels, i, 2).loadI32().set(a);
    b.get(centers).get(a).i32(row).op(OP.i32Mul, OP.i32Add).set(p);
    distance(p);
    b.get(total).get(s).op(OP.f64Add).set(total);
  });
  b.end();

  b.get(inertia).if('f64').get(total).else().get(changed).op(OP.f64ConvertI32S).end();
  return b;
}
