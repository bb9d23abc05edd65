'use strict';
// The demo anomaly job written the way a Node.js user would write it, as a baseline for benchmarks/run:
// subscribe sensors/+/+, decode {"ts","value"} (or a bare number), keep a window per topic, z-score it with
// the series' running statistics, reconstruct it with the same nab-ae ONNX model (onnxruntime-node), turn the
// reconstruction error into the same likelihood score (range break, seasonal channel, hysteresis alarms) and
// publish the same result JSON to edgeai/anomaly/<device>/<quantity> (alarm edges also to edgeai/alarm/...).
// A port of the gateway's AnomalyScorer (bundles/pipeline .../detect); model parameters come from model.json.
//
// Usage: node peer.js --broker mqtt://127.0.0.1:1883 --model nab-ae.onnx --descriptor model.json [--qos 0]
// Prints "ready" once subscribed; exits on SIGTERM or when stdin closes.

const fs = require('fs');
const mqtt = require('mqtt');
const ort = require('onnxruntime-node');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const descriptor = JSON.parse(fs.readFileSync(arg('descriptor')));
const p = descriptor.properties || {};
const num = (k, d) => (p[k] === undefined ? d : Number(p[k]));
const S = {
  windowSize: num('window.size', 64),
  stdFloor: num('normaliser.std.floor', 1e-3),
  clip: num('normaliser.clip', 20),
  errorTail: num('error.tail', 64),
  learningRows: num('likelihood.learning.rows', 150),
  historyRows: num('likelihood.history.rows', 8640),
  averageRows: num('likelihood.average.rows', 1),
  reestimateRows: num('likelihood.reestimate.rows', 100),
  logScale: num('likelihood.log.scale', 30),
  spatialTolerance: num('spatial.tolerance', 0.02),
  threshold: num('threshold', 0.5),
  seasonMillis: Math.round(num('season.hours', 0) * 3.6e6),
  seasonAverageRows: num('season.average.rows', 1),
  seasonWeight: num('season.weight', 1),
};
S.clearThreshold = Math.min(num('clear.threshold', S.threshold * 0.8), S.threshold);
const RAISE_COUNT = 1;
const CLEAR_COUNT = 12;
const MODEL_ID = descriptor.name + '@' + descriptor.version;
const INPUT = descriptor.inputs[0].name;
const OUTPUT = descriptor.outputs[0].name;
const QOS = Number(arg('qos', '0'));

const LN10 = Math.log(10);
function logErfc(x) {
  const t = 1.0 / (1.0 + 0.5 * x);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
      + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
      + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}
function minusLog10Tail(z) {
  const x = z / Math.sqrt(2);
  const logTail = x >= 0 ? Math.log(0.5) + logErfc(x) : Math.log(1 - 0.5 * Math.exp(logErfc(-x)));
  return -logTail / LN10;
}

class Likelihood {
  constructor() {
    this.recent = new Float64Array(S.averageRows);
    this.history = new Float64Array(S.historyRows);
    this.maxRows = new Float64Array(S.historyRows);
    this.maxHead = 0; this.maxSize = 0; this.recentSum = 0; this.count = 0; this.mean = 0; this.std = 0;
  }
  learning() { return this.count <= S.learningRows; }
  maxOfHistory() {
    return this.maxSize === 0 ? -Infinity : this.history[this.maxRows[this.maxHead] % this.history.length];
  }
  pushMax(row, average) {
    const cap = this.maxRows.length;
    const h = this.history;
    while (this.maxSize > 0 && h[this.maxRows[(this.maxHead + this.maxSize - 1) % cap] % h.length] <= average) {
      this.maxSize--;
    }
    if (this.maxSize > 0 && this.maxRows[this.maxHead] <= row - h.length) {
      this.maxHead = (this.maxHead + 1) % cap;
      this.maxSize--;
    }
    this.maxRows[(this.maxHead + this.maxSize) % cap] = row;
    this.maxSize++;
  }
  estimate() {
    const n = Math.min(this.count, this.history.length);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.history[i];
    this.mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (this.history[i] - this.mean) ** 2;
    this.std = Math.max(Math.sqrt(sq / n), 1e-6);
  }
  update(error) {
    const slot = this.count % this.recent.length;
    this.recentSum += error - this.recent[slot];
    this.recent[slot] = error;
    const average = this.recentSum / Math.min(this.count + 1, this.recent.length);
    const previousMax = this.maxOfHistory();
    this.history[this.count % this.history.length] = average;
    this.pushMax(this.count, average);
    this.count++;
    if (this.learning()) return 0;
    if ((this.count - S.learningRows - 1) % S.reestimateRows === 0) this.estimate();
    if (!(average > previousMax) || average <= 0) return 0;
    const z = (average - this.mean) / this.std;
    const l = Math.min(1.0, minusLog10Tail(z) / S.logScale);
    return l * (1.0 - Math.max(0, previousMax) / average);
  }
}

