"""Real Firefox and WebKit engines behind one small page API, for the cross-browser tests and
bench/engines.py.

Why two drivers: Firefox is driven over WebDriver BiDi by npm ``puppeteer-core`` (tests/xb/firefox.mjs),
because Selenium needs geckodriver for Firefox and no registry this project can reach ships one;
Puppeteer cannot drive WebKit, so WebKit (Debian's WebKitGTK MiniBrowser) is driven by Selenium
through ``WebKitWebDriver`` under an Xvfb display that this module starts. The tests see one API:
:class:`Page` (evaluate, wait, click, type, press, console).

What each engine's page is checked for, the same way in both:
- requests off the page's origin: each browser is told to use :class:`RecordingProxy` for every
  address but its own (127.0.0.1 is never proxied), which records the request and refuses it;
- console errors and warnings: Firefox reports them over BiDi (workers' too); WebKitWebDriver
  reports none, so :class:`XbServer` puts ``tests/xb/console.js`` first in index.html's ``<head>``,
  which records console.error/console.warn and uncaught errors of the page in ``window.__xb``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
WEBKIT_DRIVER = shutil.which("WebKitWebDriver")
MINIBROWSER = next(iter(sorted(Path("/usr/lib").glob("*/webkit2gtk-4.*/MiniBrowser"))), None)
XVFB = shutil.which("Xvfb")
NODE = shutil.which("node")
PUPPETEER = HERE / "node_modules" / "puppeteer-core"
ENGINES = ("firefox", "webkit")
CONSOLE_JS = "/__xb__/console.js"


def missing(engine: str) -> str:
    """What is missing to run ``engine`` ('' when nothing is): ./run setup installs all of it."""
    if engine == "firefox":
        if not FIREFOX:
            return "firefox-esr is not installed (./run setup installs it: apt-get install firefox-esr)"
        if not NODE or not PUPPETEER.exists():
            return "puppeteer-core is not installed (./run setup runs npm ci --prefix tests/xb)"
    elif engine == "webkit":
        if not WEBKIT_DRIVER or MINIBROWSER is None:
            return "WebKitWebDriver is not installed (./run setup installs it: apt-get install webkit2gtk-driver)"
        if not XVFB:
            return "Xvfb is not installed (./run setup installs it: apt-get install xvfb)"
    return ""


# --------------------------------------------------------------------------- what the page may reach


class RecordingProxy:
    """An HTTP proxy that records every request it is sent and refuses it (403): the browsers
    send it everything not addressed to 127.0.0.1, so anything it saw left the page's origin."""

    def __init__(self):
        self.seen: list[str] = []
        seen = self.seen

        class Refuse(BaseHTTPRequestHandler):
            def _refuse(self):
                seen.append(f"{self.command} {self.path}")
                self.send_error(403, "off the page's origin: refused by the tests")

            do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = do_CONNECT = _refuse

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class XbServer:
    """The app served as tools/serve.py serves it, plus the console recorder in index.html."""

    def __init__(self, root: Path = ROOT):
        import serve  # tools/serve.py (tools/ is on the path: tests/conftest.py)

        recorder = (HERE / "console.js").read_bytes()

        class Handler(serve.Handler):
            quiet = True

            def do_GET(self):
                path = self.path.split("?")[0]
                if path in ("/", "/index.html"):
                    html = (root / "index.html").read_text()
                    tag = f'<script src=".{CONSOLE_JS}"></script>\n'
                    self._send(html.replace("<head>\n", "<head>\n" + tag, 1).encode(), "text/html; charset=utf-8")
                elif path == CONSOLE_JS:
                    self._send(recorder, "text/javascript")
                elif path == "/__xb__/phone.html":  # the app in a phone-sized frame (tests/xb/test_phone.py)
                    frame = '<!doctype html><iframe id="phone" src="../#perceptron" width="390" height="844"'
                    self._send((frame + ' style="border:0"></iframe>').encode(), "text/html; charset=utf-8")
                else:
                    super().do_GET()

            def _send(self, body: bytes, kind: str):
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                self.wfile.write(body)

        self.httpd = serve.Server((serve.HOST, 0), functools.partial(Handler, directory=str(root)), root)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------- one page API


