// Served by the cross-browser tests' server only (tests/xb/engines.py puts it first in index.html's
// <head>): records console.error / console.warn calls and uncaught errors in window.__xb, for an
// engine whose driver cannot report the console (WebKitWebDriver speaks classic WebDriver only).
(() => {
  const log = (window.__xb = []);
  const text = (a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === "string" ? a : String(a));
  for (const type of ["error", "warn"]) {
    const original = console[type].bind(console);
    console[type] = (...args) => {
      log.push({ type, text: args.map(text).join(" ") });
      original(...args);
    };
  }
  addEventListener(
    "error",
    (e) => log.push({ type: "error", text: `pageerror: ${e.message || (e.target && (e.target.src || e.target.href)) || e}` }),
    true,
  );
  addEventListener("unhandledrejection", (e) => log.push({ type: "error", text: `unhandledrejection: ${text(e.reason)}` }));
})();
