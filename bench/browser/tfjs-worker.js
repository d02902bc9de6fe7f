// The peers' rows: TensorFlow.js (npm @tensorflow/tfjs, and @tensorflow/tfjs-backend-wasm),
// served from the benchmark's own temporary root, never from a CDN and never by the app.
// A net is described by a spec (bench/tfjs_model.py makes it from the core's layers) and
// trained with plain SGD by hand-written core ops, so each step does what the core's does:
//   conv (valid, no bias) -> max-pool -> + bias -> activation   (network3's ConvPoolLayer)
//   dense: x W + b -> activation; softmax: x W + b, log-likelihood (softmax cross-entropy)
//   L2 as network3.py adds it: (lmbda / 2) (m / n) sum(w^2) over every weight (not biases).
// Messages: {cmd, id, ...}; replies {id, ok, result | error}.
importScripts("./tfjs/tf.min.js");

let images = null;  // uint8, one row of pixels per image (the set given to setup)
let labels = null;
// Other training sets by name (the "load" message): {images: Float32Array of rows, labels},
// e.g. the Playground's points; a net whose spec names one ("data") trains on it.
const sets = {};
const nets = {};
// TF.js's wasm backend (4.22) has no Conv2DBackpropFilter kernel, so tf.conv2d cannot be trained
// there; it has Conv3D and both of Conv3D's gradients. Where conv2d's gradient is missing, a conv
// layer runs as conv3d over a depth of 1: the same arithmetic, what a TF.js user would have to do.
let conv2dTrains = true;

async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// A small seeded generator (mulberry32) for each net's shuffles.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function permutation(n, random) {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

const ACTIVATIONS = { sigmoid: tf.sigmoid, relu: tf.relu, linear: (x) => x };

function logits(net, x) {
  const { spec, vars } = net;
  let a = x;
  spec.layers.forEach((layer, l) => {
    const [W, b] = vars[l];
    if (layer.type === "conv") {
      let z;
      if (conv2dTrains) z = tf.conv2d(a, W, 1, "valid");
      else {  // the same valid convolution as a 3-D one over a depth of 1 (see conv2dTrains)
        const [n, h, w, c] = a.shape;
        z = tf.conv3d(tf.reshape(a, [n, 1, h, w, c]), tf.reshape(W, [1, ...W.shape]), 1, "valid");
        z = tf.reshape(z, [n, z.shape[2], z.shape[3], z.shape[4]]);
      }
      if (layer.pool > 1) z = tf.maxPool(z, layer.pool, layer.pool, "valid");
      a = ACTIVATIONS[layer.activation](tf.add(z, b));
    } else {
      if (a.rank > 2) a = tf.reshape(a, [a.shape[0], -1]);
      const z = tf.add(tf.matMul(a, W), b);
      a = layer.type === "softmax" ? z : ACTIVATIONS[layer.activation](z);
    }
  });
  return a;
}

// The mean cost over the batch, as the core's costs define it (nnfs.maths.costs): z is the last
// layer's output (softmax: its logits; otherwise its activations a).
function meanCost(net, z, onehot, m) {
  if (net.spec.cost === "log-likelihood") return tf.losses.softmaxCrossEntropy(onehot, z);
  if (net.spec.cost === "quadratic") return tf.div(tf.sum(tf.square(tf.sub(z, onehot))), 2 * m);
  if (net.spec.cost === "cross-entropy") {  // sum_j -[y ln a + (1 - y) ln(1 - a)], a sigmoid's
    const a = tf.clipByValue(z, 1e-12, 1 - 1e-12);
    const each = tf.add(tf.mul(onehot, tf.log(a)), tf.mul(tf.sub(1, onehot), tf.log(tf.sub(1, a))));
    return tf.div(tf.neg(tf.sum(each)), m);
  }
  throw new Error(`unknown cost ${net.spec.cost}`);
}

function cost(net, x, onehot, m) {
  let c = meanCost(net, logits(net, x), onehot, m);
  if (net.spec.lmbda > 0) {
    const sq = net.vars.map(([W]) => tf.sum(tf.square(W)));
    c = tf.add(c, tf.mul(tf.addN(sq), (net.spec.lmbda / 2) * (m / net.spec.n)));
  }
  return c;
}

