// Service worker: the app works offline after the first visit, and updates as a whole.
//
// Python (py/app/shell/offline.py) registers it once the page is ready and then posts
// "check". The worker answers from one versioned cache, "nnfs-<hash>":
//
// * what it holds: the app shell, read from the site itself so that no list needs
//   keeping by hand: index.html and every "./…" file it names, the [files] of
//   pyscript.toml and worker.toml, the worker's entry, the runtime files listed in
//   static/js/runtime-files.json; plus the data files (static/data/, static/models/)
//   once the page has fetched them;
// * "check": every file is fetched again (conditional requests: cheap 304s) and
//   hashed. The first time, that is the cache. Later, if any file differs, a
//   complete new cache is written beside the old one and the page is told an
//   update is ready. The switch happens at the next page load with no other tab
//   open on the old version, and the old cache is then deleted: a page never gets
//   a mix of old and new files;
// * every other request the page makes is answered from the current cache, or
//   goes to the network as if there were no service worker. A data file that is not
//   kept and cannot be fetched (offline, server gone) is answered 503 with a header
//   "X-Not-Kept" and a sentence saying so, which the page and the workers show as it is;
// * "data-status" / "keep-data" (the page's "Keep the data for offline use"): which of
//   the data files the page names are kept; fetch and keep the others, with progress.
//
// Paths are relative to the worker's scope, so the site works under any URL prefix.
// The page checks data files against their sha256 itself, wherever they come from.

const SCOPE = self.registration.scope; // ends with "/"
const META = "nnfs-meta";              // which versioned cache is current, which is pending
const STATE = "__offline__/files.json"; // in each versioned cache: {url: sha256}
const RUNTIME_CACHED = ["static/data/", "static/models/"]; // cached once fetched
const SHELL = ["index.html", "pyscript.toml", "worker.toml", "py/worker/trainer.py", "py/worker/checker.py",
  "static/js/runtime-files.json", "manifest.webmanifest"];

const abs = (path) => new URL(path, SCOPE).href;
const rel = (url) => url.startsWith(SCOPE) ? url.slice(SCOPE.length) : null;

async function meta(key, value) {
  const cache = await caches.open(META);
  if (value === undefined) {
    const r = await cache.match(abs(key));
    return r ? r.text() : null;
  }
  if (value === null) return cache.delete(abs(key));
  return cache.put(abs(key), new Response(value));
}

async function fetchText(path) {
  const r = await fetch(abs(path), { cache: "no-cache" });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.text();
}

