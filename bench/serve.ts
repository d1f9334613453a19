/**
 * Question: does `clientele serve` answer single customers within 10 ms at the 99th percentile while held at
 * 2,000 requests per second on this 2-core machine, how fast does it score 1,000-customer batches, and does a
 * long run stay free of errors and memory growth? Starts the built CLI (`node dist/cli/main.js serve`, JSON
 * logs at the default info level, written to a file) on 127.0.0.1 with the model.json `analyze` wrote, loads
 * it with autocannon over loopback for a fixed time per phase, and prints throughput, p50/p99 latency (corrected
 * for coordinated omission when the rate is held), errors and the server's RSS at the start and end of each
 * phase, then where the time of one request goes, measured in process. Needs `npm run build`.
 *   npx tsx bench/serve.ts [--file data/online-retail.csv.gz] [--model out/model.json] [--duration 10] [--rate 2000] [--log-level info]
 */
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { closeSync, mkdtempSync, openSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { analyze } from '../src/pipeline/analyze.js';
import { customerInput } from '../src/pipeline/customer-input.js';
import type { CustomerInput, CustomerRecord } from '../src/scoring/contract.js';
import { inputToRecords } from '../src/scoring/input-records.js';
import { recordsToInput } from '../src/scoring/records.js';
import { scoreInput, scoreRows } from '../src/scoring/score.js';
import { buildLoadedModel, registryLoader } from '../src/serve/loaded-model.js';
import { parseJsonBody } from '../src/serve/json-body.js';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: 'data/online-retail.csv.gz' },
    model: { type: 'string' },
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '16' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const DURATION = Number(args.duration);
const RATE = Number(args.rate);
const BATCH = Number(args.batch);
const CONNECTIONS = Number(args.connections);
const TARGET_P99_MS = 10;

// The model, and the customers it was trained on as the records a client posts (features and purchase days).
let modelPath = args.model;
if (!modelPath) {
  const out = mkdtempSync(join(tmpdir(), 'clientele-serve-bench-'));
  execFileSync(process.execPath, ['dist/cli/main.js', 'analyze', args.file, '--out', out, '-q'], { stdio: 'inherit' });
  modelPath = join(out, 'model.json');
}
const model = buildLoadedModel(modelPath, readFileSync(modelPath, 'utf8'), { loader: registryLoader, maxBatch: 10_000, auth: false });
console.log(`load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (the machine is shared; a busy one lengthens the tail)`);
const a = await analyze(args.file, {});
let records: CustomerRecord[];
try {
  records = inputToRecords(await customerInput(a, model.scorer.inputs));
} finally {
  await a.engine.close();
}
const asOf = a.asOf as string;
console.log(`model ${model.ref.kind} (${model.scorer.inputs.features.length} features, purchases ${model.scorer.inputs.purchases}) from ${args.file}; ${records.length} customers, as of ${asOf}`);

// The server under test, in its own process as in production, so the load generator has the other core. Its log
// goes to a file: a pipe read by this (busy) process would fill and block the server's synchronous writes.
const logPath = join(mkdtempSync(join(tmpdir(), 'clientele-serve-bench-log-')), 'serve.log');
const logFd = openSync(logPath, 'w');
const server = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--model', modelPath, '--port', '0', '--watch-interval', '0', '--log-level', args['log-level']], {
  stdio: ['ignore', logFd, 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  server.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
  const poll = setInterval(() => {
    const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(logPath, 'utf8'));
    if (m) {
      clearInterval(poll);
      resolve(m[1]);
    }
  }, 50);
});

function rssMB(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

interface Phase {
  title: string;
  path: string;
  bodies: string[];
  rate?: number;
  connections: number;
  duration: number;
}

interface Outcome {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  rssStart: number;
  rssEnd: number;
  /** Wall-clock span of the phase, to find its requests in the server's log. */
  from: number;
  to: number;
}

async function load(p: Phase): Promise<Outcome> {
  const rssStart = rssMB();
  const from = Date.now();
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: p.connections,
    duration: p.duration,
    ...(p.rate ? { overallRate: p.rate } : {}),
    requests: p.bodies.map((body) => ({ path: p.path, body })),
  });
  const rssEnd = rssMB();
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
    rssStart,
    rssEnd,
    from,
    to: Date.now(),
  };
}

/** The server's own time per request (Fastify's responseTime: from the request's arrival to the reply), from its log. */
function serverTimes(o: Outcome): string {
  const times: number[] = [];
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line.includes('"request completed"')) continue;
    const l = JSON.parse(line) as { time: number; responseTime: number };
    if (l.time >= o.from && l.time <= o.to) times.push(l.responseTime);
  }
  if (times.length === 0) return '';
  times.sort((x, y) => x - y);
  return `; in the server p50 ${times[Math.floor(times.length / 2)].toFixed(2)} ms, p99 ${times[Math.floor(times.length * 0.99)].toFixed(2)} ms`;
}

