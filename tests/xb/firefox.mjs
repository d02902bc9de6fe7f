// The cross-browser tests' Firefox driver: Debian's firefox-esr over WebDriver BiDi through
// puppeteer-core (no geckodriver: none ships in a registry package this project can reach).
// tests/xb/engines.py starts it and sends one JSON command per line on stdin; each answer is one
// JSON line on stdout ({id, value} or {id, error}). Console messages and page errors are kept
// and handed over by the "console" command.
import readline from "node:readline";
import puppeteer from "puppeteer-core";

const [executablePath, proxyPort] = process.argv.slice(2);
const prefs = {
  // Every request off 127.0.0.1 goes to the tests' recording proxy (localhost is never proxied).
  "network.proxy.type": 1,
  "network.proxy.http": "127.0.0.1",
  "network.proxy.http_port": Number(proxyPort),
  "network.proxy.ssl": "127.0.0.1",
  "network.proxy.ssl_port": Number(proxyPort),
  "network.proxy.no_proxies_on": "",
  // Firefox's own background traffic would reach the proxy too and be taken for the page's:
  // the settings service, captive portal and connectivity probes, safe browsing, telemetry are off.
  "services.settings.server": "data:,#remote-settings-dummy/v1",
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.update.enabled": false,
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "toolkit.telemetry.server": "",
  "datareporting.policy.dataSubmissionEnabled": false,
  "app.update.disabledForTesting": true,
  "extensions.update.enabled": false,
  "browser.region.network.url": "",
  "browser.search.update": false,
};
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  headless: true,
  extraPrefsFirefox: prefs,
});
const pages = new Map(); // id -> {page, messages}
let nextPage = 0;

async function newPage(width, height) {
  const page = await browser.newPage();
  const entry = { page, messages: [] };
  await page.setViewport({ width, height });
  page.on("console", (m) => {
    const message = { type: m.type() === "warning" ? "warn" : m.type(), text: m.text() };
    entry.messages.push(message);
    if (message.text.includes("JSHandle@")) {  // an object logged: say what it holds
      // where it was logged from: an event or a plain object says little by itself (PyScript's
      // workers log their error events so), the first frame outside the tests' console recorder does
      const frame = m.stackTrace().find((f) => !f.url.includes("/__xb__/"));
      const where = frame && `${frame.url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
      // an Error's own properties are not enumerable (JSON gives "{}"): its name, message and stack
      const said = (v) => v instanceof Error || typeof v?.message === "string"
        ? `${v.name ?? v.type}: ${v.message}\n${v.stack ?? ""}` : JSON.stringify(v);
      Promise.all(m.args().map((a) => a.evaluate(said).catch(() => a.jsonValue().then(JSON.stringify, () => a.toString()))))
        .then((parts) => { message.text = parts.join(" ") + (where ? ` (logged at ${where})` : ""); }, () => {});
    }
  });
  page.on("pageerror", (e) => entry.messages.push({ type: "error", text: `pageerror: ${e.message || e}` }));
  // not a console message: shown beside a failure to say which request failed (a page error may not)
  page.on("requestfailed", (r) => entry.messages.push({ type: "requestfailed", text: `${r.url()}: ${r.failure()?.errorText}` }));
  pages.set(++nextPage, entry);
  return nextPage;
}

const makeOps = (page, messages, pageId) => ({
  version: async () => browser.version(),
  newPage: async ({ width, height }) => newPage(width, height),
  goto: async ({ url }) => { await page.goto(url, { waitUntil: "load", timeout: 120_000 }); return true; },
  reload: async () => { await page.reload({ waitUntil: "load", timeout: 120_000 }); return true; },
  evaluate: async ({ expression }) => page.evaluate(expression),
  click: async ({ selector }) => { await page.click(selector); return true; },
  type: async ({ selector, text }) => {
    await page.focus(selector);
    await page.$eval(selector, (e) => e.select && e.select());
    await page.keyboard.type(text);
    return true;
  },
  press: async ({ selector, key }) => { await page.focus(selector); await page.keyboard.press(key); return true; },
  console: async () => messages.splice(0),
  close: async () => { await page.close(); pages.delete(pageId); return true; },
  quit: async () => { await browser.close(); setTimeout(() => process.exit(0), 10); return true; },
});

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const { id, op, pageId, ...args } = JSON.parse(line);
  const entry = pages.get(pageId);
  const page = entry && entry.page;
  const messages = entry ? entry.messages : [];
  try {
    const value = await makeOps(page, messages, pageId)[op](args);
    process.stdout.write(JSON.stringify({ id, value: value === undefined ? null : value }) + "\n");
  } catch (e) {
    process.stdout.write(JSON.stringify({ id, error: String(e && e.stack ? e.stack : e) }) + "\n");
  }
}
await browser.close();