class Page:
    """What the tests do to a page, the same in every engine."""

    engine = ""

    def goto(self, url: str) -> None: ...
    def reload(self) -> None: ...
    def evaluate(self, expression: str): ...
    def click(self, selector: str) -> None: ...
    def type(self, selector: str, text: str) -> None:
        """Select the field's text and type ``text`` over it, key by key."""

    def press(self, selector: str, key: str) -> None: ...
    def driver_console(self) -> list[dict]: ...
    def close(self) -> None: ...

    def call(self, function: str, *args):
        """Call a JavaScript function (its source) with JSON arguments; its (awaited) value."""
        return self.evaluate(f"({function})(...{json.dumps(list(args))})")

    def wait(self, function: str, *args, timeout: float = 60.0, what: str = ""):
        """Wait until ``function(*args)`` is truthy; its value. Fails saying ``what`` it waited for."""
        end = time.monotonic() + timeout
        while True:
            value = self.call(function, *args)
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError(f"{self.engine}: timed out after {timeout:.0f} s waiting for {what or function}")
            time.sleep(0.1)

    def attr(self, selector: str, name: str):
        return self.call("(s, n) => document.querySelector(s).getAttribute(n)", selector, name)

    def text(self, selector: str) -> str:
        return self.call("(s) => document.querySelector(s).innerText", selector)

    def value(self, selector: str) -> str:
        return self.call("(s) => document.querySelector(s).value", selector)

    def data(self, selector: str) -> dict:
        return self.call("(s) => ({...document.querySelector(s).dataset})", selector)

    def select(self, selector: str, value: str) -> None:
        """Choose an option of a <select> (as the keyboard would: the value, then input and change)."""
        self.call(
            """(s, v) => { const e = document.querySelector(s); e.focus(); e.value = v;
            e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); }""",
            selector,
            value,
        )

    def fill(self, selector: str, text: str) -> None:
        """Type ``text`` over a field's text and press Enter (the labs read a field on Enter or change)."""
        self.type(selector, text)
        self.press(selector, "Enter")

    def console(self) -> list[dict]:
        """Console errors and warnings since the last call: [{type, text}]."""
        return self.driver_console()


class FirefoxPage(Page):
    engine = "firefox"

    def __init__(self, bridge: FirefoxBrowser, page_id: int):
        self.bridge = bridge
        self.page_id = page_id

    def _send(self, op, **args):
        return self.bridge.send(op, pageId=self.page_id, **args)

    def goto(self, url):
        self._send("goto", url=url)

    def reload(self):
        self._send("reload")

    def evaluate(self, expression):
        return self._send("evaluate", expression=expression)

    def click(self, selector):
        self._send("click", selector=selector)

    def type(self, selector, text):
        self._send("type", selector=selector, text=text)

    def press(self, selector, key):
        self._send("press", selector=selector, key=key)

    def driver_console(self):
        return self._send("console")

    def close(self):
        self._send("close")


