import type { Engine, QueryResult } from '../engine/engine.js';
import type { Dialect } from './dialect.js';
import { GRAIN_LINES, orderGrainSql } from './definitions.js';

/**
 * The cleaned order lines, wherever they live: one relation with the columns below, built from one definition
 * (src/clean/lines.ts) for every engine. Where it is kept differs by engine and is hidden here:
 * - embedded DuckDB and PostgreSQL materialise it as a table `lines` in the engine (a TEMP table in PostgreSQL),
 *   and removals and flags are DELETE and UPDATE statements;
 * - ClickHouse keeps it as a subquery over the source table, and removals and flags wrap that subquery, so no
 *   line is copied; on a Distributed table sharded by customer the subquery reads each shard's local table and
 *   every query runs on all shards in parallel (see `ShardedLines`).
 */
export const LINE_COLUMNS = [
  'customer_id', 'order_id', 'ts', 'ts_raw', 'quantity', 'unit_price', 'amount', 'product', 'description', 'category', 'country', 'status',
  'status_cancel', 'return_line', 'non_product', 'is_cancel', 'bad_price', 'outlier',
] as const;

/**
 * `money` is a sum added up exactly (Dialect.sumMoney), so its double does not depend on row order. Over the order
 * grain, `lines` counts the lines its rows stand for and `moneySum` adds up its exact money partials.
 */
export type Kind = 'count' | 'sum' | 'money' | 'min' | 'max' | 'distinct' | 'lines' | 'moneySum';

/** One aggregate of a grouped query: `count` counts rows where `where` holds; the others aggregate `of`. */
export interface Agg {
  readonly as: string;
  readonly kind: Kind;
  readonly of?: string;
  readonly where?: string;
}

/**
 * A grouped query over the lines (or over `from`, a relation built from them): keys, aggregates, and the order and
 * limit of the merged result. Written once; `LineSet.aggregate` runs it in one pass on a single server, or as
 * shard-local partial aggregates merged on the initiator (sums of counts and sums, min of mins, max of maxes,
 * merged distinct-value states), which is exact for every kind.
 */
export interface Aggregation {
  readonly keys?: { as: string; expr: string }[];
  readonly aggs: Agg[];
  /** Read the order grain (`orderGrainSql`) instead of the lines; `from` then gets the grain. */
  readonly over?: 'grain';
  readonly from?: (lines: string) => string;
  readonly where?: string;
  readonly orderBy?: string;
  readonly limit?: number;
}

export abstract class LineSet {
  constructor(
    readonly engine: Engine,
    readonly d: Dialect,
  ) {}

  /** Build the lines from their definition (a SELECT over the raw rows). Aggregations with their own `from` run before. */
  abstract define(definition: string): Promise<void>;
  /** The lines as a FROM item (a table name, or a subquery with an alias where the dialect needs one). */
  abstract relation(): string;
  abstract defined(): boolean;
  /** Drop lines where `predicate` holds. */
  abstract remove(predicate: string): Promise<void>;
  /** Set the boolean column `column` to `predicate`. */
  abstract flag(column: (typeof LINE_COLUMNS)[number], predicate: string): Promise<void>;

  /**
   * A query whose rows each belong to one customer (or are whole line rows); `build` gets the lines relation, or
   * with `over` 'grain' the order grain.
   */
  rows(build: (lines: string) => string, columns: string[], tail = '', over?: 'grain'): Promise<QueryResult> {
    return this.engine.query(`SELECT ${columns.map((c) => this.d.ident(c)).join(', ')} FROM ${this.d.sub(build(this.source(over)), 'q')} ${tail}`);
  }

  protected source(over?: 'grain'): string {
    return over === 'grain' ? this.grain() : this.relation();
  }

  aggregate(a: Aggregation): Promise<QueryResult> {
    return this.engine.query(renderAggregation(this.d, a, this.fromOf(a), 'final'));
  }

  /**
   * Per-customer rows as `rows` gives them; an engine that holds tables also keeps them as table `name`, for SQL
   * that later stages or a user run against it (customers.csv's selection queries read `customers`).
   */
  keep(name: string, build: (lines: string) => string, columns: string[], tail = ''): Promise<QueryResult> {
    return this.rows(build, columns, tail);
  }

  /** The order grain as a FROM item: a subquery over the lines, unless the engine keeps it as a table. */
  grain(): string {
    return this.d.sub(orderGrainSql(this.d, this.relation()), 'grain');
  }

  /** Where the engine holds tables, keep the order grain as one (once), for the aggregations that follow; the lines must be final. */
  async keepGrain(): Promise<void> {}

