import { InputError } from '../errors.js';
import { ident, type Engine } from '../engine/engine.js';
import { COPIES, type SchemaColumn } from './load.js';
import type { ColumnNumberFormat } from './numbers.js';
import { looksLikeDate } from './dates.js';

/** What a column means to the analysis. Order-log roles first, then customer-table roles. */
export const ROLES = [
  'customer', 'order', 'timestamp', 'quantity', 'price', 'amount', 'product', 'description', 'category', 'country', 'city', 'status',
  'spend', 'orders', 'items', 'recency', 'membership', 'satisfaction', 'rating', 'discount', 'age', 'gender', 'currency',
] as const;
export type Role = (typeof ROLES)[number];

export type RoleMap = Partial<Record<Role, string>>;

export interface RoleDetection {
  readonly roles: RoleMap;
  /** Why each role was assigned, one line per role, e.g. "customer ← CustomerID (name)". */
  readonly reasons: Partial<Record<Role, string>>;
  readonly shape: 'order-log' | 'customer-table';
  readonly shapeReason: string;
}

/**
 * Normalised names (accents folded, lower case, letters and digits only) that identify each role, best first: the
 * English names, then the usual German, French, Spanish, Italian, Dutch and Portuguese ones. A name only proposes a
 * role; the values still have to fit it (numbers for amounts, dates for the order date).
 */
const NAMES: Record<Role, string[]> = {
  customer: ['customerid', 'customer', 'custid', 'customerno', 'customernumber', 'customerkey', 'customercode', 'buyerid', 'buyer', 'shopperid', 'kunde', 'kundennummer', 'kundenid', 'kundennr', 'numeroclient', 'idclient', 'codeclient', 'cliente', 'idcliente', 'codigocliente', 'numerocliente', 'codicecliente', 'klant', 'klantnummer', 'klantid', 'numerodeclient', 'numerodecliente', 'codigodecliente', 'numerodocliente'],
  order: ['invoiceno', 'invoice', 'invoiceid', 'invoicenumber', 'orderid', 'order', 'orderno', 'ordernumber', 'transactionid', 'receiptid', 'basketid', 'bestellung', 'bestellnummer', 'bestellnr', 'auftragsnummer', 'rechnung', 'rechnungsnummer', 'rechnungsnr', 'belegnummer', 'commande', 'numerocommande', 'nocommande', 'facture', 'numerofacture', 'pedido', 'numeropedido', 'factura', 'numerofactura', 'ordine', 'numeroordine', 'fattura', 'numerofattura', 'bestelling', 'bestelnummer', 'factuur', 'factuurnummer', 'encomenda', 'numeroencomenda', 'numerodefacture', 'numerodecommande', 'numerodefactura', 'numerodepedido', 'numerodellordine', 'numerodafatura'],
  timestamp: ['invoicedate', 'orderdate', 'purchasedate', 'transactiondate', 'date', 'datetime', 'timestamp', 'orderdatetime', 'createdat', 'purchasetime', 'time', 'datum', 'bestelldatum', 'rechnungsdatum', 'belegdatum', 'auftragsdatum', 'datecommande', 'datefacture', 'fecha', 'fechapedido', 'fechafactura', 'dataordine', 'datafattura', 'besteldatum', 'factuurdatum', 'datapedido', 'dataencomenda', 'datedefacture', 'datedecommande', 'fechadefactura', 'fechadepedido', 'datadoordine', 'datadafatura', 'datadopedido'],
  quantity: ['quantity', 'qty', 'units', 'numberofcds', 'unitssold', 'quantityordered', 'lineitemquantity', 'menge', 'anzahl', 'stuck', 'quantite', 'cantidad', 'quantita', 'aantal', 'quantidade'],
  price: ['unitprice', 'price', 'itemprice', 'priceeach', 'unitcost', 'lineitemprice', 'preis', 'einzelpreis', 'stuckpreis', 'prix', 'prixunitaire', 'precio', 'preciounitario', 'prezzo', 'prezzounitario', 'prijs', 'stukprijs', 'preco', 'precounitario', 'precodeunitario'],
  amount: ['amount', 'totalprice', 'lineamount', 'linetotal', 'sales', 'revenue', 'dollarvalue', 'totalamount', 'ordertotal', 'total', 'value', 'saleamount', 'betrag', 'gesamtbetrag', 'umsatz', 'summe', 'gesamtpreis', 'montant', 'montanttotal', 'importe', 'importetotal', 'importo', 'bedrag', 'totaalbedrag', 'valortotal'],
  product: ['stockcode', 'sku', 'productid', 'productcode', 'itemid', 'itemcode', 'product', 'lineitemsku', 'artikel', 'artikelnummer', 'artikelnr', 'produkt', 'produktnummer', 'produit', 'codeproduit', 'article', 'codearticle', 'refarticle', 'producto', 'codigoproducto', 'prodotto', 'codiceprodotto', 'artikelcode', 'produto', 'codigoproduto', 'codigodeproducto', 'codedeproduit', 'codigodoproduto'],
  description: ['description', 'productname', 'itemname', 'itemdescription', 'lineitemname', 'beschreibung', 'bezeichnung', 'artikelbezeichnung', 'produktname', 'designation', 'libelle', 'descripcion', 'descrizione', 'omschrijving', 'descricao', 'nomproduit', 'nombreproducto'],
  category: ['producttype', 'category', 'productcategory', 'department', 'productline'],
  country: ['country', 'countryname', 'countrycode', 'land', 'lieferland', 'pays', 'pais', 'paese'],
  city: ['city', 'region', 'state'],
  status: ['orderstatus', 'status', 'transactionstatus'],
  spend: ['totalspend', 'totalspent', 'spend', 'monetary', 'totalpurchaseamount', 'totalpurchases', 'lifetimespend'],
  orders: ['purchasecount', 'numberofpurchases', 'numberoforders', 'orders', 'ordercount', 'frequency', 'numpurchases'],
  items: ['itemspurchased', 'items', 'totalitems', 'numberofitems'],
  recency: ['dayssincelastpurchase', 'recency', 'dayssincelastorder', 'recencydays'],
  membership: ['membershiptype', 'membership', 'tier', 'loyaltymember', 'membershiplevel', 'premium', 'premiummember'],
  satisfaction: ['satisfactionlevel', 'satisfaction', 'satisfactionscore'],
  rating: ['averagerating', 'rating', 'avgrating', 'reviewscore'],
  discount: ['discountapplied', 'discount', 'discountused', 'usedcoupon'],
  age: ['age', 'customerage'],
  gender: ['gender', 'sex'],
  currency: ['currency', 'currencycode', 'curr', 'currencyiso'],
};

