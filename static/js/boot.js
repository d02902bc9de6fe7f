// Start-up watchdog and progress messages.
//
// All of the app's behaviour is Python (py/app/). This small script exists only
// for the moments when Python is not running yet, or cannot start at all (a
// runtime file missing or damaged, the server gone): then no Python code can tell
// the user what happened, so this does, instead of leaving a blank page or a
// runtime's own confusing message. (A page opened from file:// never runs this
// module: static/js/file-page.js, a classic script, speaks there.)
const html = document.documentElement;
// Tests shorten the watchdog to avoid waiting 30 s for a start that cannot happen.
const WATCHDOG_MS = globalThis.nnfsWatchdogMs ?? 30000;
const SETUP = "They are fetched and verified by the set-up step: run ./run setup (or ./run serve) in the " +
  "project folder, then reload; when publishing, upload static/vendor/ with the rest of the site.";
const started = performance.now();

function setStatus(text) {
  const el = document.getElementById("boot-step");
  if (el && html.dataset.ready !== "true") el.textContent = text;
}

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Each runtime file fetched again and compared with static/js/runtime-files.json
// (written by tools/runtime_files.py): what is missing, cut short or damaged.
// Throws when the server itself does not answer.
async function damagedFiles() {
  const list = await fetch("./static/js/runtime-files.json", { cache: "no-store" });
  if (!list.ok) throw new Error(`static/js/runtime-files.json: HTTP ${list.status}`);
  const problems = [];
  for (const file of (await list.json()).files) { // one at a time: 17 MB in parallel helps nobody
    const name = file.url.replace("./", "");
    let r;
    try {
      r = await fetch(file.url, { cache: "no-store" });
    } catch (e) {
      throw new Error(`${name}: ${e.message}`);
    }
    if (!r.ok) { problems.push(`${name} (HTTP ${r.status})`); continue; }
    let body;
    try {
      body = await r.arrayBuffer();
    } catch (e) {
      throw new Error(`${name} broke off: ${e.message}`);
    }
    if (body.byteLength !== file.bytes) {
      problems.push(`${name} (${body.byteLength.toLocaleString("en")} of ${file.bytes.toLocaleString("en")} bytes)`);
    } else if (globalThis.crypto?.subtle && await sha256(body) !== file.sha256) {
      problems.push(`${name} (damaged: its sha256 differs from the pinned one)`);
    }
  }
  return problems;
}

let failing = false;
async function fail(reason, checked = null) {
  if (failing || html.dataset.ready === "true") return; // once started, Python reports its own errors
  failing = true;
  const detail = document.getElementById("fatal-detail");
  const fix = document.getElementById("fatal-fix");
  document.getElementById("boot")?.setAttribute("hidden", "");
  document.getElementById("fatal").hidden = false;
  // The runtime's own words (a traceback, markup) are kept for the curious, not shown as the answer.
  document.getElementById("fatal-raw").textContent = String(reason).slice(0, 4000);
  detail.textContent = "Checking Python's runtime files…";
  try {
    const problems = checked ?? await damagedFiles();
    if (problems.length) {
      detail.textContent = "Python's runtime files are missing or damaged, so Python cannot start.";
      fix.textContent = "These runtime files are missing or damaged: " + problems.join(", ") + ". " + SETUP;
    } else {
      detail.textContent = String(reason).split("\n")[0].slice(0, 300);
      fix.textContent = "The runtime files are all present and intact. Reload the page. If it happens " +
        "again, open the browser's console for details and report it.";
    }
  } catch (e) {
    detail.textContent = "The server stopped answering while the page was loading (" + e.message + ").";
    fix.textContent = "Start it again with ./run serve (which also runs ./run setup to check the runtime " +
      "files) and reload the page; on a published site, check that every file was uploaded.";
  }
  html.dataset.ready = "failed"; // last: the panel is complete when tests (and people) read it
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
} catch (e) { /* older browsers: the timer below still catches it */ }
// A damaged file (cut short, empty) can leave the runtime waiting for ever without
// an error: a start that takes far too long is checked, and reported if a file is at fault.
setTimeout(async () => {
  if (html.dataset.ready || failing) return;
  const seconds = Math.round((performance.now() - started) / 1000);
  let problems;
  try {
    problems = await damagedFiles();
  } catch (e) {
    fail(`Python has not started after ${seconds} s.`); // fail() finds the server gone and says so
    return;
  }
  if (problems.length) { fail(`Python has not started after ${seconds} s.`, problems); return; }
  setStatus("Still starting… this is taking unusually long (" + seconds +
    " s). A slow disk or network can do this.");
}, WATCHDOG_MS);