class Seasonal {
  constructor() {
    this.firstTimes = []; this.squares = new Float64Array(S.seasonAverageRows);
    this.ring = null; this.count = 0; this.squareSum = 0; this.squareCount = 0;
  }
  learned() { return this.ring !== null && this.ring.length > 0 && this.squareCount >= this.ring.length; }
  update(ts, value) {
    if (this.ring === null) {
      if (this.firstTimes.length < 33) {
        this.firstTimes.push(ts);
        if (this.firstTimes.length < 33) return NaN;
      }
      const diffs = [];
      for (let i = 1; i < 33; i++) diffs.push(this.firstTimes[i] - this.firstTimes[i - 1]);
      diffs.sort((a, b) => a - b);
      const spacing = diffs[diffs.length >> 1];
      const lag = spacing > 0 ? Math.round(S.seasonMillis / spacing) : 0;
      this.ring = lag < 2 || lag > 20000 ? new Float64Array(0) : new Float64Array(lag);
    }
    if (this.ring.length === 0) return NaN;
    const slot = this.count % this.ring.length;
    const previous = this.ring[slot];
    this.ring[slot] = value;
    this.count++;
    if (this.count <= this.ring.length) return NaN;
    const d = value - previous;
    const s = this.squareCount % this.squares.length;
    this.squareSum += d * d - this.squares[s];
    this.squares[s] = d * d;
    this.squareCount++;
    return Math.sqrt(Math.max(0, this.squareSum) / Math.min(this.squareCount, this.squares.length));
  }
}

class Series {
  constructor() {
    this.ring = new Float64Array(S.windowSize); this.next = 0; this.filled = 0;
    this.n = 0; this.mean = 0; this.m2 = 0;
    this.empty = true; this.min = 0; this.max = 0;
    this.likelihood = new Likelihood();
    this.season = S.seasonMillis > 0 ? new Seasonal() : null;
    this.seasonLikelihood = S.seasonMillis > 0 ? new Likelihood() : null;
    this.input = new Float32Array(S.windowSize);
    this.alarm = false; this.run = 0;
  }
  outside(v) {
    if (this.empty) { this.min = v; this.max = v; this.empty = false; return false; }
    const slack = S.spatialTolerance * (this.max - this.min);
    const out = S.spatialTolerance >= 0 && this.max > this.min && (v > this.max + slack || v < this.min - slack);
    this.min = Math.min(this.min, v); this.max = Math.max(this.max, v);
    return out;
  }
  std() {
    const sd = this.n === 0 ? 0 : Math.sqrt(Math.max(0, this.m2 / this.n));
    return Math.max(sd, S.stdFloor * Math.max(1.0, Math.abs(this.mean)));
  }
  decide(score) {
    if (!this.alarm) {
      this.run = score >= S.threshold ? this.run + 1 : 0;
      if (this.run >= RAISE_COUNT) { this.alarm = true; this.run = 0; return 'alarm'; }
    } else {
      this.run = score < S.clearThreshold ? this.run + 1 : 0;
      if (this.run >= CLEAR_COUNT) { this.alarm = false; this.run = 0; return 'normal'; }
    }
    return null;
  }
}