/**
 * Names that are a customer id in some exports and something else in others (`id` is often a row or order id):
 * taken only when exactly one column has such a name and, in a log with dates, its values repeat.
 */
const GENERIC_CUSTOMER = ['id', 'user', 'userid', 'client', 'clientid', 'member', 'memberid', 'account', 'accountid', 'email', 'emailaddress', 'customeremail', 'useremail'];

const NUMERIC_ROLES = new Set<Role>(['quantity', 'price', 'amount', 'spend', 'orders', 'items', 'recency', 'rating', 'age']);

export function normaliseName(name: string): string {
  // "N° commande" and "Nº de pedido" abbreviate numéro / número / numero: read as the word the names list holds.
  const spelled = name.replace(/(^|[^\p{L}])[Nn]\s*[°º]/gu, '$1numero');
  // "Quantité" and "Stück" are quantite and stuck, not quantit and stck.
  return spelled.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function isNumericType(t: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|REAL)$/.test(t);
}

function isTemporalType(t: string): boolean {
  return /^(DATE|TIMESTAMP.*)$/.test(t);
}

/**
 * SQL for a numeric value from a column of any type. Numbers as exported ("$1,234.50", "1.050,00") were converted
 * when the file was read (ingest/numbers.ts); text left here is read only if it is a plain number, because
 * stripping separators blindly is what turns 2,55 into 255.
 */
export function numericSql(column: string, type: string): string {
  if (isNumericType(type)) return `CAST(${ident(column)} AS DOUBLE)`;
  return `TRY_CAST(trim(CAST(${ident(column)} AS VARCHAR)) AS DOUBLE)`;
}

