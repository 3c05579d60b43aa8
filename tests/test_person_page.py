"""The person page (merged timeline by date, evidence links, conflicts, timeline and route pictures) and the
article page (persons by name, highlight legend), for each role: secret data never reaches a viewer, neither
in the page nor in the pictures."""
from __future__ import annotations

import base64
import html as html_text
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from dossier.store import Store
from dossier.store.models import ArticleRow, EventRow, PersonRow

from .test_web_api import SECRET_EVIDENCE, SECRET_NAME, client, copy_store, csrf_of

pytestmark = pytest.mark.slow
SVG = "{http://www.w3.org/2000/svg}"
CONFLICTING = ("Deserter recalls his escape\n\nThe deserter Ivan Kuznetsov, a sergeant, fled to Kazakhstan in "
               "May 2024, his lawyer said.\n")


def person_id(db: str, name: str) -> int:
    with Store.open(db).session() as s:
        return s.scalar(select(PersonRow.id).where(PersonRow.name == name))


def pictures(html: str) -> dict[str, ET.Element]:
    """The page's pictures (data: URIs in <img>), by the class of their figure, parsed as XML."""
    out = {}
    for kind, uri in re.findall(r'<figure class="person-chart (\w+)-chart">\s*<img src="([^"]+)"', html):
        assert uri.startswith("data:image/svg+xml;base64,"), uri[:40]
        out[kind] = ET.fromstring(base64.b64decode(uri.split(",", 1)[1]))
    return out


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def decoded(html: str) -> str:
    """The page with its pictures decoded, to look for what must not be there in either."""
    return html + "".join(ET.tostring(svg, encoding="unicode") for svg in pictures(html).values())


