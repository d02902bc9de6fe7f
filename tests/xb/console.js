// Served by the cross-browser tests' server only (tests/xb/engines.py puts it first in index.html's
// <head>): records console.error / console.warn calls and uncaught errors in window.__xb, for an
// engine whose driver cannot report the console (WebKitWebDriver speaks classic WebDriver only).
//
// The app's workers too: PyScript starts each worker from a blob of its own code, so a worker made
// from a blob gets this file's forwarder first in its code; it sends the worker's errors and
// warnings on a BroadcastChannel that the page's part records (marked "worker:"). The page's CSP
// allows blob workers but not importing a blob, hence rebuilding the blob rather than wrapping it.
(() => {
  const log = (window.__xb = []);
  const text = (a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === "string" ? a : String(a));
  const record = (scope, post) => {
    for (const type of ["error", "warn"]) {
      const original = console[type].bind(console);
      console[type] = (...args) => {
        post({ type, text: args.map(text).join(" ") });
        original(...args);
      };
    }
    scope.addEventListener(
      "error",
      (e) => post({ type: "error", text: `pageerror: ${e.message || (e.target && (e.target.src || e.target.href)) || e}` }),
      true,
    );
    scope.addEventListener("unhandledrejection", (e) => post({ type: "error", text: `unhandledrejection: ${text(e.reason)}` }));
  };
  record(window, (m) => log.push(m));

  const CHANNEL = "xb-console";
  new BroadcastChannel(CHANNEL).onmessage = (e) => log.push({ type: e.data.type, text: `worker: ${e.data.text}` });
  const forwarder = `(() => { const channel = new BroadcastChannel(${JSON.stringify(CHANNEL)});
    const text = ${text.toString()}; (${record.toString()})(self, (m) => channel.postMessage(m)); })();\n`;
  const parts = new WeakMap(); // a Blob made of strings -> its strings
  const blobs = new Map(); // its object URL -> the Blob
  const OriginalBlob = Blob;
  window.Blob = class extends OriginalBlob {
    constructor(content = [], options) {
      super(content, options);
      if (content.every((p) => typeof p === "string")) parts.set(this, { content, options });
    }
  };
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object) => {
    const url = createObjectURL(object);
    if (parts.has(object)) blobs.set(url, object);
    return url;
  };
  const OriginalWorker = Worker;
  window.Worker = class extends OriginalWorker {
    constructor(url, options) {
      const made = parts.get(blobs.get(String(url)));
      super(made ? createObjectURL(new OriginalBlob([forwarder, ...made.content], made.options)) : url, options);
    }
  };
})();