/** A numeric role on a text column is fine only if every value reads as a number in one settled format. */
async function assertNumericText(engine: Engine, table: string, column: string, role: Role, formats: ColumnNumberFormat[]): Promise<void> {
  const f = formats.find((x) => x.column === column);
  if (f?.status === 'ambiguous') {
    throw new InputError(
      'ambiguous-decimal',
      `Cannot tell the decimal mark of column ${column} (${role}): values such as '${f.example}' read as thousands or as decimals`,
      'Pass --decimal , or --decimal .',
    );
  }
  if (f?.status === 'mixed') {
    throw new InputError('mixed-decimal', `Column ${column} (${role}) mixes decimal commas and decimal points`, 'Export it in one format, or pass --decimal , or --decimal .');
  }
  if (f?.status === 'mixed-currency') {
    throw new InputError('mixed-currency', `Column ${column} (${role}) holds amounts in several currencies (${f.currency})`, 'clientele does not convert currencies: filter the export to one currency');
  }
  const expr = numericSql(column, 'VARCHAR');
  const r = await engine.query(
    `SELECT count(*)::DOUBLE AS n, min(${ident(column)}) AS example FROM ${table} WHERE ${ident(column)} IS NOT NULL AND trim(CAST(${ident(column)} AS VARCHAR)) <> '' AND ${expr} IS NULL`,
  );
  const n = Number(r.columns[0][0]);
  if (n > 0) {
    throw new InputError(
      'non-numeric',
      `Column ${column} (${role}) has ${n.toLocaleString('en-US')} non-numeric values, e.g. '${String(r.columns[1][0])}'`,
      `Fix those values, or map another column with --map ${role}=COLUMN`,
    );
  }
}

/**
 * Assign roles by name (several naming styles), then confirm or fill in from the values:
 * timestamps must parse as dates, numeric roles must be numbers. `--map role=Column` wins over both.
 */