class Ids(HTMLParser):
    """Every element with an id: id -> (tag, class, text inside)."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list] = {}
        self.duplicates: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.found:
                self.duplicates.append(a["id"])
            self.found[a["id"]] = [tag, a.get("class") or "", ""]
            self.stack.append(a["id"])
        elif tag not in ("br", "img", "input", "meta", "link"):
            self.stack.append("")

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.found[i][2] += data


def ids(html: str) -> Ids:
    p = Ids()
    p.feed(html)
    return p


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="happening[^"]*".*?</tr>', html, re.S)


@pytest.fixture(scope="module")
def changed_db(workbench_db, tmp_path_factory):
    """A copy of the shared store with a report that disagrees on the date of a flight, an undated report in an
    article that has a date, a field an editor raised to secret, and a name an editor made secret."""
    from dossier.cli import main

    db = copy_store(workbench_db, tmp_path_factory.mktemp("person-page"))
    news = tmp_path_factory.mktemp("news") / "recalled.txt"
    news.write_text(CONFLICTING, encoding="utf-8")
    assert main(["ingest", str(news), "--db", db]) == 0
    editor = client(db, "editor")
    store = Store.open(db)
    with store.session() as s:
        orlov = s.scalar(select(PersonRow.id).where(PersonRow.name == "Pavel Orlov"))
        asylum = s.scalar(select(EventRow.id).where(EventRow.person_id == orlov, EventRow.type == "asylum_applied"))
        petrov = s.scalar(select(PersonRow.id).where(PersonRow.name == "Alexeï Petrov"))
    # a later date for Orlov's asylum: his undated (secret) sentence, told in May 2024, now falls before it
    r = editor.post(f"/api/review/{asylum}", data={"decision": "edited", "date": "2024-09", "csrf": csrf_of(editor)})
    assert r.status_code == 200
    r = editor.post(f"/api/persons/{petrov}/sensitivity", data={"level": "secret", "field": "name",
                                                               "csrf": csrf_of(editor)})
    assert r.status_code == 200
    with store.session.begin() as s:  # where Orlov fled: secret (there is no form for one field of an event)
        fled = s.scalar(select(EventRow).where(EventRow.person_id == orlov, EventRow.type == "fled_country"))
        fled.field_levels = {"country": "secret"}
    return db


# --- order by date, evidence links --------------------------------------------------------------------------------

def test_person_timeline_in_date_order_one_row_per_happening(workbench_db):
    kuz = person_id(workbench_db, "Ivan Kuznetsov")
    viewer = client(workbench_db, "viewer")
    timeline = viewer.get(f"/api/persons/{kuz}").json()["person"]["timeline"]
    assert len(timeline) >= 10
    keys = [t["date"] or t["report_date"] or "9999" for t in timeline]
    assert keys == sorted(keys)
    page = viewer.get(f"/persons/{kuz}").text
    shown = [re.search(r'<td class="date">([^<]*)<', r).group(1) for r in rows(page)]
    # an undated happening (a planned appeal) stands at its report's date with an empty date cell
    dated = [d for d in shown if d]
    assert shown == [t["date"] or "" for t in timeline] and dated == sorted(dated) and len(dated) >= 9
    fled = [t for t in timeline if t["type"] == "fled_country"]
    assert len(fled) == 1 and set(fled[0]["sources"]) == {"en_kuznetsov_asylum.txt", "ru_kuznetsov.txt"}
    assert fled[0]["track"] == "flight" and fled[0]["label"] == "fled to KZ"
    assert [t["track"] for t in timeline if t["type"] == "asylum_denied"] == ["protection"]


def test_person_undated_happenings_last_or_placed_by_their_report_and_marked(workbench_db, changed_db):
    petrov = person_id(workbench_db, "Alexeï Petrov")  # his article has no date: undated happenings go last
    timeline = client(workbench_db, "viewer").get(f"/api/persons/{petrov}").json()["person"]["timeline"]
    undated = [i for i, t in enumerate(timeline) if not t["date"]]
    assert undated and undated == list(range(len(timeline) - len(undated), len(timeline)))
    assert all(t["undated"] and t["report_date"] is None for t in timeline if not t["date"])
    page = client(workbench_db, "viewer").get(f"/persons/{petrov}").text
    assert [("undated" in r) for r in rows(page)] == [not t["date"] for t in timeline]
    assert all('class="happening track-' in r and " undated" in r.split(">")[0] for r in rows(page)[-len(undated):])

    orlov = person_id(changed_db, "Pavel Orlov")  # the sentence has no date; its report is of 2024-05-14
    admin = client(changed_db, "admin")
    order = [(t["type"], t["date"]) for t in admin.get(f"/api/persons/{orlov}").json()["person"]["timeline"]]
    assert order == [("deserted", "2023"), ("fled_country", "2023-04"), ("sentenced", None),
                     ("asylum_applied", "2024-09")]
    row = rows(admin.get(f"/persons/{orlov}").text)[2]
    assert "sentenced" in row and "undated" in row and "placed by its report of 2024-05-14" in row


def test_person_every_source_links_to_its_highlighted_sentence(workbench_db):
    kuz = person_id(workbench_db, "Ivan Kuznetsov")
    viewer = client(workbench_db, "viewer")
    page = viewer.get(f"/persons/{kuz}").text
    store = Store.open(workbench_db)
    links = 0
    articles: dict[int, Ids] = {}
    for row in rows(page):
        label = re.search(r"<strong>([^<]+)</strong>", row).group(1)
        for article, event, source, quote in re.findall(
                r'<a class="source" href="/articles/(\d+)#event-(\d+)">([^<]+)</a>.*?<q>([^<]*)</q>', row, re.S):
            with store.session() as s:
                e = s.get(EventRow, int(event))
                assert e.person_id == kuz and e.article_id == int(article), (article, event)
                assert e.type.replace("_", " ") in label.replace("fled to", "fled country"), (label, e.type)
                assert s.get(ArticleRow, e.article_id).document.source.name == source
            if int(article) not in articles:
                articles[int(article)] = ids(viewer.get(f"/articles/{article}").text)
            tag, cls, inside = articles[int(article)].found[f"event-{event}"]
            assert tag == "mark" and "event" in cls.split()
            assert inside and inside in html_text.unescape(quote), (inside, quote)
            links += 1
    assert links >= 16  # every report of every happening
    for found in articles.values():
        assert not found.duplicates


def test_article_anchors_every_event_once(workbench_db):
    viewer = client(workbench_db, "viewer")
    kuz_article = Store.open(workbench_db).articles()[0]["id"]
    article = viewer.get(f"/api/articles/{kuz_article}").json()["article"]
    found = ids(viewer.get(f"/articles/{kuz_article}").text)
    assert not found.duplicates
    events = [e["id"] for e in article["events"]]
    assert len(events) >= 5 and set(article["anchored"]) == set(events)
    for e in events:  # two events told by one sentence: both anchors on it (marks one inside the other)
        assert found.found[f"event-{e}"][0] == "mark" and "event" in found.found[f"event-{e}"][1].split()


# --- conflicts ------------------------------------------------------------------------------------------------------

def test_person_conflicts_between_sources_are_flagged(changed_db):
    kuz = person_id(changed_db, "Ivan Kuznetsov")
    viewer = client(changed_db, "viewer")
    timeline = viewer.get(f"/api/persons/{kuz}").json()["person"]["timeline"]
    fled = next(t for t in timeline if t["type"] == "fled_country")
    assert fled["date"] == "2023-11" and any("2024-05" in c for c in fled["conflicts"])
    assert {r["article"]["source"] for r in fled["reports"]} == {"en_kuznetsov_asylum.txt", "ru_kuznetsov.txt",
                                                                 "recalled.txt"}
    assert sorted(r["date"] for r in fled["reports"]) == ["2023-11", "2023-11", "2024-05"]
    assert not [t for t in timeline if t["conflicts"] and t is not fled]
    page = viewer.get(f"/persons/{kuz}").text
    flagged = [r for r in rows(page) if " conflict" in r.split(">")[0]]
    assert len(flagged) == 1 and "Sources disagree" in flagged[0] and "2023-11 vs 2024-05" in flagged[0]
    assert "this report: 2024-05" in flagged[0] and "recalled.txt" in flagged[0]
    svg = pictures(page)["timeline"]
    assert "fled to KZ  (sources disagree)" in texts(svg) and "sources disagree" in texts(svg)
    legs = viewer.get(f"/api/persons/{kuz}").json()["route"]  # the disagreeing report is the same flight
    assert [(x["from"], x["to"], x["date"]) for x in legs] == [("RU", "KZ", "2023-11")]


# --- pictures -------------------------------------------------------------------------------------------------------

def test_person_timeline_picture_is_svg_with_a_row_per_happening_and_a_marker_per_report(workbench_db):
    kuz = person_id(workbench_db, "Ivan Kuznetsov")
    viewer = client(workbench_db, "viewer")
    person = viewer.get(f"/api/persons/{kuz}").json()["person"]
    page = viewer.get(f"/persons/{kuz}").text
    assert "timeline_svg" not in viewer.get(f"/api/persons/{kuz}").text  # pictures for the page only
    svg = pictures(page)["timeline"]
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.startswith(f"Timeline: {len(person['timeline'])} happenings")
    labels = texts(svg)
    for t in person["timeline"]:
        assert t["label"] in labels
    assert {"flight", "protection", "custody", "prosecution"} <= set(labels)  # the legend: one colour per track
    markers = [g.get("id") for g in svg.iter(f"{SVG}g") if (g.get("id") or "").startswith("report-")]
    assert sorted(markers) == sorted(f"report-{r['event']}" for t in person["timeline"] for r in t["reports"])
    # drawn to render under the page's Content-Security-Policy: no <style>, no style attributes
    assert not list(svg.iter(f"{SVG}style")) and not [el for el in svg.iter() if "style" in el.attrib]
    img = re.search(r'<figure class="person-chart timeline-chart">\s*<img [^>]*alt="([^"]+)"', page)
    assert img and f"{len(person['timeline'])} happenings" in img.group(1)


def test_person_timeline_picture_has_an_undated_lane(workbench_db):
    petrov = person_id(workbench_db, "Alexeï Petrov")
    svg = pictures(client(workbench_db, "viewer").get(f"/persons/{petrov}").text)["timeline"]
    labels = texts(svg)
    assert any(x.startswith("undated: placed at the date of their report") for x in labels)
    assert labels.count("no date") == 2 and "undated (report date)" in labels


def test_person_route_legs_and_picture(workbench_db):
    viewer, admin = client(workbench_db, "viewer"), client(workbench_db, "admin")
    orlov, kuz = person_id(workbench_db, "Pavel Orlov"), person_id(workbench_db, "Ivan Kuznetsov")
    legs = viewer.get(f"/api/persons/{orlov}").json()["route"]
    assert [(x["from"], x["to"], x["type"], x["date"], x["inferred"]) for x in legs] == [
        ("RU", "GE", "fled_country", "2023-04", False), ("GE", "DE", "asylum_applied", "2024-01", True)]
    page = viewer.get(f"/persons/{orlov}").text
    listed = re.findall(r'<li class="leg[^"]*">.*?</li>', page, re.S)
    assert len(listed) == 2 and "RU → GE" in listed[0] and "Georgia" in listed[0] and "GE → DE" in listed[1]
    assert "inferred" in listed[1] and "inferred" not in listed[0]
    svg = pictures(page)["route"]
    labels = texts(svg)
    assert {"RU", "GE", "DE", "Georgia", "Germany"} <= set(labels)
    assert {"1. 2023-04", "fled", "2. 2024-01", "asylum applied, inferred"} <= set(labels)  # a line a text
    assert svg.find(f"{SVG}title").text == "Route: 2 movements between 3 countries"
    # a requested extradition is no movement
    legs = viewer.get(f"/api/persons/{kuz}").json()["route"]
    assert [(x["from"], x["to"]) for x in legs] == [("RU", "KZ")]
    # granted, and the destination not told: back to the country fled, marked inferred
    smirnov = person_id(workbench_db, SECRET_NAME)
    legs = admin.get(f"/api/persons/{smirnov}").json()["route"]
    assert [(x["from"], x["to"], x["type"], x["inferred"]) for x in legs] == [
        ("RU", "AM", "fled_country", False), ("AM", "RU", "extradition", True)]


def test_person_without_movement_gets_a_sentence_not_a_picture(workbench_db):
    volkov = person_id(workbench_db, "Dmitri Volkov")
    page = client(workbench_db, "viewer").get(f"/persons/{volkov}").text
    assert "No movement between countries is recorded for this person." in page
    assert set(pictures(page)) == {"timeline"} and 'class="legs"' not in page


# --- sensitivity ----------------------------------------------------------------------------------------------------

def test_person_secret_data_absent_for_viewers_in_page_and_pictures(workbench_db):
    viewer, admin = client(workbench_db, "viewer"), client(workbench_db, "admin")
    smirnov = person_id(workbench_db, SECRET_NAME)
    for route in (f"/persons/{smirnov}", f"/api/persons/{smirnov}"):
        assert viewer.get(route).status_code == 404
        assert client(workbench_db).get(route, follow_redirects=False).status_code in (303, 401)
    seen = decoded(admin.get(f"/persons/{smirnov}").text)
    assert SECRET_NAME in seen and "AM" in texts(pictures(seen)["route"])
    orlov = person_id(workbench_db, "Pavel Orlov")
    for role, shows in (("viewer", False), ("editor", True), ("admin", True)):
        page = client(workbench_db, role).get(f"/persons/{orlov}").text
        svg = pictures(page)["timeline"]
        assert ("sentenced in RU, 8 years in absentia" in texts(svg)) is shows, role
        assert (SECRET_EVIDENCE in decoded(page)) is shows, role
        api = client(workbench_db, role).get(f"/api/persons/{orlov}").text
        assert ('"type":"sentenced"' in api) is shows and (SECRET_EVIDENCE in api) is shows, role
        assert ("8 years" in client(workbench_db, role).get(f"/persons/{orlov}").text) is shows, role
    without = client(workbench_db).get(f"/persons/{orlov}", follow_redirects=False)
    assert without.status_code == 303 and "svg" not in without.text


def test_person_secret_fields_absent_for_viewers_in_page_and_pictures(changed_db):
    orlov = person_id(changed_db, "Pavel Orlov")
    viewer, admin = client(changed_db, "viewer"), client(changed_db, "admin")
    fled = next(t for t in viewer.get(f"/api/persons/{orlov}").json()["person"]["timeline"]
                if t["type"] == "fled_country")
    assert fled["country"] is None and fled["label"] == "fled to" and all(r["country"] is None for r in fled["reports"])
    page = viewer.get(f"/persons/{orlov}").text
    for svg in pictures(page).values():
        assert "GE" not in texts(svg) and "Georgia" not in texts(svg) and "fled to GE" not in texts(svg)
    assert "RU → ?" in page and "fled to GE" not in page
    assert "GE" not in viewer.get(f"/api/persons/{orlov}").json()["person"]["countries"]
    assert "fled to GE" in texts(pictures(admin.get(f"/persons/{orlov}").text)["timeline"])


# --- article page ---------------------------------------------------------------------------------------------------

def test_article_page_names_persons_and_has_a_legend(workbench_db):
    viewer, admin = client(workbench_db, "viewer"), client(workbench_db, "admin")
    kuz = person_id(workbench_db, "Ivan Kuznetsov")
    with Store.open(workbench_db).session() as s:
        article = s.scalar(select(EventRow.article_id).where(EventRow.person_id == kuz).order_by(EventRow.id))
        secret_article = s.scalar(select(EventRow.article_id).where(EventRow.person_id ==
                                                                     person_id(workbench_db, SECRET_NAME)))
    page = viewer.get(f"/articles/{article}").text
    assert f'<a class="person" href="/persons/{kuz}">Ivan Kuznetsov</a>' in page
    assert not re.search(r">person \d+<", page)
    assert re.search(rf'deserted — <a href="/persons/{kuz}">Ivan Kuznetsov</a>', page)
    legend = re.search(r'<p class="legend".*?</p>', page, re.S).group(0)
    css = client(workbench_db, "viewer").get("/static/dossier.css").text
    for kind, words in (("person", "a person named"), ("event", "a sentence an event was read from"),
                        ("statistic", "a published figure")):
        assert f'<mark class="{kind}">' in legend and words in legend
        assert re.search(rf"mark\.{kind} \{{ background: #[0-9a-f]+; \}}", css)  # the colour the text has
    assert "legend-target" in legend and ".legend-target { outline" in css
    assert SECRET_NAME not in viewer.get(f"/articles/{secret_article}").text
    assert "Smirnov" not in viewer.get(f"/articles/{secret_article}").text
    assert f">{SECRET_NAME}</a>" in admin.get(f"/articles/{secret_article}").text


def test_article_page_withholds_a_secret_name(changed_db):
    petrov = person_id(changed_db, "Alexeï Petrov")
    with Store.open(changed_db).session() as s:
        article = s.scalar(select(EventRow.article_id).where(EventRow.person_id == petrov))
    viewer = client(changed_db, "viewer")
    page = viewer.get(f"/articles/{article}").text
    assert f'<a class="person" href="/persons/{petrov}">[withheld]</a>' in page and "Petrov" not in page
    persons = viewer.get(f"/api/articles/{article}").json()["article"]["persons"]
    assert [p["name"] for p in persons if p["id"] == petrov] == ["[withheld]"]
    assert "Petrov" not in decoded(viewer.get(f"/persons/{petrov}").text)
    assert "Alexeï Petrov" in client(changed_db, "editor").get(f"/articles/{article}").text


def test_timeline_of_undated_happenings_without_report_dates_draws():
    """Nothing dated at all (neither the happening nor its report): a picture without a time axis, no crash."""
    import xml.etree.ElementTree as ET

    from dossier.web import charts

    lone = [{"type": "detained", "date": None, "track": "custody", "conflicts": [],
             "reports": [{"date": None, "article": {"published": None}, "event": 1}]}]
    for timeline in (lone, []):
        ET.fromstring(charts.person_timeline_svg(timeline).encode("utf-8"))
