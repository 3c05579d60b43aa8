"""In real Chromium: at a phone's 390 px nothing scrolls the page sideways, and the cases page's facets
filter by choice, keep the filter across sorting, and say so when a typed value means nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from .test_web_e2e import CHROMIUM, browser, login, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]


def test_e2e_no_sideways_scroll_at_390px(browser, server):  # noqa: F811
    page = login(browser, server, "editor")
    page.set_viewport_size({"width": 390, "height": 800})
    person = page.locator("a.person").first.get_attribute("href")
    for path in ("/cases", "/review", "/statistics", "/alerts", "/search?q=Kuznetsov", person):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (path, overflow)
    page.context.close()


def test_e2e_facets_filter_sort_and_message(browser, server):  # noqa: F811
    page = login(browser, server, "viewer")
    options = page.locator("select[name=country] option").all_inner_texts()
    kz = next(o for o in options if o.startswith("Kazakhstan (KZ)"))
    page.select_option("select[name=country]", label=kz)
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**country=KZ**")
    rows = page.locator("table.cases tbody tr").count()
    assert rows == int(kz.rsplit("—", 1)[1])  # the count next to the choice is the rows it gives
    page.click("th >> text=Sources")
    assert "country=KZ" in page.url and "sort=sources" in page.url
    assert page.locator("table.cases tbody tr").count() == rows
    page.goto(server + "/cases?date_from=garbage")
    assert "is not a date" in page.locator("p.problem").inner_text()
    page.context.close()


def test_e2e_filtered_csv_for_excel_keeps_cyrillic_and_no_formula(browser, server, tmp_path):  # noqa: F811
    page = login(browser, server, "editor")
    page.select_option("select[name=language]", value="ru")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**language=ru**")
    shown = page.locator("table.cases tbody tr").count()
    with page.expect_download() as download:
        page.click("a.excel[href^='/export/events.csv']")
    path = tmp_path / "events.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark spreadsheet programs look for
    text = raw.decode("utf-8-sig")
    assert any("\u0400" <= ch <= "\u04ff" for ch in text)  # Cyrillic intact
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and len({r["person_id"] for r in rows}) == shown  # only the cases shown
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values() if v)
    page.context.close()