function report(title: string, o: Outcome): void {
  console.log(
    `${title}: ${o.rps.toFixed(0)} req/s (${o.requests} requests), latency p50 ${o.p50.toFixed(2)} ms, p99 ${o.p99.toFixed(2)} ms, max ${o.max.toFixed(1)} ms; ` +
      `errors ${o.errors}${serverTimes(o)}; server RSS ${o.rssStart.toFixed(0)} MB at start, ${o.rssEnd.toFixed(0)} MB at end (${(o.rssEnd - o.rssStart >= 0 ? '+' : '') + (o.rssEnd - o.rssStart).toFixed(1)} MB)`,
  );
}

/**
 * An open-loop load at a steady rate, as wrk2 does: request i is due at start + i/rate whatever happened to
 * the ones before, and its latency counts from when it was due, so a stall of the server delays (and is charged
 * to) every request due during it. autocannon's overallRate instead sends each connection's per-second quota in a
 * burst at the start of each second, and corrects for coordinated omission as if requests were 1 ms apart.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
interface PacedOutcome extends Outcome {
  /** Requests whose latency from their due time exceeded the target. */
  over: number;
  /** p99 of how late this process sent requests: the load generator's own stalls, charged to the latency above. */
  sendLateP99: number;
  /** p99 from the actual send to the answer: the service and the kernel, without the generator's stalls. */
  fromSendP99: number;
  /** The server's RSS every 10 s of the phase, in MB: a plateau, not a climb, is no leak. */
  rssEvery10s: number[];
}

const quantile = (sorted: Float64Array, f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];

async function paced(p: Phase & { rate: number }): Promise<PacedOutcome> {
  const rssStart = rssMB();
  const rssEvery10s: number[] = [];
  const from = Date.now();
  const u = new URL(url);
  const total = Math.round(p.rate * p.duration);
  const fromDue = new Float64Array(total);
  const fromSend = new Float64Array(total);
  const late = new Float64Array(total);
  let done = 0;
  let errors = 0;
  let sent = 0;
  const t0 = performance.now() + 50;
  const sampler = setInterval(() => rssEvery10s.push(rssMB()), 10_000);
  await new Promise<void>((resolve) => {
    const fire = (i: number) => {
      const due = t0 + (i * 1000) / p.rate;
      const at = performance.now();
      late[i] = at - due;
      const body = p.bodies[i % p.bodies.length];
      const finish = () => {
        const now = performance.now();
        fromDue[i] = now - due;
        fromSend[i] = now - at;
        if (++done === total) resolve();
      };
      const req = httpRequest(
        { hostname: u.hostname, port: u.port, path: p.path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            finish();
          });
        },
      );
      req.on('error', () => {
        errors++;
        finish();
      });
      req.end(body);
    };
    const tick = setInterval(() => {
      const now = performance.now();
      while (sent < total && t0 + (sent * 1000) / p.rate <= now) fire(sent++);
      if (sent === total) clearInterval(tick);
    }, 1);
  });
  clearInterval(sampler);
  const sorted = fromDue.sort();
  const firstOver = sorted.findIndex((v) => v > TARGET_P99_MS);
  return {
    rps: total / ((performance.now() - t0) / 1000),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    requests: total,
    errors,
    rssStart,
    rssEnd: rssMB(),
    from,
    to: Date.now(),
    over: firstOver < 0 ? 0 : total - firstOver,
    sendLateP99: quantile(late.sort(), 0.99),
    fromSendP99: quantile(fromSend.sort(), 0.99),
    rssEvery10s,
  };
}

