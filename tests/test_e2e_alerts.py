"""The alerts page in real Chromium: a detention reported today raises an alert that an editor finds from the
menu, follows to the person and the evidence, assigns and acknowledges."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from .test_web_e2e import CHROMIUM, browser, login, server  # noqa: F401  (browser and server are fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]


@pytest.fixture(scope="module")
def workbench_db(workbench_db, tmp_path_factory):
    """A private copy of the session's store, with a detention reported today."""
    from dossier.cli import main
    from dossier.store.backup import backup

    folder = tmp_path_factory.mktemp("e2e-alerts")
    target = folder / "copy.db"
    backup(workbench_db, target)
    news = folder / "today.txt"
    news.write_text(f"Deserter held\n\nThe deserter Pavel Alertov, a soldier, was detained in Almaty on "
                    f"{date.today().isoformat()}, his lawyer said.\n", encoding="utf-8")
    assert main(["ingest", str(news), "--db", str(target)]) == 0
    return str(target)


def test_e2e_alert_found_followed_assigned_acknowledged(browser, server):  # noqa: F811
    page = login(browser, server, "editor")
    page.click("header nav >> text=Alerts")
    page.wait_for_url("**/alerts")
    alert = page.locator("li.alert", has_text="Pavel Alertov")
    assert alert.count() == 1 and "detained in KZ" in alert.locator("h2").inner_text()
    assert "1 source(s)" in alert.locator(".meta").inner_text()
    evidence = alert.locator("ul.sources a").first.get_attribute("href")
    assert evidence.startswith("/articles/") and "#event-" in evidence
    alert.locator("h2 a").click()
    page.wait_for_url("**/persons/*")
    assert "Pavel Alertov" in page.content()
    page.goto(server + "/alerts")
    alert = page.locator("li.alert", has_text="Pavel Alertov")
    alert.locator("select[name=assignee]").select_option("viewer")
    alert.locator("button", has_text="Assign").click()
    page.wait_for_url("**/alerts**")
    alert = page.locator("li.alert", has_text="Pavel Alertov")
    assert "assigned to viewer" in alert.locator(".meta").inner_text()
    alert.locator("button", has_text="Acknowledge").click()
    page.wait_for_url("**/alerts?status=all**")
    done = page.locator("li.alert", has_text="Pavel Alertov")
    assert "acknowledged by editor" in done.locator(".meta").inner_text().replace("\n", " ")
    page.goto(server + "/alerts")
    assert page.locator("li.alert", has_text="Pavel Alertov").count() == 0  # no longer open
    page.context.close()