async function score(session, ser, ts, value) {
  ser.ring[ser.next] = value; ser.next = (ser.next + 1) % ser.ring.length; ser.filled++;
  let seasonal = 0;
  if (ser.season) {
    const e = ser.season.update(ts, value);
    if (!Number.isNaN(e)) {
      const l = ser.seasonLikelihood.update(e);
      if (!ser.seasonLikelihood.learning() && ser.season.learned()) seasonal = S.seasonWeight * l;
    }
  }
  ser.n++;
  const delta = value - ser.mean;
  ser.mean += delta / ser.n;
  ser.m2 += delta * (value - ser.mean);
  const outside = ser.outside(value);
  if (ser.filled < ser.ring.length) return { score: 0, warmingUp: true };
  const mean = ser.mean; const std = ser.std(); const w = ser.ring.length;
  for (let i = 0; i < w; i++) {
    const z = (ser.ring[(ser.next + i) % w] - mean) / std;
    ser.input[i] = Math.max(-S.clip, Math.min(S.clip, z));
  }
  const out = await session.run({ [INPUT]: new ort.Tensor('float32', ser.input, [1, w]) });
  const rec = out[OUTPUT].data;
  let sum = 0;
  for (let i = w - S.errorTail; i < w; i++) { const d = rec[i] - ser.input[i]; sum += d * d; }
  const error = sum / S.errorTail;
  const likelihood = ser.likelihood.update(error);
  if (ser.likelihood.learning()) return { score: 0, warmingUp: true };
  return { score: outside ? 1.0 : Math.max(likelihood, seasonal), warmingUp: false };
}

function decode(topic, payload) {
  const levels = topic.split('/');
  if (levels.length < 3) return null;
  const device = levels[levels.length - 2]; const quantity = levels[levels.length - 1];
  let root;
  try { root = JSON.parse(payload.toString('utf8')); } catch (e) { return null; }
  if (typeof root === 'number') {
    const now = Date.now();
    return { device, quantity, ts: new Date(now).toISOString(), epoch: now, value: root };
  }
  if (root === null || typeof root !== 'object' || typeof root.value !== 'number') return null;
  if (typeof root.ts === 'number') return { device, quantity, ts: String(root.ts), epoch: root.ts, value: root.value };
  if (typeof root.ts === 'string') return { device, quantity, ts: root.ts, epoch: Date.parse(root.ts), value: root.value };
  const now = Date.now();
  return { device, quantity, ts: new Date(now).toISOString(), epoch: now, value: root.value };
}

async function main() {
  const session = await ort.InferenceSession.create(arg('model'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const client = mqtt.connect(arg('broker'), { clientId: 'edgeai-node-peer-' + process.pid, clean: true });
  const series = new Map();
  // a FIFO with O(1) take (Array.shift copies on long backlogs)
  let queue = [];
  let head = 0;
  let busy = false;
  async function drain() {
    if (busy) return;
    busy = true;
    while (head < queue.length) {
      const [topic, payload] = queue[head];
      queue[head++] = undefined;
      if (head > 65536 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      const r = decode(topic, payload);
      if (r === null || !Number.isFinite(r.value)) continue;
      const key = topic;
      let ser = series.get(key);
      if (!ser) { ser = new Series(); series.set(key, ser); }
      const s = await score(session, ser, r.epoch, r.value);
      const event = s.warmingUp ? null : ser.decide(s.score);
      const result = { device: r.device, quantity: r.quantity, ts: r.ts, value: r.value,
        score: Math.round(s.score * 1e6) / 1e6, anomaly: ser.alarm };
      if (event) result.event = event;
      result.warmingUp = s.warmingUp;
      result.model = MODEL_ID;
      const out = JSON.stringify(result);
      const suffix = '/' + r.device + '/' + r.quantity;
      client.publish('edgeai/anomaly' + suffix, out, { qos: QOS });
      if (event) client.publish('edgeai/alarm' + suffix, out, { qos: 1 });
    }
    busy = false;
  }
  client.on('message', (topic, payload) => { queue.push([topic, payload]); drain(); });
  client.on('connect', () => {
    client.subscribe('sensors/+/+', { qos: QOS }, (err) => {
      if (err) { console.error(err); process.exit(2); }
      console.log('ready');
    });
  });
  const stop = () => { client.end(true); session.release && session.release(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((e) => { console.error(e); process.exit(1); });
