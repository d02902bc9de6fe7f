// Start-up watchdog and progress messages.
//
// All of the app's behaviour is Python (py/app/). This small script exists only
// for the moments when Python is not running yet, or cannot start at all (a
// runtime file missing, the page opened from file://): then no Python code can
// tell the user what happened, so this does, instead of leaving a blank page.
const html = document.documentElement;
const RUNTIME_FILES = [
  "./pyscript.toml",
  "./static/vendor/pyscript/core.js",
  "./static/vendor/pyodide/pyodide.mjs",
  "./static/vendor/pyodide/pyodide.asm.js",
  "./static/vendor/pyodide/pyodide.asm.wasm",
  "./static/vendor/pyodide/python_stdlib.zip",
  "./static/vendor/pyodide/pyodide-lock.json",
  "./static/vendor/pyodide/numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl",
  "./static/vendor/pyodide/micropip-0.11.0-py3-none-any.whl",
];
const started = performance.now();

function setStatus(text) {
  const el = document.getElementById("boot-step");
  if (el && html.dataset.ready !== "true") el.textContent = text;
}

async function missingFiles() {
  const missing = [];
  await Promise.all(RUNTIME_FILES.map(async (url) => {
    try {
      const r = await fetch(url, { method: "HEAD", cache: "no-store" });
      if (!r.ok) missing.push(`${url} (HTTP ${r.status})`);
    } catch (e) {
      missing.push(`${url} (${e.message})`);
    }
  }));
  return missing.sort();
}

let failing = false;
async function fail(reason) {
  if (failing || html.dataset.ready === "true") return; // once started, Python reports its own errors
  failing = true;
  const panel = document.getElementById("fatal");
  const detail = document.getElementById("fatal-detail");
  const fix = document.getElementById("fatal-fix");
  document.getElementById("boot")?.setAttribute("hidden", "");
  panel.hidden = false;
  detail.textContent = reason;
  if (location.protocol === "file:") {
    fix.textContent = "This page was opened as a file. Browsers do not let a file:// page load WebAssembly " +
      "modules, so serve the folder instead: run ./run serve and open the address it prints.";
    html.dataset.ready = "failed";
    return;
  }
  const missing = await missingFiles();
  fix.textContent = missing.length
    ? "These runtime files could not be loaded: " + missing.join(", ") +
      ". They are fetched and verified by the set-up step: run ./run setup (or ./run serve) in the " +
      "project folder; when publishing, upload static/vendor/ with the rest of the site."
    : "Reload the page. If it happens again, open the browser's console for details and report it.";
  html.dataset.ready = "failed"; // last: the panel is complete when tests (and people) read it
}

if (location.protocol === "file:") {
  addEventListener("DOMContentLoaded", () => fail("Python could not start."));
}
addEventListener("py:progress", (event) => setStatus(String(event.detail)));
addEventListener("error", (event) => {
  if (html.dataset.ready !== "true") fail(event.message || "A start-up script failed to load.");
}, true);
addEventListener("unhandledrejection", (event) => {
  const r = event.reason;
  fail("Python could not start: " + (r && r.message ? r.message : String(r)));
});
// PyScript reports start-up errors as .py-error boxes: treat one before "ready" as fatal.
new MutationObserver(() => {
  const box = document.querySelector(".py-error");
  if (box && html.dataset.ready !== "true") fail(box.textContent.trim());
}).observe(document.documentElement, { childList: true, subtree: true });
// Pyodide's loader does not always reject when a file is missing (a 404 for the
// WebAssembly module leaves it waiting forever), so watch the responses too.
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.responseStatus >= 400 && !html.dataset.ready) {
        fail(`${new URL(entry.name).pathname} could not be loaded (HTTP ${entry.responseStatus}).`);
      }
    }
  }).observe({ type: "resource", buffered: true });
} catch (e) { /* older browsers: the timers below still catch it */ }
// A start that takes far too long is checked and reported (it still finishes if it can).
setTimeout(async () => {
  if (html.dataset.ready) return;
  if ((await missingFiles()).length) { fail("Python has not started after 30 s."); return; }
  setStatus("Still starting… this is taking unusually long (" +
    Math.round((performance.now() - started) / 1000) + " s). A slow disk or network can do this.");
}, 30000);
