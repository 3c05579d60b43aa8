"""The person page in a real headless Chromium (Debian's), driven by Playwright: the timeline and route pictures
load under the page's Content-Security-Policy, and an evidence link lands on its highlighted sentence."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from .test_web_e2e import CHROMIUM, browser, login, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]


def person_id(db: str, name: str) -> int:
    from dossier.store import Store
    from dossier.store.models import PersonRow

    with Store.open(db).session() as s:
        return s.scalar(select(PersonRow.id).where(PersonRow.name == name))


def coloured(png: bytes, colour: str) -> int:
    """How many pixels of the screenshot are near this colour (#rrggbb)."""
    from PIL import Image

    want = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(n for n, px in image.getcolors(maxcolors=1 << 24) if all(abs(a - b) <= 24 for a, b in zip(px, want)))


def test_e2e_person_pictures_load_and_evidence_link_lands_on_sentence(browser, server, workbench_db):
    page = login(browser, server, "viewer")
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{server}/persons/{person_id(workbench_db, 'Pavel Orlov')}")
    for which in ("timeline", "route"):
        img = page.locator(f"figure.{which}-chart img")
        assert img.count() == 1 and img.is_visible(), which
        assert img.evaluate("i => i.complete && i.naturalWidth") > 0, which
        assert img.get_attribute("alt"), which
    # drawn, with the track colours, not only loaded: a flight marker (and the route's flight arrows)
    assert coloured(page.locator("figure.timeline-chart img").screenshot(), "#c8553d") > 20
    assert coloured(page.locator("figure.route-chart img").screenshot(), "#c8553d") > 20
    assert page.locator("ol.legs li.leg").count() == 2
    rows = page.locator("table.happenings tr.happening")
    assert rows.count() == 3 and "sentenced" not in page.inner_text("table.happenings")  # secret for viewers

    row = rows.nth(1)
    told = row.get_attribute("data-type").replace("_", " ")
    link = row.locator("a.source").first
    quote = row.locator("ul.reports q").first.inner_text()
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url("**/articles/*#event-*")
    assert page.url.endswith(href)
    target = page.locator("mark.event:target")
    assert target.count() == 1 and target.is_visible()
    assert target.get_attribute("id") == href.split("#")[1]
    assert target.inner_text() and target.inner_text() in quote
    assert target.evaluate("m => getComputedStyle(m).outlineStyle") == "solid"  # the highlight of the link's sentence
    # the event the link named is the one of the row (two events told by one sentence have one anchor each)
    assert page.locator(f'li:has(a.to-sentence[href="#{href.split("#")[1]}"])').inner_text().startswith(told)
    assert page.locator("p.legend mark.event").count() == 1
    assert page.locator("ul.article-persons a.person", has_text="Pavel Orlov").count() == 1
    assert refused == []
