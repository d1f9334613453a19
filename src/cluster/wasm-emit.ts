/**
 * A minimal WebAssembly emitter for the generated k-means kernels (wasm-kernels.ts): one imported memory,
 * functions of i32 and f64 values, structured control flow. Only what the kernels use is here; the binary
 * format is the WebAssembly 1.0 core specification's.
 */

export type ValueType = 'i32' | 'f64';
const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f64: 0x7c };

/** A function body being written: locals are numbered after the parameters, in the order they are declared. */
export class Body {
  readonly bytes: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(readonly params: readonly ValueType[]) {}

  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /** `n` new locals of one type. */
  localsOf(type: ValueType, n: number): number[] {
    return Array.from({ length: n }, () => this.local(type));
  }

  get(l: number): this {
    return this.op(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.op(0x21, ...uleb(l));
  }
  tee(l: number): this {
    return this.op(0x22, ...uleb(l));
  }
  i32(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.op(0x44, ...b);
  }
  /** f64 at the address on the stack plus a constant byte offset. */
  loadF64(offset = 0): this {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  storeF64(offset = 0): this {
    return this.op(0x39, 3, ...uleb(offset));
  }
  loadI32(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }
  storeI32(offset = 0): this {
    return this.op(0x36, 2, ...uleb(offset));
  }
  /** Opens a block, loop or if (`type` its result, none by default); close it with end(). */
  block(type?: ValueType): this {
    return this.op(0x02, type ? TYPE_CODE[type] : 0x40);
  }
  loop(type?: ValueType): this {
    return this.op(0x03, type ? TYPE_CODE[type] : 0x40);
  }
  if(type?: ValueType): this {
    return this.op(0x04, type ? TYPE_CODE[type] : 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  /** Branch to the enclosing construct `depth` levels out (0 the innermost). */
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  select(): this {
    return this.op(0x1b);
  }
  /**
   * while (index < to) { body; index++ }, both i32 locals, `index` set by the caller; the body may advance other
   * locals at its end, and leaves an iteration early by closing a block of its own.
   */
  loopWhileBelow(index: number, to: number, body: () => void): this {
    this.block().loop();
    this.get(index).get(to).op(OP.i32GeS).brIf(1);
    body();
    this.get(index).i32(1).op(OP.i32Add).set(index).br(0);
    return this.end().end();
  }
  op(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  /** The body as the code section holds it: local declarations, the expression and its end. */
  encode(): number[] {
    const groups: [number, ValueType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const code = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), TYPE_CODE[t]]), ...this.bytes, 0x0b];
    return [...uleb(code.length), ...code];
  }
}

/** The numeric instructions the kernels use, by name. */
export const OP = {
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Sqrt: 0x9f,
  f64Eq: 0x61,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,
  f64ConvertI32S: 0xb7,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
} as const;

export interface WasmFunction {
  name: string;
  body: Body;
  result: ValueType | null;
}

/** A module importing its memory as env.memory and exporting each function by name. */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(f.body.params.map((t) => [TYPE_CODE[t]])), ...(f.result ? [1, TYPE_CODE[f.result]] : [0])]);
  const name = (s: string): number[] => {
    const b = [...new TextEncoder().encode(s)];
    return [...uleb(b.length), ...b];
  };
  const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.body.encode()))),
  ];
  return new Uint8Array(bytes);
}

function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
