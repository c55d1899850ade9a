#!/usr/bin/env python3
"""The web pages in a real browser: headless Chromium driven over WebDriver
(chromedriver), against `kamerstand serve --demo` on 127.0.0.1.

A medewerker of BZK signs in, records a status on a BZK item, sees it on the
overview and in the item's timeline, finds no form on a JenV item and is
refused (HTTP 403 page) when a form is forged there; the auditor signs in,
sees both items and no form. With --screenshots DIR it saves PNGs of the
sign-in page, the overview, an item page and the rounds page there.

Standard library only. Run by tests/browser.sh (which installs what it
needs); every request goes to 127.0.0.1 and the run is bounded in time.

Usage: browser.py KAMERSTAND_BINARY [--screenshots DIR]
"""

import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

DEADLINE = time.monotonic() + 180
PASSWORD = "demo-wachtwoord"


def fail(msg):
    print(f"browser test FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WebDriver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            fail(f"WebDriver {method} {path}: {e.code} {e.read()[:300]!r}")

    def start(self):
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--window-size=1280,900",
                            "--lang=nl",
                        ],
                    },
                }
            }
        }
        v = self.call("POST", "/session", caps)
        self.session = v["sessionId"]

    def s(self, path):
        return f"/session/{self.session}{path}"

    def go(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def url(self):
        return self.call("GET", self.s("/url"))

    def source(self):
        return self.call("GET", self.s("/source"))

    def find(self, css):
        v = self.call("POST", self.s("/elements"), {"using": "css selector", "value": css})
        return [list(e.values())[0] for e in v]

    def one(self, css):
        found = self.find(css)
        if len(found) != 1:
            fail(f"expected one element for {css!r}, found {len(found)} on {self.url()}")
        return found[0]

    def type(self, css, text):
        self.call("POST", self.s(f"/element/{self.one(css)}/value"), {"text": text})

    def click(self, css):
        self.call("POST", self.s(f"/element/{self.one(css)}/click"), {})

    def until(self, test, seconds=10):
        """Polls `test(self)` until it holds (a form's answer may still be
        loading when the click returns); False after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            if test(self):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)

    def script(self, js, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": js, "args": list(args)})

    def screenshot(self, path):
        png = base64.b64decode(self.call("GET", self.s("/screenshot")))
        with open(path, "wb") as f:
            f.write(png)
        print(f"screenshot {path}")

    def quit(self):
        if self.session:
            self.call("DELETE", self.s(""))


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    binary = sys.argv[1]
    shots = None
    if "--screenshots" in sys.argv:
        shots = sys.argv[sys.argv.index("--screenshots") + 1]
        os.makedirs(shots, exist_ok=True)

    server = subprocess.Popen(
        [binary, "serve", "--demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = server.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:\d+", first)
    if not m:
        server.kill()
        fail(f"no address from serve --demo: {first!r} {server.stderr.read()[:500]}")
    site = m.group(0)
    driver_port = free_port()
    driver = subprocess.Popen(
        [os.environ.get("CHROMEDRIVER", "chromedriver"), f"--port={driver_port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wd = WebDriver(driver_port)
    try:
        while True:
            try:
                urllib.request.urlopen(wd.base + "/status", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > DEADLINE:
                    fail("chromedriver did not start")
                time.sleep(0.1)
        wd.start()
        run(wd, site, shots)
    finally:
        wd.quit()
        driver.kill()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print("browser test ok")


def sign_in(wd, site, account):
    wd.go(site + "/")
    if not wd.url().endswith("/inloggen"):
        fail(f"not sent to the sign-in page: {wd.url()}")
    wd.type("input[name=account]", account)
    wd.type("input[name=wachtwoord]", PASSWORD)
    wd.click("form.write button[type=submit]")
    if not wd.until(lambda w: w.url().rstrip("/") == site):
        fail(f"{account}: not on the overview after signing in: {wd.url()}")


def sign_out(wd):
    wd.click("header form button[type=submit]")
    if not wd.until(lambda w: w.url().endswith("/inloggen")):
        fail(f"not signed out: {wd.url()}")


def run(wd, site, shots):
    wd.go(site + "/")
    if shots:
        wd.screenshot(os.path.join(shots, "aanmelden.png"))

    # A medewerker of BZK.
    sign_in(wd, site, "a.bakker")
    page = wd.source()
    for key in ("39104-12", "39104-13"):
        if f'href="/items/{key}"' not in page:
            fail(f"overview lacks {key}")
    if "<script" in page:
        fail("a page carries a script")
    if shots:
        wd.screenshot(os.path.join(shots, "overzicht.png"))

    # 39104-12 is BZK's (SBZK): record a status through its form.
    wd.go(site + "/items/39104-12")
    wd.click("#status-form option[value=vertraagd]")
    wd.type("#status-form input[name=reden]", "browsertest")
    wd.click("#status-form button[type=submit]")
    wd.until(lambda w: "Vastgelegd als seq" in w.source())
    page = wd.source()
    if "Vastgelegd als seq" not in page:
        fail(f"no receipt after the status form: {wd.url()}")
    timeline = page[page.find("Tijdlijn"):]
    if "a.bakker" not in timeline or "browsertest" not in timeline:
        fail("the timeline does not show the new status by a.bakker")
    if shots:
        wd.screenshot(os.path.join(shots, "item.png"))
    wd.go(site + "/?status=vertraagd")
    if 'href="/items/39104-12"' not in wd.source():
        fail("the overview filtered on 'vertraagd' lacks 39104-12")

    # 39104-13 is JenV's (SJenV): no form, and a forged one is refused.
    wd.go(site + "/items/39104-13")
    if wd.find("form.write"):
        fail("a BZK medewerker sees a form on a JenV item")
    token = wd.script("return document.querySelector('input[name=csrf]').value")
    wd.script(
        """
        const f = document.createElement('form');
        f.method = 'post';
        f.action = '/items/39104-13/status';
        for (const [k, v] of [['csrf', arguments[0]], ['status', 'vertraagd']]) {
            const i = document.createElement('input');
            i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f);
        f.submit();
        """,
        token,
    )
    wd.until(lambda w: "Geweigerd" in w.source())
    page = wd.source()
    if "Geweigerd" not in page or "medewerker voor BZK" not in page:
        fail("a forged status on a JenV item was not refused")
    sign_out(wd)

    # The auditor: both items, no forms.
    sign_in(wd, site, "auditor")
    page = wd.source()
    for key in ("39104-12", "39104-13"):
        if f'href="/items/{key}"' not in page:
            fail(f"the auditor's overview lacks {key}")
    for key in ("39104-12", "39104-13"):
        wd.go(f"{site}/items/{key}")
        if wd.find("form.write"):
            fail(f"the auditor sees a form on {key}")
    wd.go(site + "/rondes")
    if "2025-voorjaar" not in wd.source():
        fail("the rounds page lacks 2025-voorjaar")
    if shots:
        wd.screenshot(os.path.join(shots, "rondes.png"))
    wd.go(site + "/verschil?van=2024-najaar&tot=2025-voorjaar")
    if "items gewijzigd" not in wd.source():
        fail("the diff page shows no summary")
    if shots:
        wd.screenshot(os.path.join(shots, "verschil.png"))
    sign_out(wd)


if __name__ == "__main__":
    if time.monotonic() > DEADLINE:
        fail("out of time")
    main()