  /** The order grain's table, once kept; null where the engine keeps none (the grain is then a subquery). */
  keptGrain(): string | null {
    return null;
  }

  protected fromOf(a: Aggregation): string {
    if (a.over === 'grain') return a.from ? a.from(this.grain()) : this.grain();
    // An aggregation with its own `from` may read the raw rows before the lines exist.
    if (a.from) return a.from(this.defined() ? this.relation() : '');
    return this.relation();
  }
}

export function renderAgg(d: Dialect, g: Agg, mode: 'final' | 'partial'): string {
  if (g.kind === 'count') return d.toDouble(d.count(g.where));
  if (g.kind === 'lines') return `coalesce(${d.sum(GRAIN_LINES, g.where)}, 0)`;
  const x = g.of as string;
  if (g.kind === 'moneySum') return d.sumMoneyPartials(x, g.where);
  if (g.kind === 'sum') return d.sum(x, g.where);
  if (g.kind === 'money') return d.sumMoney(x, g.where);
  if (g.kind === 'min') return d.min(x, g.where);
  if (g.kind === 'max') return d.max(x, g.where);
  if (mode === 'partial') return g.where ? `uniqExactIfState(${x}, ${g.where})` : `uniqExactState(${x})`;
  return d.toDouble(d.countDistinct(x, g.where));
}

/** An aggregation as one query over a table of lines named `lines` (the grain, where it reads it, as a subquery). */
export function aggregationOver(d: Dialect, a: Aggregation, lines = 'lines'): string {
  const base = a.over === 'grain' ? d.sub(orderGrainSql(d, lines), 'grain') : lines;
  return renderAggregation(d, a, a.from ? a.from(base) : base, 'final');
}

export function renderAggregation(d: Dialect, a: Aggregation, from: string, mode: 'final' | 'partial'): string {
  const keys = a.keys ?? [];
  const select = [...keys.map((k) => `${k.expr} AS ${d.ident(k.as)}`), ...a.aggs.map((g) => `${renderAgg(d, g, mode)} AS ${d.ident(g.as)}`)];
  const group = keys.length ? ` GROUP BY ${keys.map((k) => k.expr).join(', ')}` : '';
  const sql = `SELECT ${select.join(', ')} FROM ${from}${a.where ? ` WHERE ${a.where}` : ''}${group}`;
  if (mode === 'partial' || (a.orderBy === undefined && a.limit === undefined)) return sql;
  // PostgreSQL orders by output names only when they stand alone; over a derived table any expression works.
  return `SELECT * FROM ${d.sub(sql, 'agg')}${a.orderBy ? ` ORDER BY ${a.orderBy}` : ''}${a.limit !== undefined ? ` LIMIT ${a.limit}` : ''}`;
}

/** DuckDB and PostgreSQL: the lines are a table in the engine. */
export class MaterialisedLines extends LineSet {
  private ready = false;
  private grainKept = false;
  /** The grain's table being built: stages that need it concurrently wait for the one build. */
  private keeping: Promise<void> | null = null;

  override grain(): string {
    return this.keptGrain() ?? super.grain();
  }

  override keptGrain(): string | null {
    return this.grainKept ? 'order_grain' : null;
  }

  override keepGrain(): Promise<void> {
    if (this.grainKept) return Promise.resolve();
    return (this.keeping ??= this.createTable('order_grain', orderGrainSql(this.d, this.relation()), { analyze: true }).then(
      () => {
        this.grainKept = true;
      },
      (err: unknown) => {
        this.keeping = null;
        throw err;
      },
    ));
  }

  /** The lines change: the grain kept so far no longer sums them. */
  private forgetGrain(): void {
    this.grainKept = false;
    this.keeping = null;
  }

  /** A table of the engine's own (TEMP in PostgreSQL, where `analyze` also refreshes its statistics). */
  private async createTable(name: string, select: string, options: { analyze?: boolean } = {}): Promise<void> {
    if (this.d.name === 'postgres') {
      await this.engine.exec(`DROP TABLE IF EXISTS pg_temp.${name}`);
      await this.engine.exec(`CREATE TEMP TABLE ${name} AS ${select}`);
      if (options.analyze) await this.engine.exec(`ANALYZE ${name}`);
    } else {
      await this.engine.exec(`CREATE OR REPLACE TABLE ${name} AS ${select}`);
    }
  }

  defined(): boolean {
    return this.ready;
  }

  async define(definition: string): Promise<void> {
    this.forgetGrain();
    // The later aggregations group and count by these; fresh statistics keep PostgreSQL's plans sane.
    await this.createTable('lines', definition, { analyze: true });
    this.ready = true;
  }

