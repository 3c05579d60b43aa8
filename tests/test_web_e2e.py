"""End to end in a real headless Chromium (Debian's), driven by Playwright, against a real server."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]
from .conftest import PASSWORD
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(workbench_db):
    import uvicorn

    from dossier.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(workbench_db, secure_cookies=False), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://localhost:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def login(browser, server, role: str):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/cases")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/cases")
    return page


def test_e2e_cases_person_source_highlight_search_csv(browser, server, tmp_path):
    page = login(browser, server, "viewer")
    assert page.locator("table.cases tbody tr").count() >= 4
    page.click("text=Ivan Kuznetsov")
    page.wait_for_url("**/persons/*")
    assert "asylum denied" in page.content().lower()
    page.locator("a.source").first.click()
    page.wait_for_url("**/articles/*#event-*")
    target = page.locator("mark.event:target")
    assert target.count() == 1 and target.first.is_visible()
    page.goto(server + "/search?q=" + "Кузнецов")
    assert page.locator("ul.persons a.person", has_text="Ivan Kuznetsov").count() == 1
    page.goto(server + "/cases")
    with page.expect_download() as info:
        page.click("text=CSV")
    path = tmp_path / "cases.csv"
    info.value.save_as(path)
    assert path.read_text(encoding="utf-8").startswith("id,name") and "Kuznetsov" in path.read_text(encoding="utf-8")
    assert "Smirnov" not in path.read_text(encoding="utf-8")  # secret for viewers


def test_e2e_accept_and_reject_suggestions(browser, server):
    page = login(browser, server, "editor")
    page.goto(server + "/review")
    rows = page.locator("table.review tbody tr")
    before = rows.count()
    assert before >= 2
    first_id = rows.nth(0).get_attribute("id")
    rows.nth(0).locator("button.accept").click()
    page.wait_for_load_state()
    assert page.locator(f"#{first_id}").count() == 0
    second_id = page.locator("table.review tbody tr").nth(0).get_attribute("id")
    page.locator(f"#{second_id} button.reject").click()
    page.wait_for_load_state()
    page.goto(server + "/review?status=accepted")
    assert page.locator(f"#{first_id}").count() == 1
    page.goto(server + "/review?status=rejected")
    assert page.locator(f"#{second_id}").count() == 1


def test_e2e_hostile_article_runs_no_script(browser, server, workbench_db):
    from dossier.store import Store

    hostile = next(a["id"] for a in Store.open(workbench_db).articles() if a["source"] == "hostile.txt")
    page = login(browser, server, "viewer")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/articles/{hostile}")
    page.wait_for_timeout(300)
    assert dialogs == [] and "<script>alert" in page.inner_text(".article-text")