export async function detectRoles(
  engine: Engine,
  table: string,
  schema: SchemaColumn[],
  overrides: RoleMap = {},
  formats: ColumnNumberFormat[] = [],
  /** Table of distinct rows with their number of copies: without an order id, identical rows are separate purchases. */
  grouped?: string,
): Promise<RoleDetection> {
  const roles: RoleMap = {};
  const reasons: Partial<Record<Role, string>> = {};
  const byName = new Map(schema.map((c) => [c.name, c]));
  const taken = new Set<string>();

  for (const [role, column] of Object.entries(overrides) as [Role, string][]) {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new InputError('unknown-role', `--map names an unknown role '${role}'`, `Roles are: ${ROLES.join(', ')}`);
    }
    const match = byName.has(column) ? column : schema.find((c) => normaliseName(c.name) === normaliseName(column))?.name;
    if (!match) {
      throw new InputError('unknown-column', `--map ${role}=${column}: the file has no column '${column}'`, `Columns are: ${schema.map((c) => c.name).join(', ')}`);
    }
    roles[role] = match;
    reasons[role] = `${match} (--map)`;
    taken.add(match);
  }

  for (const role of ROLES) {
    if (roles[role]) continue;
    for (const alias of NAMES[role]) {
      const col = schema.find((c) => !taken.has(c.name) && normaliseName(c.name) === alias);
      if (!col) continue;
      if (NUMERIC_ROLES.has(role) && !isNumericType(col.type)) {
        // A file's text numbers were read by clientele; a warehouse column's type is the warehouse's to settle.
        if (engine.dialect !== 'duckdb') throw wrongType(col, role, 'a number');
        await assertNumericText(engine, table, col.name, role, formats);
      }
      roles[role] = col.name;
      reasons[role] = `${col.name} (name)`;
      taken.add(col.name);
      break;
    }
  }

  if (!roles.customer) {
    const free = schema.filter((c) => !taken.has(c.name) && GENERIC_CUSTOMER.includes(normaliseName(c.name)));
    // A named id (user_id, email) beats a bare `id`, which is more often a row number.
    const named = free.filter((c) => normaliseName(c.name) !== 'id');
    const generic = named.length > 0 ? named : free;
    if (generic.length === 1) {
      const c = generic[0].name;
      const q = engine.sql;
      const r = await engine.query(`SELECT ${q.toDouble(`count(${q.ident(c)})`)} AS n, ${q.toDouble(q.countDistinct(q.ident(c)))} AS d FROM ${table}`);
      const repeats = Number(r.columns[1][0]) < Number(r.columns[0][0]);
      const hasDates = schema.some((s) => s.name !== c && (isTemporalType(s.type) || NAMES.timestamp.includes(normaliseName(s.name))));
      // In a log with dates, an id that never repeats numbers rows or orders, not customers.
      if (repeats || !hasDates) {
        roles.customer = c;
        reasons.customer = `${c} (name; the only id-like column${repeats ? ', values repeat' : ''})`;
        taken.add(c);
      }
    }
  }

  // A column whose name is unusual but whose values are all dates is still the timestamp.
  if (!roles.timestamp) {
    for (const c of schema) {
      if (taken.has(c.name)) continue;
      if (isTemporalType(c.type)) {
        roles.timestamp = c.name;
        reasons.timestamp = `${c.name} (values are ${c.type.toLowerCase()}s)`;
        taken.add(c.name);
        break;
      }
      if (c.type === 'VARCHAR' && engine.dialect === 'duckdb') {
        const sample = await engine.query(`SELECT DISTINCT ${ident(c.name)} FROM ${table} WHERE ${ident(c.name)} IS NOT NULL LIMIT 200`);
        const values = sample.columns[0].map(String);
        if (values.length > 0 && values.every(looksLikeDate)) {
          roles.timestamp = c.name;
          reasons.timestamp = `${c.name} (values look like dates)`;
          taken.add(c.name);
          break;
        }
      }
    }
  }

  // Shape: repeated customers with dates is an order log; one row per customer is a customer table.
  let shape: RoleDetection['shape'];
  let shapeReason: string;
  if (roles.customer) {
    const q = engine.sql;
    const id = q.ident(roles.customer);
    const rows = grouped && !roles.order ? q.sum(COPIES, `${id} IS NOT NULL`) : `count(${id})`;
    const r = await engine.query(`SELECT ${q.toDouble(rows)} AS n, ${q.toDouble(q.countDistinct(id))} AS d FROM ${grouped && !roles.order ? grouped : table}`);
    const n = Number(r.columns[0][0]);
    const d = Number(r.columns[1][0]);
    if (roles.timestamp && (d < n || roles.order)) {
      shape = 'order-log';
      shapeReason = `${d.toLocaleString('en-US')} customers over ${n.toLocaleString('en-US')} distinct rows with dates: one row per order line`;
    } else if (d === n) {
      shape = 'customer-table';
      shapeReason = `every row has a distinct ${roles.customer}: one row per customer`;
    } else {
      shape = 'order-log';
      shapeReason = `customers repeat across rows (${d.toLocaleString('en-US')} customers, ${n.toLocaleString('en-US')} distinct rows)`;
    }
  } else {
    if (schema.length === 1) throw nothingToAnalyse(`it has a single column (${schema[0].name})`);
    throw new InputError(
      'missing-customer',
      'No customer id column found',
      `Name it with --map customer=COLUMN (columns: ${schema.map((c) => c.name).join(', ')})`,
    );
  }
  if (shape === 'order-log') {
    if (!roles.timestamp) {
      throw new InputError('missing-timestamp', 'No order date column found in this order log', 'Name it with --map timestamp=COLUMN');
    }
  }
  return { roles, reasons, shape, shapeReason };
}

/**
 * A customer id as text, as the input wrote it: float-formatted ids from spreadsheets and pandas ("17850.0") are
 * the id "17850"; a stray space must not split a customer.
 */
export function customerIdSql(column: string, type: string): string {
  const c = ident(column);
  if (isNumericType(type)) return `CASE WHEN ${c} = floor(${c}) THEN CAST(CAST(${c} AS BIGINT) AS VARCHAR) ELSE CAST(${c} AS VARCHAR) END`;
  return `NULLIF(trim(CAST(${c} AS VARCHAR)), '')`;
}

/** A warehouse column whose type cannot play the role it was given (or named for). */
export function wrongType(col: SchemaColumn, role: Role, wanted: string): InputError {
  return new InputError(
    'wrong-type',
    `Column ${col.name} (${role}) is ${col.type.toLowerCase()} in the table, not ${wanted}`,
    `Cast it in a view (e.g. CAST(${col.name} AS ${wanted === 'a number' ? 'DOUBLE PRECISION' : 'TIMESTAMP'})) and pass the view as --table, or map another column with --map ${role}=COLUMN`,
  );
}

/** What clientele needs, for a file that has none of it. */
export function nothingToAnalyse(why: string): InputError {
  return new InputError(
    'nothing-to-analyse',
    `Nothing to analyse: ${why}`,
    'clientele needs an order log (a customer id and an order date per line, optionally amounts) or a customer table (a customer id and at least one numeric or categorical attribute)',
  );
}