const singles = Array.from({ length: 256 }, (_, i) => JSON.stringify(records[(i * 7919) % records.length]));
const batches = Array.from({ length: 4 }, (_, b) =>
  JSON.stringify({ as_of: asOf, customers: Array.from({ length: BATCH }, (_, i) => records[(b * BATCH + i) % records.length]) }),
);
const singlePath = `/v1/score?as_of=${asOf}`;
let failed = false;
try {
  // Warm-up at the same rate: the JIT compiles the scoring path and the client opens its connections; not reported.
  await paced({ title: 'warm-up', path: singlePath, bodies: singles, rate: RATE, connections: 0, duration: 3 });
  const steady = await paced({ title: 'paced', path: singlePath, bodies: singles, rate: RATE, connections: 0, duration: DURATION });
  report(`single customers, steady open-loop ${RATE} req/s, ${DURATION} s`, steady);
  console.log(`  p99 ${steady.p99.toFixed(2)} ms against the ${TARGET_P99_MS} ms target: ${(steady.p99 / TARGET_P99_MS).toFixed(2)}x of it; ${steady.over} of ${steady.requests} requests over ${TARGET_P99_MS} ms`);
  console.log(`  p99 of this generator's send delay ${steady.sendLateP99.toFixed(2)} ms; p99 from the actual send ${steady.fromSendP99.toFixed(2)} ms`);
  if (steady.rssEvery10s.length) console.log(`  server RSS every 10 s: ${steady.rssEvery10s.map((x) => x.toFixed(0)).join(', ')} MB`);
  const held = await load({ title: 'single', path: singlePath, bodies: singles, rate: RATE, connections: CONNECTIONS, duration: Math.min(DURATION, 10) });
  report(`single customers, autocannon overallRate ${RATE}, ${CONNECTIONS} connections (bursts, see above)`, held);
  const open = await load({ title: 'single max', path: singlePath, bodies: singles, connections: CONNECTIONS, duration: Math.min(DURATION, 10) });
  report(`single customers, autocannon as fast as it goes, ${CONNECTIONS} connections`, open);
  const batch = await load({ title: 'batch', path: '/v1/score', bodies: batches, connections: 2, duration: Math.min(DURATION, 10) });
  report(`${BATCH}-customer batches, autocannon as fast as it goes, 2 connections`, batch);
  console.log(`  ${(batch.rps * BATCH).toFixed(0)} customers/s in batches against ${open.rps.toFixed(0)} customers/s one per request: ${((batch.rps * BATCH) / open.rps).toFixed(1)}x`);
  failed = steady.errors + held.errors + open.errors + batch.errors > 0;
} finally {
  agent.destroy();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
}
closeSync(logFd);
console.log(`server log (--log-level ${args['log-level']}): ${(statSync(logPath).size / 1024 / 1024).toFixed(1)} MB of JSON lines; exit on SIGTERM ${server.exitCode}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// Where one request's time goes, in process: the parts the service runs per request, each timed alone; the
// fastest of 5 blocks, as other work on a shared machine only ever adds time.
function perCall(label: string, f: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(n, 200); i++) f();
  let best = Infinity;
  for (let block = 0; block < 5; block++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, ((performance.now() - t0) / n) * 1000);
  }
  console.log(`  ${label.padEnd(46)} ${best.toFixed(1).padStart(9)} µs`);
  return best;
}
for (const [what, n, text] of [
  ['one customer', 1000, singles[0]],
  [`${BATCH} customers`, 10, batches[0]],
] as const) {
  console.log(`time per request, ${what} (in process, mean of the fastest of 5 blocks):`);
  const body = parseJsonBody(text) as CustomerRecord | { customers: CustomerRecord[] };
  const list = 'customers' in body ? body.customers : [body];
  perCall('JSON.parse (secure-json-parse)', () => parseJsonBody(text), n);
  perCall('schema validation (ajv)', () => model.validateBody(body), n);
  perCall('recordsToInput', () => recordsToInput(list, model.scorer.inputs, asOf), n);
  const input = recordsToInput(list, model.scorer.inputs, asOf);
  const parts = (model.scorer as { parts?: Record<string, { score(i: CustomerInput): unknown }> }).parts;
  if (parts) for (const [name, part] of Object.entries(parts)) perCall(`score: ${name}`, () => part.score(input), n);
  else perCall('score', () => model.scorer.score(input), n);
  const rows = scoreRows(scoreInput(model.scorer, input));
  perCall('scoreInput + scoreRows (all parts, as rows)', () => scoreRows(scoreInput(model.scorer, input)), n);
  perCall('JSON.stringify of the answer', () => JSON.stringify({ as_of: asOf, model: model.ref, scores: rows }), n);
}
// RSS moves with V8's heap sizing; the live heap after a full collection is what a leak would grow. A service in
// this process takes single customers on 8 keep-alive connections, and the heap is weighed every 10,000 requests.
{
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { buildServer } = await import('../src/serve/server.js');
  const svc = await buildServer({ modelPath, logger: { level: 'info', stream: { write: () => {} } }, bodyLimit: 16 * 1024 * 1024, maxBatch: 10_000, watchIntervalMs: 0 });
  const local = await svc.app.listen({ host: '127.0.0.1', port: 0 });
  const u = new URL(local);
  const ka = new Agent({ keepAlive: true, maxSockets: 8 });
  const one = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest({ hostname: u.hostname, port: u.port, path: singlePath, method: 'POST', agent: ka, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const heap: string[] = [];
  let bad = 0;
  for (let round = 0; round <= 5; round++) {
    if (round > 0) {
      for (let i = 0; i < 10_000; i += 8) {
        const codes = await Promise.all(Array.from({ length: 8 }, (_, k) => one(singles[(i + k) % singles.length])));
        bad += codes.filter((c) => c !== 200).length;
      }
    }
    gc();
    gc();
    heap.push((process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1));
  }
  ka.destroy();
  await svc.app.close();
  console.log(`live heap after a full GC, every 10,000 requests (in process): ${heap.join(', ')} MB; ${bad} answers not 200`);
  failed ||= bad > 0;
}
if (failed) {
  console.log('FAILED: some requests did not get a 200');
  process.exitCode = 1;
}
