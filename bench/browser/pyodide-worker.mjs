// The page's row: the app's vendored Pyodide and numpy, the app's worker modules
// (py/worker-modules.zip, as worker.toml gives them to the training worker), and the
// benchmark's core (bench/convnet_core.py, or the module named by setup's "module", e.g.
// bench/peers_core.py), the same file CPython runs. Messages: {cmd, id, ...}; replies
// {id, ok, result | error}.
import { loadPyodide } from "../vendor/pyodide/pyodide.mjs";

let py = null;
let runner = null;

async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const handlers = {
  async setup({ modules, core, data, module = "convnet_core" }) {
    const start = performance.now();
    py = await loadPyodide();
    await py.loadPackage("numpy");
    py.unpackArchive(await bytes(modules), "zip", { extractDir: "/home/pyodide/modules" });
    py.FS.writeFile(`/home/pyodide/modules/${module}.py`, await bytes(core));
    py.FS.writeFile("/tmp/train.npz", await bytes(data));
    py.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/modules")
from nnfs.data.mnist import load_npz
import ${module} as _core
_runner = _core.Runner(*load_npz("/tmp/train.npz"))
`);
    runner = py.globals.get("_runner");
    return { seconds: (performance.now() - start) / 1000, python: py.runPython("import sys; sys.version"),
             numpy: py.runPython("import numpy; numpy.__version__"), platform: py.runPython("sys.platform") };
  },
  add({ name, preset, seed }) { runner.add(name, preset, seed); return null; },
  train({ name, seconds }) { return JSON.parse(runner.train_json(name, seconds)); },
  profile({ name, batches }) { return JSON.parse(runner.profile_json(name, batches)); },
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