class FirefoxBrowser:
    """firefox-esr in a puppeteer-core process (tests/xb/firefox.mjs), commands over a pipe."""

    name = "firefox"

    def __init__(self, proxy_port: int):
        self.proc = subprocess.Popen(
            [NODE, str(HERE / "firefox.mjs"), FIREFOX, str(proxy_port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE,
            # A release build reads services.settings.server (firefox.mjs points it nowhere) only with this.
            env={**os.environ, "MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"},
        )
        self.lock = threading.Lock()
        self.next_id = 0
        self.version = "Firefox " + self.send("version").split("/")[-1]
        self.driver_name = "puppeteer-core " + json.loads((PUPPETEER / "package.json").read_text())["version"]

    def send(self, op: str, **args):
        with self.lock:
            self.next_id += 1
            self.proc.stdin.write(json.dumps({"id": self.next_id, "op": op, **args}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the Firefox driver stopped (exit code {self.proc.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise AssertionError(f"firefox: {op} failed: {answer['error']}")
        return answer["value"]

    def page(self, width: int = 1280, height: int = 900) -> FirefoxPage:
        return FirefoxPage(self, self.send("newPage", width=width, height=height))

    def quit(self):
        try:
            self.send("quit")
        except (RuntimeError, OSError, AssertionError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class WebKitPage(Page):
    engine = "webkit"

    def __init__(self, driver, handle: str):
        self._driver = driver
        self.handle = handle

    @property
    def driver(self):
        """The WebDriver session, switched to this page's window (a session drives one at a time)."""
        if self._driver.current_window_handle != self.handle:
            self._driver.switch_to.window(self.handle)
        return self._driver

    def close(self):
        driver = self.driver
        if len(driver.window_handles) == 1:  # closing a session's last window ends the session
            driver.get("about:blank")
            return
        driver.close()
        driver.switch_to.window(driver.window_handles[0])

    def goto(self, url):
        self.driver.get(url)

    def reload(self):
        self.driver.refresh()

    def evaluate(self, expression):
        out = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({expression}))"
            ".then((v) => done({v: v === undefined ? null : v}), (e) => done({e: String(e && e.stack || e)}));"
        )
        if "e" in out:
            raise AssertionError(f"webkit: evaluate failed: {out['e']}")
        return out["v"]

    def _element(self, selector):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector):
        self._element(selector).click()

    def type(self, selector, text):
        el = self._element(selector)
        self.driver.execute_script("arguments[0].focus(); arguments[0].select && arguments[0].select();", el)
        el.send_keys(text)

    def press(self, selector, key):
        from selenium.webdriver.common.keys import Keys

        self._element(selector).send_keys({"Enter": Keys.ENTER, "Tab": Keys.TAB, "Escape": Keys.ESCAPE}[key])

    def driver_console(self):
        return self.evaluate("(window.__xb || []).splice(0)")


class Xvfb:
    """A virtual X display for WebKitGTK (it has no headless mode), on a free display number."""

    def __init__(self, width: int = 1280, height: int = 1024):
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [XVFB, "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


# Once in a while (a loaded machine), WebKitWebDriver starts but its new session never answers: no
# MiniBrowser appears and Selenium's request has no timeout (seen hanging 14 minutes). So a session
# that has not started in this time is abandoned (its driver process stopped) and tried once more.
WEBKIT_SESSION_TIMEOUT = 180.0


def _within(seconds: float, start, tries: int):
    """``start(box)`` -> a driver, in a thread (it puts its Selenium service in ``box``); a try not
    done in ``seconds`` has its driver process killed and is tried again."""
    for attempt in range(1, tries + 1):
        box: dict = {}

        def go(box=box) -> None:
            try:
                box["driver"] = start(box)
            except Exception as exc:  # noqa: BLE001 - raised in the caller's thread below
                box["error"] = exc

        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        thread.join(seconds)
        if "driver" in box:
            return box["driver"]
        if "error" in box:
            raise box["error"]
        process = getattr(box.get("service"), "process", None)
        if process is not None:
            process.kill()  # this try's hung driver (not another test run's): its request then fails
        if attempt == tries:
            raise TimeoutError(f"WebKitWebDriver gave no session in {seconds:.0f} s, {tries} times")
    raise AssertionError("unreachable")


class WebKitBrowser:
    """WebKitGTK's MiniBrowser driven by Selenium through WebKitWebDriver, on its own Xvfb."""

    name = "webkit"

    def __init__(self, proxy_port: int):
        from selenium import webdriver
        from selenium.webdriver.common.proxy import Proxy
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self.xvfb = Xvfb()
        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        address = f"127.0.0.1:{proxy_port}"
        options.proxy = Proxy(
            {"proxyType": "manual", "httpProxy": address, "sslProxy": address, "noProxy": ["127.0.0.1"]}
        )
        env = {**os.environ, "DISPLAY": self.xvfb.display}

        def start(box: dict):
            box["service"] = Service(executable_path=WEBKIT_DRIVER, env=env, log_output=subprocess.DEVNULL)
            return webdriver.WebKitGTK(options=options, service=box["service"])

        try:
            self.driver = _within(WEBKIT_SESSION_TIMEOUT, start, tries=2)
        except Exception:
            self.xvfb.stop()
            raise
        self.driver.set_script_timeout(600)
        self.pages = 0
        self.version = "WebKitGTK " + self.driver.capabilities.get("browserVersion", "?")
        from selenium import __version__ as selenium_version

        self.driver_name = f"Selenium {selenium_version} + WebKitWebDriver"

    def page(self, width: int = 1280, height: int = 900) -> WebKitPage:
        # MiniBrowser's window has a toolbar: size the window so the page gets about this viewport.
        if self.pages:
            self.driver.switch_to.new_window("window")
        self.pages += 1
        self.driver.set_window_rect(width=width, height=height + 38)
        self.driver.get("about:blank")
        return WebKitPage(self.driver, self.driver.current_window_handle)

    def quit(self):
        try:
            self.driver.quit()
        finally:
            self.xvfb.stop()


def launch(engine: str, proxy_port: int):
    return FirefoxBrowser(proxy_port) if engine == "firefox" else WebKitBrowser(proxy_port)


def open_app(page: Page, url: str, timeout: float = 120.0) -> float:
    """Load the app and wait until it and its other labs are ready; seconds to ready."""
    t0 = time.monotonic()
    page.goto(url)
    return wait_for_app(page, timeout, t0)


def wait_for_app(page: Page, timeout: float = 120.0, since: float | None = None) -> float:
    """Wait, without navigating, until the page's app and its other labs are ready; seconds to
    ready (from ``since``). After a reload this is the way: a second navigation would leave the
    reloaded document mid-start, and Firefox reports each module import that cuts short as an
    error ("error loading dynamically imported module"), though that document is gone."""
    t0 = time.monotonic() if since is None else since
    page.wait("() => document.documentElement.dataset.ready", timeout=timeout, what="the app to be ready (data-ready)")
    took = time.monotonic() - t0
    state = page.evaluate("document.documentElement.dataset.ready")
    assert state == "true", f"{page.engine}: the app failed to start: " + page.text("#fatal")
    page.wait("() => document.documentElement.dataset.labsReady", timeout=timeout, what="every lab set up")
    return took