  relation(): string {
    if (!this.ready) throw new Error('lines used before they were defined');
    return 'lines';
  }

  async remove(predicate: string): Promise<void> {
    this.forgetGrain();
    await this.engine.exec(`DELETE FROM lines WHERE ${predicate}`);
  }

  override async keep(name: string, build: (lines: string) => string, columns: string[], tail = ''): Promise<QueryResult> {
    const t = this.d.ident(name);
    const list = columns.map((c) => this.d.ident(c)).join(', ');
    await this.createTable(t, `SELECT ${list} FROM ${this.d.sub(build('lines'), 'q')} ${tail}`);
    return this.engine.query(`SELECT ${list} FROM ${t} ${tail}`);
  }

  async flag(column: string, predicate: string): Promise<void> {
    this.forgetGrain();
    await this.engine.exec(`UPDATE lines SET ${this.d.ident(column)} = ${this.d.true} WHERE ${predicate}`);
  }
}

/** ClickHouse on one server (or a table that is not sharded by customer): the lines stay a subquery. */
export class InlineLines extends LineSet {
  protected definition: string | null = null;

  async define(definition: string): Promise<void> {
    this.definition = definition;
  }

  defined(): boolean {
    return this.definition !== null;
  }

  relation(): string {
    if (this.definition === null) throw new Error('lines used before they were defined');
    return `(${this.definition})`;
  }

  async remove(predicate: string): Promise<void> {
    this.definition = `SELECT * FROM ${this.relation()} WHERE NOT (${predicate})`;
  }

  async flag(column: string, predicate: string): Promise<void> {
    const cols = LINE_COLUMNS.map((c) => (c === column ? `(${this.d.ident(c)} OR (${predicate})) AS ${this.d.ident(c)}` : this.d.ident(c)));
    this.definition = `SELECT ${cols.join(', ')} FROM ${this.relation()}`;
  }
}

/**
 * ClickHouse Distributed table sharded by a function of the customer id: every customer's lines, and every copy
 * of a duplicated line, are on one shard. The definition reads the shard-local table, and each query is sent to
 * all shards at once through `cluster(name, system.one)`: ClickHouse ships a query over a cluster table function,
 * JOIN subquery included, to every shard, where the subquery reads that shard's local table. So deduplication,
 * cleaning and the per-customer aggregation (several query levels, which a plain query over the Distributed table
 * would run on the initiator) all run on the shards in parallel, and only per-customer rows or partial aggregates
 * travel. Valid only because of the sharding key: `clickhouseLines` checks it.
 */
export class ShardedLines extends InlineLines {
  constructor(engine: Engine, d: Dialect, private readonly cluster: string) {
    super(engine, d);
  }

  private onShards(columns: string[], sql: string): string {
    return `SELECT ${columns.map((c) => this.d.ident(c)).join(', ')} FROM cluster(${this.d.literal(this.cluster)}, system, one) CROSS JOIN (${sql})`;
  }

  override rows(build: (lines: string) => string, columns: string[], tail = '', over?: 'grain'): Promise<QueryResult> {
    return this.engine.query(`${this.onShards(columns, build(this.source(over)))} ${tail}`);
  }

  override aggregate(a: Aggregation): Promise<QueryResult> {
    const d = this.d;
    const local = renderAggregation(d, a, this.fromOf(a), 'partial');
    const keys = (a.keys ?? []).map((k) => k.as);
    const merge = a.aggs.map((g) => {
      const c = d.ident(g.as);
      const m =
        g.kind === 'distinct' ? `toFloat64(${g.where ? 'uniqExactIfMerge' : 'uniqExactMerge'}(${c}))`
        : g.kind === 'min' ? `min(${c})`
        : g.kind === 'max' ? `max(${c})`
        : g.kind === 'money' || g.kind === 'moneySum' ? d.sumMoney(c)
        : `sum(${c})`;
      return `${m} AS ${c}`;
    });
    const group = keys.length ? ` GROUP BY ${keys.map((k) => d.ident(k)).join(', ')}` : '';
    const tail = `${a.orderBy ? ` ORDER BY ${a.orderBy}` : ''}${a.limit !== undefined ? ` LIMIT ${a.limit}` : ''}`;
    const sql = `SELECT ${[...keys.map((k) => d.ident(k)), ...merge].join(', ')} FROM (${this.onShards([...keys, ...a.aggs.map((g) => g.as)], local)})${group}${tail}`;
    return this.engine.query(sql);
  }
}
