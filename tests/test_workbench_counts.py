"""Counts by happening (not by report), the reviewed-only switch, charts drawn by matplotlib, figures'
qualifiers as stated, and the cases page's facets and filter messages. Rows are written directly into a
real SQLite store: no models needed."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from dossier.cases import refresh_summaries
from dossier.security.accounts import create_user
from dossier.store.models import (ArticleRow, DocumentRow, EventRow, MentionRow, PersonRow, SourceRow, StatisticRow)
from dossier.web import charts, queries
from dossier.web.app import create_app

from .conftest import PASSWORD


def _article(s, n: int, language: str = "en") -> int:
    src = SourceRow(name=f"outlet{n}.txt", path=f"outlet{n}.txt", kind="text", content_hash=f"{n:064d}", size=1)
    s.add(src)
    s.flush()
    doc = DocumentRow(source_id=src.id, ordinal=0, kind="text", text="x" * 40)
    s.add(doc)
    s.flush()
    art = ArticleRow(document_id=doc.id, ordinal=0, start=0, end=40, language=language, relevant=True,
                     content_hash=f"{n:040d}")
    s.add(art)
    s.flush()
    return art.id


@pytest.fixture
def counted(store):
    """One man who fled RU -> KZ and was denied asylum, each told by two outlets (one in Russian), one of
    the tellings reviewed; a second man who fled RU -> AM; a figure 'at least 14'."""
    with store.session.begin() as s:
        a1, a2, a3 = _article(s, 1), _article(s, 2, "ru"), _article(s, 3)
        one = PersonRow(name="Test Firstov", name_keys=[], role="resister")
        two = PersonRow(name="Test Secondov", name_keys=[], role="resister")
        s.add_all([one, two])
        s.flush()
        for art in (a1, a2):
            s.add(MentionRow(person_id=one.id, article_id=art, start=0, end=5, text="Test"))
            s.add(EventRow(person_id=one.id, article_id=art, type="fled_country", date="2023-10", country="KZ",
                           attributes={"from_country": "RU"}, evidence=[], status="suggested"))
            s.add(EventRow(person_id=one.id, article_id=art, type="asylum_denied", date="2024-02", country="KZ",
                           attributes={}, evidence=[], status="accepted" if art == a1 else "suggested"))
        s.add(MentionRow(person_id=two.id, article_id=a3, start=0, end=5, text="Test"))
        s.add(EventRow(person_id=two.id, article_id=a3, type="fled_country", date="2024-01", country="AM",
                       attributes={"from_country": "RU"}, evidence=[], status="suggested"))
        s.add(StatisticRow(article_id=a3, value=14, qualifier="more_than", stated="at least", measure="cases",
                           evidence=[], status="suggested"))
        for role in ("viewer", "editor"):
            create_user(s, role, PASSWORD, role)
    refresh_summaries(store)
    return store


def _client(store) -> TestClient:
    c = TestClient(create_app(str(store.engine.url), secure_cookies=False))
    assert c.post("/login", data={"username": "viewer", "password": PASSWORD}, follow_redirects=False).status_code == 303
    return c


def test_counts_are_per_happening_and_per_person(counted):
    stats = queries.statistics(counted, "viewer")
    assert stats["asylum_decisions"] == [{"country": "KZ", "outcome": "denied", "count": 1}]  # told twice
    assert {(r["from"], r["to"]): r["count"] for r in stats["flows"]} == {("RU", "KZ"): 1, ("RU", "AM"): 1}
    per_month = {(r["month"], r["type"]): r["count"] for r in stats["events_per_month"]}
    assert per_month == {("2023-10", "fled_country"): 1, ("2024-02", "asylum_denied"): 1, ("2024-01", "fled_country"): 1}
    reviewed = queries.statistics(counted, "viewer", reviewed=True)
    assert reviewed["asylum_decisions"] == [{"country": "KZ", "outcome": "denied", "count": 1}]
    assert reviewed["flows"] == [] and len(reviewed["events_per_month"]) == 1


def test_charts_are_matplotlib_svg_with_every_month_and_type(counted):
    svg = charts.chart("events-per-month", queries.statistics(counted, "viewer"))
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag.endswith("svg")
    assert "Matplotlib" in svg  # drawn by the library, not by hand
    for month in ("2023-10", "2023-11", "2023-12", "2024-01", "2024-02"):  # the months between are on the axis
        assert month in svg
    assert "asylum denied" in svg and "fled country" in svg  # the legend names every type
    assert charts.chart_png("flows", queries.statistics(counted, "viewer")).startswith(b"\x89PNG")


def test_statistics_page_switch_and_stated_qualifier(counted):
    c = _client(counted)
    page = c.get("/statistics").text
    assert "at least 14" in page and "more than 14" not in page
    assert 'href="/statistics?reviewed=1"' in page and "/charts/flows.svg" in page
    page = c.get("/statistics?reviewed=1").text
    assert "/charts/flows.svg?reviewed=1" in page and "reviewed events only</strong>" in page
    assert c.get("/charts/events-per-month.svg?reviewed=1").status_code == 200


def test_cases_facets_labels_and_filters(counted):
    c = _client(counted)
    data = c.get("/api/cases").json()
    countries = {f["value"]: (f["label"], f["count"]) for f in data["facets"]["country"]}
    assert countries["KZ"] == ("Kazakhstan (KZ)", 1) and countries["AM"][1] == 1
    assert {f["label"] for f in data["facets"]["type"]} >= {"asylum denied", "fled country"}
    # a country by its name and a type as shown both work, and facets count within the other filters
    data = c.get("/api/cases", params={"country": "Kazakhstan", "type": "asylum denied"}).json()
    assert [r["name"] for r in data["cases"]] == ["Test Firstov"] and data["matching"] == 1 and data["total"] == 2
    assert {f["value"] for f in data["facets"]["country"]} == {"KZ"}
    page = c.get("/cases", params={"country": "KZ", "sort": "date"}).text
    assert "1 matching of 2" in page
    assert "country=KZ&amp;sort=name" in page  # sorting keeps the filter
    assert "/export/cases.csv?country=KZ" in page  # so do the exports


@pytest.mark.parametrize("bad,words", [({"date_from": "garbage"}, "is not a date"),
                                       ({"country": "Narnia"}, "No country is called"),
                                       ({"type": "asylum denid"}, "is not an event type")])
def test_cases_bad_filter_gives_a_message_on_the_page(counted, bad, words):
    c = _client(counted)
    r = c.get("/cases", params=bad)
    assert r.status_code == 422 and words in r.text and "<form" in r.text
    assert "No cases match." in r.text  # nothing silently filtered as if it were valid
    assert c.get("/cases", params={"page": "abc"}).status_code == 422