// The batch of images idx as a float32 input tensor (pixels / 255) and one-hot labels.
// A net whose spec names a loaded set ("data") takes its rows as they are (float32).
function batch(net, idx) {
  const size = net.spec.input.reduce((p, q) => p * q, 1);
  const set = net.spec.data ? sets[net.spec.data] : null;
  const rows = set ? set.images : images;
  const scale = set ? 1 : 1 / 255;
  const x = new Float32Array(idx.length * size);
  const y = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const row = rows.subarray(idx[k] * size, (idx[k] + 1) * size);
    for (let i = 0; i < size; i++) x[k * size + i] = row[i] * scale;
    y[k] = (set ? set.labels : labels)[idx[k]];
  }
  const [h, w, c] = net.spec.input;
  const conv = net.spec.layers[0].type === "conv";
  return [tf.tensor(x, conv ? [idx.length, h, w, c] : [idx.length, size]),
          tf.oneHot(tf.tensor1d(y, "int32"), net.spec.classes)];
}

const handlers = {
  async setup({ backend, wasmPath, data }) {
    const start = performance.now();
    if (backend === "wasm") {
      importScripts("./tfjs/tf-backend-wasm.min.js");
      tf.wasm.setWasmPaths(new URL(wasmPath, self.location.href).href);
    }
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not start`);
    await tf.ready();
    conv2dTrains = tf.getKernel("Conv2DBackpropFilter", tf.getBackend()) !== undefined;
    images = await bytes(data.images);
    labels = await bytes(data.labels);
    const flag = (name) => { try { return tf.env().getBool(name); } catch { return null; } };
    return {
      seconds: (performance.now() - start) / 1000, version: tf.version.tfjs, backend: tf.getBackend(),
      simd: backend === "wasm" ? flag("WASM_HAS_SIMD_SUPPORT") : null,
      threads: backend === "wasm" ? flag("WASM_HAS_MULTITHREAD_SUPPORT") : null, conv2dTrains,
      fetched: performance.getEntriesByType("resource").map((e) => e.name),
    };
  },
  // A training set of float32 rows (e.g. the Playground's points), by name.
  async load({ name, images: url, labels: labelsUrl }) {
    const raw = await bytes(url);
    sets[name] = { images: new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4),
                   labels: await bytes(labelsUrl) };
    return sets[name].labels.length;
  },
  add({ name, spec, weights, seed }) {
    if (nets[name]) nets[name].vars.flat().forEach((v) => v.dispose());
    const vars = spec.layers.map((_, l) => [0, 1].map((j) => {
      const { shape, data } = weights[2 * l + j];
      const raw = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
      return tf.variable(tf.tensor(new Float32Array(raw.buffer), shape));
    }));
    nets[name] = { spec, vars, optimizer: tf.train.sgd(spec.eta), random: generator(seed), order: null, at: 0 };
    return null;
  },
  train({ name, seconds }) {
    const net = nets[name];
    const m = net.spec.batch;
    const n = Math.min(net.spec.n, (net.spec.data ? sets[net.spec.data].labels : labels).length);
    const varList = net.vars.flat();
    const start = performance.now();
    let done = 0;
    for (;;) {
      if (net.order === null || net.at >= n) { net.order = permutation(n, net.random); net.at = 0; }
      const idx = net.order.subarray(net.at, Math.min(net.at + m, n));
      net.at += idx.length;
      const [x, y] = batch(net, idx);
      const c = net.optimizer.minimize(() => cost(net, x, y, idx.length), true, varList);
      c.dataSync();  // the step is done (and its cost read back, as the core's trainer does)
      tf.dispose([x, y, c]);
      done += idx.length;
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= seconds) return [done, elapsed];
    }
  },
  // The mean cost (no L2) of images [0, count) of the given set (or, without one, of the net's
  // own loaded set): the same as the core's from the same weights, or the two nets differ.
  async cost({ name, data, count }) {
    const net = nets[name];
    const saved = [images, labels];
    if (data) {
      images = await bytes(data.images);
      labels = await bytes(data.labels);
    }
    try {
      const idx = Int32Array.from({ length: count }, (_, i) => i);
      const [x, y] = batch(net, idx);
      const c = tf.tidy(() => meanCost(net, logits(net, x), y, count));
      const value = c.dataSync()[0];
      tf.dispose([x, y, c]);
      return value;
    } finally {
      [images, labels] = saved;
    }
  },
};

self.onmessage = async (e) => {
  const { cmd, id, ...args } = e.data;
  try {
    const result = await handlers[cmd](args);
    self.postMessage({ id, ok: true, result });
  } catch (err) {
    self.postMessage({ id, ok: false, error: String(err && err.stack || err) });
  }
};
