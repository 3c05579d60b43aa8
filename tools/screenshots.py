"""Screenshots of every workbench page for the README: `make screenshots`.

Builds a throw-away store from the sample corpus with a temporary admin, serves it on localhost, and
photographs each page with Debian's headless Chromium through Playwright."""
from __future__ import annotations

import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main() -> int:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from dossier.cli import main as dossier
    from dossier.security.accounts import create_user
    from dossier.store import Store
    from dossier.web.app import create_app

    chromium = shutil.which("chromium")
    if not chromium:
        print("screenshots: Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        dossier(["ingest", str(ROOT / "samples"), "--db", db])
        news = Path(tmp) / "today.txt"  # an invented report of today, so that the alerts page has an alert
        news.write_text(f"Deserter held at the border\n\nThe deserter Pavel Examplov, a soldier, was detained in "
                        f"Almaty on {date.today().isoformat()}, his lawyer said.\n", encoding="utf-8")
        dossier(["ingest", str(news), "--db", db])
        password = secrets.token_urlsafe(16)
        store = Store.open(db)
        with store.session.begin() as s:
            create_user(s, "admin", password, "admin")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(db, secure_cookies=False), host="127.0.0.1", port=port,
                                               log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.1)
        base = f"http://localhost:{port}"
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            for width, suffix in ((1280, ""), (390, "-390")):  # a desk, and a phone
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto(base + "/login")
                page.screenshot(path=str(OUT / f"login{suffix}.png"))
                page.fill("input[name=username]", "admin")
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
                page.wait_for_url("**/cases")
                page.screenshot(path=str(OUT / f"cases{suffix}.png"), full_page=True)
                page.goto(base + page.locator("a.person", has_text="Ivan Kuznetsov").first.get_attribute("href"))
                page.screenshot(path=str(OUT / f"person{suffix}.png"), full_page=True)
                page.goto(base + page.locator("a[href^='/articles/']").first.get_attribute("href"))
                page.screenshot(path=str(OUT / f"article{suffix}.png"), full_page=True)
                for name, path in (("search", "/search?q=Кузнецов"), ("review", "/review"),
                                   ("statistics", "/statistics"), ("alerts", "/alerts")):
                    page.goto(base + path)
                    page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=True)
                page.close()
            browser.close()
        server.should_exit = True
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