// The app shell's files, as paths relative to the scope, read from the site itself.
async function shellFiles() {
  const [html, page, worker, runtime, webmanifest] = await Promise.all(
    ["index.html", "pyscript.toml", "worker.toml", "static/js/runtime-files.json", "manifest.webmanifest"]
      .map(fetchText));
  const files = new Set(SHELL);
  for (const m of html.matchAll(/(?:src|href)="\.\/([^"#?]+)"/g)) files.add(m[1]);
  for (const icon of JSON.parse(webmanifest).icons ?? []) files.add(icon.src.replace(/^\.\//, ""));
  for (const toml of [page, worker]) {
    for (const m of toml.matchAll(/^"\.\/(py\/[^"]+)"\s*=/gm)) files.add(m[1]);
  }
  for (const f of JSON.parse(runtime).files) files.add(f.url.replace(/^\.\//, ""));
  return [...files].filter((p) => !RUNTIME_CACHED.some((d) => p.startsWith(d))).sort();
}

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// A stored copy: the decoded body with its type and length (a compressed response's
// own Content-Encoding and Content-Length would no longer describe it).
function stored(body, type) {
  return new Response(body, { headers: { "Content-Type": type || "application/octet-stream",
    "Content-Length": String(body.byteLength) } });
}

let checking = null;

// Fetch every file again; make the first cache, or a pending one if anything changed.
async function check() {
  const current = await meta("current");
  const old = current ? await caches.open(current) : null;
  const oldState = old ? await (await old.match(abs(STATE)))?.json() ?? {} : {};
  const paths = await shellFiles();
  // The data files kept so far belong to the new version too.
  for (const url of Object.keys(oldState)) {
    const p = rel(url);
    if (p && RUNTIME_CACHED.some((d) => p.startsWith(d)) && !paths.includes(p)) paths.push(p);
  }
  const state = {};
  const bodies = [];
  for (const p of paths) { // one at a time: the page is running meanwhile
    const r = await fetch(abs(p), { cache: "no-cache" });
    if (r.status === 404 && RUNTIME_CACHED.some((d) => p.startsWith(d))) continue; // gone from the site
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
    const body = await r.arrayBuffer();
    state[abs(p)] = await sha256(body);
    bodies.push([abs(p), stored(body, r.headers.get("Content-Type"))]);
  }
  const lines = Object.keys(state).sort().map((u) => `${rel(u)} ${state[u]}\n`).join("");
  const name = "nnfs-" + (await sha256(new TextEncoder().encode(lines))).slice(0, 16);
  const bytes = bodies.reduce((n, [, r]) => n + Number(r.headers.get("Content-Length")), 0);
  const files = bodies.length;
  // Changed: a file's content, or a file added or gone (the cache's name alone would also
  // count data files kept since it was made, which are no change of the site).
  const changed = Object.keys(state).some((u) => oldState[u] !== state[u]) ||
    Object.keys(oldState).some((u) => !(u in state));
  if (current && !changed) return { state: "current", files, bytes };
  const cache = await caches.open(name);
  for (const [url, response] of bodies) await cache.put(url, response);
  await cache.put(abs(STATE), new Response(JSON.stringify(state)));
  if (!current) {
    await meta("current", name);
    return { state: "ready", files, bytes };
  }
  const before = await meta("pending");
  if (before && before !== name) await caches.delete(before);
  await meta("pending", name);
  return { state: "update-ready", files, bytes };
}

// At a page load with no other tab open, a complete pending version becomes current.
async function promote() {
  const pending = await meta("pending");
  if (!pending) return;
  const windows = await self.clients.matchAll({ type: "window" });
  if (windows.length > 1) return; // another tab still runs the old version: not yet
  await meta("current", pending);
  await meta("pending", null);
  for (const key of await caches.keys()) {
    if (key.startsWith("nnfs-") && key !== META && key !== pending) await caches.delete(key);
  }
}

let saving = Promise.resolve(); // data files are added one after another (files.json is shared)

// A data file fetched from the network, kept in the current cache once it has all arrived.
function keep(cacheName, path, response) {
  return keepBody(cacheName, path, response.arrayBuffer(), response.headers.get("Content-Type"));
}

function keepBody(cacheName, path, arriving, type) {
  saving = saving.then(async () => {
    const body = await arriving;
    const cache = await caches.open(cacheName);
    const state = await (await cache.match(abs(STATE)))?.json() ?? {};
    state[abs(path)] = await sha256(body);
    await cache.put(abs(path), stored(body, type));
    await cache.put(abs(STATE), new Response(JSON.stringify(state)));
  }).catch(() => {}); // a download cut short is simply not kept
  return saving;
}

async function respond(event) {
  const { request } = event;
  const url = new URL(request.url);
  let key = request.url.split("#")[0];
  if (request.mode === "navigate") {
    await promote();
    if (url.pathname.endsWith("/")) key = abs("index.html");
  }
  const current = await meta("current");
  const cache = current ? await caches.open(current) : null;
  const hit = cache && await cache.match(key, { ignoreVary: true });
  if (hit) return hit;
  const path = rel(url.href.split("?")[0]);
  const data = path && RUNTIME_CACHED.some((d) => path.startsWith(d));
  if (!data) return fetch(request);
  let r;
  try {
    r = await fetch(request);
  } catch (e) {
    return notKept(path);
  }
  if (current && r.status === 200) event.waitUntil(keep(current, path, r.clone()));
  return r;
}

// A data file the browser has not kept, asked for while the server cannot be reached: an
// answer that says so (a rejected fetch would only say "Failed to fetch").
function notKept(path) {
  const text = `${path} is not kept in this browser for offline use, and the server cannot be ` +
    "reached (data files are fetched the first time a lab needs them). Online again, open " +
    "this lab once, or press “Keep the data for offline use” on the Start page";
  return new Response(text, { status: 503, statusText: "Not kept for offline use",
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Not-Kept": path } });
}

// Which of the data files ``paths`` the current cache holds: {kept: [[path, bytes]], missing: [path]}.
async function dataStatus(paths) {
  const current = await meta("current");
  const cache = current ? await caches.open(current) : null;
  const kept = [], missing = [];
  for (const p of paths) {
    const hit = cache && await cache.match(abs(p));
    if (hit) kept.push([p, Number(hit.headers.get("Content-Length")) || 0]);
    else missing.push(p);
  }
  return { current, kept, missing };
}

// How much the missing files are to download (HEAD requests; a compressed answer's length
// is what comes over the wire): {toFetch: bytes, unknown: files whose length was not said}.
async function downloadSize(missing) {
  let toFetch = 0, unknown = 0;
  for (const p of missing) {
    try {
      const r = await fetch(abs(p), { method: "HEAD", cache: "no-cache" });
      const n = Number(r.headers.get("Content-Length"));
      if (r.ok && n > 0) toFetch += n; else unknown += 1;
    } catch (e) { unknown += 1; }
  }
  return { toFetch, unknown };
}

// "Keep the data for offline use": fetch each data file not kept yet, telling the page how
// far it is (file by file, bytes as they come), and keep it in the current cache.
async function keepData(paths, tell) {
  const { current, missing } = await dataStatus(paths);
  if (!current) throw new Error("the app itself is not kept yet");
  let done = 0;
  for (const [index, p] of missing.entries()) {
    const r = await fetch(abs(p), { cache: "no-cache" });
    if (!r.ok) throw new Error(`${p}: the server answered ${r.status}`);
    const total = r.headers.get("Content-Encoding") ? 0 : Number(r.headers.get("Content-Length")) || 0;
    const reader = r.body.getReader();
    const chunks = [];
    let loaded = 0, last = 0;
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (Date.now() - last > 100) {
        last = Date.now();
        tell({ state: "keeping", file: p, index, count: missing.length, loaded, total, done: done + loaded });
      }
    }
    const body = new Uint8Array(loaded);
    let at = 0;
    for (const c of chunks) { body.set(c, at); at += c.byteLength; }
    await keepBody(current, p, Promise.resolve(body.buffer), r.headers.get("Content-Type"));
    done += loaded;
  }
  return dataStatus(paths);
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE) || request.url.startsWith(abs("sw.js"))) return;
  event.respondWith(respond(event));
});

// Data files the page fetched before this worker controlled it (the first visit), or
// while the first cache was being written: fetched again (from the HTTP cache) and kept.
async function keepAll(urls) {
  const current = await meta("current");
  if (!current) return;
  const cache = await caches.open(current);
  for (const url of urls) {
    const p = rel(String(url).split("?")[0]);
    if (!p || !RUNTIME_CACHED.some((d) => p.startsWith(d)) || await cache.match(abs(p))) continue;
    try {
      const r = await fetch(abs(p), { cache: "no-cache" });
      if (r.status === 200) await keep(current, p, r);
    } catch (e) { /* offline: kept next time */ }
  }
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "keep" && Array.isArray(event.data.urls)) {
    event.waitUntil(keepAll(event.data.urls));
    return;
  }
  const paths = Array.isArray(event.data?.paths) ? event.data.paths.map(String) : null;
  const tell = (m) => event.source?.postMessage({ type: "data-status", ...m });
  if (event.data?.type === "data-status" && paths) {
    event.waitUntil(saving.then(() => dataStatus(paths))
      .then(async (s) => tell({ state: "status", ...s, ...await downloadSize(s.missing) })));
    return;
  }
  if (event.data?.type === "keep-data" && paths) {
    event.waitUntil(keepData(paths, tell).then((s) => tell({ state: "kept", ...s }))
      .catch((e) => tell({ state: "failed", detail: String(e.message || e) })));
    return;
  }
  if (event.data?.type !== "check") return;
  checking ??= check().catch((e) => ({ state: "offline", detail: String(e.message || e) }))
    .finally(() => { checking = null; });
  const reply = checking.then((result) => event.source?.postMessage({ type: "offline-status", ...result }));
  event.waitUntil(reply);
});
