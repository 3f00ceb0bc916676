"""Screenshots of the main pages for docs/web.md, taken from the demo as its personas see it.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Loads the demo into a scratch data folder, serves it on a free port, logs in through the
login page's demo personas and saves each main page at 1,440 px (and the ones people use
on a phone at 390 px). Needs the test extra (Playwright) and Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSHIN = str(ROOT / ".venv" / "bin" / "hoshin")
CHROMIUM = "/usr/bin/chromium"

# (file name, persona button, path or a CSS selector of a link on the persona's home)
PAGES = [
    ("home-strategy-office", 0, "/"),
    ("strategy", 0, "/strategy/"),
    ("x-matrix", 0, "/strategy/x-matrix/"),
    ("alignment-map", 0, "/alignment/"),
    ("company", 0, "/company/"),
    ("flags", 0, "/flags/"),
    ("reviews", 0, "/reviews/"),
    ("review", 0, "a[href^='/reviews/'][href$='/']:not([href='/reviews/'])"),
    ("tv", 0, "/tv/"),
    ("quarter-close", 0, "/closing/"),
    ("home-unit-lead", 1, "/"),
    ("unit", 1, "a[href*='/units/']"),
    ("objective", 1, "a[href*='/objectives/']:not([href$='/new/'])"),
    ("home-key-result-owner", 2, "/"),
    ("key-result", 2, "a[href*='/key-results/']"),
    ("home-viewer", 3, "/"),
]
PHONE = {"home-key-result-owner", "key-result", "review", "home-strategy-office"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {**os.environ, "HOSHIN_DATA_DIR": data, "HOSHIN_PORT": str(port)}
        subprocess.run([HOSHIN, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([HOSHIN, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/healthz")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                shoot(browser, base, args.out)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


def shoot(browser, base: str, out: Path) -> None:
    pages: dict[int, object] = {}

    def as_persona(index: int):
        if index not in pages:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            page.goto(base + "/login/")
            if index == 0:
                page.screenshot(path=str(out / "login-1440.png"))
            page.locator("form[action='/login/demo/'] button").nth(index).click()
            page.wait_for_load_state()
            pages[index] = page
        return pages[index]

    for name, persona, where in PAGES:
        page = as_persona(persona)
        if where.startswith("/"):
            page.goto(base + where)
        else:
            page.goto(base + "/")
            link = page.locator(f"main {where}").first
            if not link.count():
                print(f"{name}: no link {where!r} on the home page", file=sys.stderr)
                continue
            page.goto(base + link.get_attribute("href"))
        page.wait_for_load_state("networkidle")
        page.set_viewport_size({"width": 1440, "height": 900})
        # The first screen, as a person sees it on arrival (whole pages would bloat the repo).
        page.screenshot(path=str(out / f"{name}-1440.png"))
        if name in PHONE:
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(out / f"{name}-390.png"))
        print(f"{name}: {page.url}")


if __name__ == "__main__":
    main()
