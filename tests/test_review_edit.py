"""Review that can correct everything: editing any field of an event, adding events and sources by hand,
confirmations after each action, bulk decisions on ticked events, a paged queue and whole evidence on demand."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import func, select

from dossier.store import Store
from dossier.store.models import ArticleRow, AuditRow, CaseSummaryRow, DocumentRow, EventRow, PersonRow, SourceRow
from dossier.web import queries

from .test_web_api import client, copy_store, csrf_of

pytestmark = pytest.mark.slow

# an invented deserter and his story, for the pasted source
DESERTER = "Kirill Danchenko"
PASTED_TITLE = "Russian deserter detained in Almaty"
PASTED_TEXT = (f"{DESERTER}, a 24-year-old Russian soldier who deserted from his unit in March 2024, was detained in "
               f"Almaty on 12 May 2024, his lawyer said. Danchenko fled to Kazakhstan in April 2024 and applied for "
               f"asylum there.")


@pytest.fixture
def db(workbench_db, tmp_path):
    return copy_store(workbench_db, tmp_path)


def event_of(store: Store, person: str, type_: str, status: str = "suggested") -> EventRow:
    with store.session() as s:
        return s.scalar(select(EventRow).join(PersonRow, EventRow.person_id == PersonRow.id)
                        .where(PersonRow.name == person, EventRow.type == type_, EventRow.status == status)
                        .order_by(EventRow.id))


def person_id(store: Store, name: str) -> int:
    with store.session() as s:
        return s.scalar(select(PersonRow.id).where(PersonRow.name == name))


def audit_rows(store: Store, action: str) -> list[AuditRow]:
    with store.session() as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)))


def case_row(store: Store, pid: int) -> CaseSummaryRow | None:
    with store.session() as s:
        return s.get(CaseSummaryRow, pid)


def snapshot(store: Store, event_id: int) -> tuple:
    with store.session() as s:
        e = s.get(EventRow, event_id)
        return (e.type, e.person_id, e.date, e.country, e.place, json.dumps(e.attributes, sort_keys=True), e.status)


def notice(page: str) -> str:
    found = re.search(r'<p class="notice"[^>]*>(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def refusal(page: str) -> str:
    found = re.search(r'<p class="error refused"[^>]*>(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def test_review_edit_type_date_country_place_attributes(db):
    store = Store.open(db)
    editor = client(db, "editor")
    kuz = person_id(store, "Ivan Kuznetsov")
    event = event_of(store, "Ivan Kuznetsov", "detained")
    assert "abducted" not in case_row(store, kuz).event_types
    r = editor.post(f"/review/{event.id}/edit", follow_redirects=False, data={
        "csrf": csrf_of(editor), "whole": "1", "back": "status=suggested&page=1", "type": "abducted",
        "person": str(kuz), "date": "2025-01-15", "country": "Armenia", "place": "Yerevan, the old town",
        "attr_key": ["outcome", "years", "article", "to_country", ""], "attr_value": ["pending", "", "", "Russia", ""]})
    assert r.status_code == 303
    assert r.headers["location"].startswith("/review?done=edited&event=")
    shown = notice(editor.get(r.headers["location"]).text)
    assert f"Event {event.id} saved and accepted; changed: type, date, country, place, attributes" in shown
    with store.session() as s:
        e = s.get(EventRow, event.id)
        assert (e.type, e.date, e.country, e.place, e.status) == ("abducted", "2025-01-15", "AM",
                                                                  "Yerevan, the old town", "accepted")
        assert e.attributes == {"outcome": "pending", "to_country": "RU", "replaces": ["detained"]}
    assert " abducted " in case_row(store, kuz).event_types  # the case row followed
    row = audit_rows(store, "review_edit")[-1]
    assert row.username == "editor" and row.target == f"event:{event.id}"
    assert row.detail["fields"] == ["type", "date", "country", "place", "attributes"]
    assert row.detail["attributes"] == ["outcome", "to_country"]
    assert "Yerevan" not in json.dumps(row.detail, ensure_ascii=False)  # field names, never what was written

    # the page's form sends every field: a blank one clears it; the API leaves out what it does not send
    r = editor.post(f"/api/review/{event.id}/edit", data={"csrf": csrf_of(editor), "whole": "1", "type": "abducted",
                                                         "person": str(kuz), "date": "2025-01", "country": "AM"})
    assert r.status_code == 200 and r.json()["changed"] == ["date", "place"]
    r = editor.post(f"/api/review/{event.id}/edit", data={"csrf": csrf_of(editor), "attr_key": "years",
                                                         "attr_value": "2.5"})
    assert r.json()["changed"] == ["attributes"]
    with store.session() as s:
        e = s.get(EventRow, event.id)
        assert (e.date, e.country, e.place, e.attributes) == ("2025-01", "AM", None,
                                                              {"years": 2.5, "replaces": ["detained"]})
    # extracting the article again does not suggest the type the reviewer corrected away
    from dossier.pipeline import extract_stored

    start = e.evidence[0]["start"]
    extract_stored(store, [e.article_id])
    with store.session() as s:
        again = [x for x in s.scalars(select(EventRow).where(EventRow.article_id == e.article_id,
                                                             EventRow.type == "detained"))
                 if x.evidence and x.evidence[0]["start"] == start]
    assert again == []


def test_review_edit_moves_an_event_to_another_or_a_new_person(db):
    store = Store.open(db)
    editor = client(db, "editor")
    kuz, orlov = person_id(store, "Ivan Kuznetsov"), person_id(store, "Pavel Orlov")
    event = event_of(store, "Ivan Kuznetsov", "asylum_denied")
    assert "asylum_denied" not in case_row(store, orlov).event_types
    r = editor.post(f"/api/review/{event.id}/edit", data={"csrf": csrf_of(editor), "person": str(orlov)})
    assert r.status_code == 200 and r.json()["changed"] == ["person"] and r.json()["person"] == orlov
    assert " asylum_denied " in case_row(store, orlov).event_types
    row = audit_rows(store, "review_edit")[-1]
    assert (row.detail["from_person"], row.detail["to_person"], row.detail["new_person"]) == (kuz, orlov, False)

    r = editor.post(f"/review/{event.id}/edit", follow_redirects=False,
                    data={"csrf": csrf_of(editor), "whole": "1", "type": "asylum_denied", "person": str(orlov),
                          "new_person": "Timur Ostapenko", "date": event.date, "country": "KZ"})
    assert r.status_code == 303
    with store.session() as s:
        new = s.scalar(select(PersonRow).where(PersonRow.name == "Timur Ostapenko"))
        assert new is not None and new.role == "resister" and s.get(EventRow, event.id).person_id == new.id
    assert case_row(store, new.id) is not None and " asylum_denied " in case_row(store, new.id).event_types
    assert "asylum_denied" not in case_row(store, orlov).event_types  # the old case row followed too
    assert f"/persons/{new.id}#event-{event.id}" in editor.get(r.headers["location"]).text
    row = audit_rows(store, "review_edit")[-1]
    assert row.detail["new_person"] is True and row.detail["to_person"] == new.id
    assert "Ostapenko" not in json.dumps(row.detail)
    assert any(p["id"] == new.id for p in editor.get("/api/search?q=Ostapenko").json()["persons"])


@pytest.mark.parametrize("field,value,reason", [
    ("date", "sometime in 2024", "is not a date"),
    ("date", "2024-02-30", "not a day of the calendar"),
    ("date", "2023-02-29", "not a day of the calendar"),
    ("date", "2024-13", "no month 13"),
    ("date", "24-03-05", "is not a date"),
    ("country", "Narnia", "is not known"),
    ("country", "XX", "is not known"),
    ("type", "detention", "not an event type"),
    ("person", "999999", "there is no person"),
    ("person", "Orlov", "not a person's id"),
])
def test_review_edit_refuses_bad_values_and_stores_nothing(db, field, value, reason):
    store = Store.open(db)
    editor = client(db, "editor")
    event = event_of(store, "Ivan Kuznetsov", "fled_country")
    before, audited = snapshot(store, event.id), len(audit_rows(store, "review_edit"))
    r = editor.post(f"/api/review/{event.id}/edit", data={"csrf": csrf_of(editor), field: value})
    assert r.status_code == 422 and reason in r.json()["error"]["message"], r.text
    # the page: the queue again with the reason, the form open with what was typed, status 422
    r = editor.post(f"/review/{event.id}/edit", data={"csrf": csrf_of(editor), "whole": "1", "type": event.type,
                                                     "person": str(event.person_id), "date": event.date,
                                                     "country": event.country, field: value})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert reason in refusal(r.text) and refusal(r.text).startswith(f"Event {event.id} not saved")
    if field != "type":  # what was typed is there to correct (a type is chosen from the codebook's)
        assert f'value="{html.escape(value)}"' in r.text
    assert snapshot(store, event.id) == before and len(audit_rows(store, "review_edit")) == audited


@pytest.mark.parametrize("key,value,reason", [
    ("years", "many", "not a number of years"),
    ("years", "250", "at most 100"),
    ("outcome", "maybe", "not one the codebook knows"),
    ("article", "treason", "not an article of a criminal code"),
    ("to_country", "Atlantis", "is not known"),
    ("Bad Key", "x", "lowercase letters"),
])
def test_review_edit_refuses_bad_attributes(db, key, value, reason):
    store = Store.open(db)
    editor = client(db, "editor")
    event = event_of(store, "Ivan Kuznetsov", "extradition")
    before = snapshot(store, event.id)
    r = editor.post(f"/api/review/{event.id}/edit", data={"csrf": csrf_of(editor), "attr_key": key, "attr_value": value})
    assert r.status_code == 422 and reason in r.json()["error"]["message"], r.text
    assert snapshot(store, event.id) == before


def test_review_edit_normalises_good_attributes(db):
    store = Store.open(db)
    editor = client(db, "editor")
    event = event_of(store, "Alexeï Petrov", "sentenced")
    r = editor.post(f"/api/review/{event.id}/edit", data={
        "csrf": csrf_of(editor), "attr_key": ["years", "article", "in_absentia", "to_country", "outcome"],
        "attr_value": ["6,5", "338, RU-339.1", "yes", "kaz", ""]})
    assert r.status_code == 200, r.text
    with store.session() as s:
        assert s.get(EventRow, event.id).attributes == {"years": 6.5, "article": ["RU-338", "RU-339.1"],
                                                        "in_absentia": True, "to_country": "KZ"}


def test_review_old_inline_edit_checks_dates_too(db):
    """The decision 'edited' of /review/{id} used to store any text as a date."""
    store = Store.open(db)
    editor = client(db, "editor")
    event = event_of(store, "Ivan Kuznetsov", "released")
    before = snapshot(store, event.id)
    r = editor.post(f"/api/review/{event.id}", data={"decision": "edited", "date": "sometime in 2024",
                                                     "csrf": csrf_of(editor)})
    assert r.status_code == 422 and "is not a date" in r.json()["error"]["message"]
    r = editor.post(f"/review/{event.id}", data={"decision": "edited", "country": "Narnia", "csrf": csrf_of(editor)})
    assert r.status_code == 422 and "is not known" in refusal(r.text)
    assert snapshot(store, event.id) == before
    r = editor.post(f"/review/{event.id}", data={"decision": "accepted", "csrf": csrf_of(editor)}, follow_redirects=False)
    assert notice(editor.get(r.headers["location"]).text) == f"Event {event.id} accepted. see it on the person page"


def test_review_viewer_and_forged_requests_are_refused(db):
    store = Store.open(db)
    viewer, editor = client(db, "viewer"), client(db, "editor")
    event = event_of(store, "Ivan Kuznetsov", "deserted")
    before = snapshot(store, event.id)
    kuz = person_id(store, "Ivan Kuznetsov")
    with store.session() as s:
        events = s.scalar(select(func.count(EventRow.id)))
    posts = [(f"/api/review/{event.id}/edit", {"type": "killed"}),
             ("/api/review-add-event", {"person": str(kuz), "type": "killed", "note": "x"}),
             ("/api/review-add-source", {"title": PASTED_TITLE, "text": PASTED_TEXT}),
             ("/api/review-bulk", {"event_id": str(event.id), "decision": "rejected"})]
    for route, data in posts:
        assert viewer.post(route, data=dict(data, csrf=csrf_of(viewer))).status_code == 403, route
        assert viewer.post(route.replace("/api", ""), data=dict(data, csrf=csrf_of(viewer))).status_code == 403, route
        assert editor.post(route, data=data).status_code == 403, route  # no CSRF token
        assert editor.post(route, data=dict(data, csrf="forged")).status_code == 403, route
    assert snapshot(store, event.id) == before
    with store.session() as s:
        assert s.scalar(select(func.count(EventRow.id))) == events
    page = viewer.get("/review").text
    assert "/edit" not in page and "review-add-event" not in page and 'name="event_id"' not in page


def test_review_add_a_missed_event(db):
    from dossier.pipeline import extract_stored

    store = Store.open(db)
    editor = client(db, "editor")
    hostilov = person_id(store, "Pavel Hostilov")
    events_before = case_row(store, hostilov).events
    note = ("The deserter Pavel Hostilov, a soldier, was detained in Almaty in January and released on 3 February "
            "2025, his lawyer told us by phone.")
    r = editor.post("/review-add-event", follow_redirects=False, data={
        "csrf": csrf_of(editor), "back": "page=1", "person": str(hostilov), "type": "released", "date": "2025-02-03",
        "country": "Kazakhstan", "place": "Almaty", "note": note,
        "attr_key": ["outcome", "years", "article", "to_country", "authority"],
        "attr_value": ["", "", "", "", "Almaty city court"]})
    assert r.status_code == 303, r.text
    new = int(re.search(r"event=(\d+)", r.headers["location"]).group(1))
    assert notice(editor.get(r.headers["location"]).text) == \
        f"Event {new} added for person {hostilov} and accepted. see it on the person page"
    with store.session() as s:
        e = s.get(EventRow, new)
        assert (e.person_id, e.type, e.date, e.country, e.place, e.status, e.confidence) == \
            (hostilov, "released", "2025-02-03", "KZ", "Almaty", "accepted", 1.0)
        assert e.attributes == {"authority": "Almaty city court"}
        assert e.evidence[0]["text"] == f"added by editor: {note}"
        note_article = e.article_id
        assert s.get(ArticleRow, note_article).document.source.name == "added by editor"
    assert case_row(store, hostilov).events == events_before + 1 and " released " in case_row(store, hostilov).event_types
    person = editor.get(f"/persons/{hostilov}").text
    assert f'id="event-{new}"' in person and "added by editor: The deserter Pavel Hostilov" in html.unescape(person)
    row = audit_rows(store, "review_add_event")[-1]
    assert row.target == f"event:{new}" and row.detail["person"] == hostilov and row.detail["type"] == "released"
    assert "Almaty" not in json.dumps(row.detail) and "lawyer" not in json.dumps(row.detail)
    # re-extraction never reads events out of a reviewer's note (this one would give a detention), and keeps the
    # reviewer's event
    extract_stored(store, [note_article])
    with store.session() as s:
        on_note = list(s.scalars(select(EventRow).where(EventRow.article_id == note_article)))
        assert [x.id for x in on_note] == [new]

    with store.session() as s:
        count = s.scalar(select(func.count(EventRow.id)))
    for data, reason in (({"type": "released"}, "an evidence note is needed"),
                         ({"type": "released", "note": "x", "person": "999999"}, "there is no person"),
                         ({"type": "released", "note": "x", "date": "in spring"}, "is not a date"),
                         ({"type": "freed", "note": "x"}, "not an event type")):
        r = editor.post("/api/review-add-event", data=dict({"csrf": csrf_of(editor), "person": str(hostilov)}, **data))
        assert r.status_code == 422 and reason in r.json()["error"]["message"], (data, r.text)
    r = editor.post("/review-add-event", data={"csrf": csrf_of(editor), "person": str(hostilov), "type": "released",
                                               "date": "in spring", "note": "kept when refused"})
    assert r.status_code == 422 and "is not a date" in refusal(r.text)
    assert "kept when refused" in r.text and '<details id="add-event" open>' in r.text
    with store.session() as s:
        assert s.scalar(select(func.count(EventRow.id))) == count


def test_review_add_a_pasted_source_extracts_it(db):
    store = Store.open(db)
    editor = client(db, "editor")
    url = "https://news.example.org/2024/05/deserter-detained"
    r = editor.post("/review-add-source", follow_redirects=False, data={
        "csrf": csrf_of(editor), "title": PASTED_TITLE, "text": PASTED_TEXT, "url": url, "published": "2024-05-14"})
    assert r.status_code == 303, r.text
    article = int(re.search(r"article=(\d+)", r.headers["location"]).group(1))
    with store.session() as s:
        a = s.get(ArticleRow, article)
        assert a.document.url == url and a.document.source.name == url and a.extracted_at is not None
        assert a.language == "en" and a.published == "2024-05-14"
        found = s.execute(select(EventRow.type, PersonRow.name).join(PersonRow, EventRow.person_id == PersonRow.id)
                          .where(EventRow.article_id == article)).all()
    assert ("detained", DESERTER) in found and {"deserted", "fled_country"} & {t for t, _ in found}, found
    shown = notice(editor.get(r.headers["location"]).text)
    assert shown == f"Source stored as article {article}: {len(found)} events found, suggested for review. read the article"
    queue = editor.get("/api/review?type=detained").json()["items"]
    assert any(i["article"] == article and i["person"]["name"] == DESERTER for i in queue)
    assert any(c["name"] == DESERTER for c in editor.get("/api/cases").json()["cases"])  # a case row at once
    row = audit_rows(store, "review_add_source")[-1]
    assert row.detail["articles"] == [article] and row.detail["events"] == len(found) and row.detail["url"] is True
    assert "Danchenko" not in json.dumps(row.detail) and url not in json.dumps(row.detail)

    # the same text again is recognised, nothing is stored twice
    with store.session() as s:
        sources = s.scalar(select(func.count(SourceRow.id)))
    r = editor.post("/api/review-add-source", data={"csrf": csrf_of(editor), "title": PASTED_TITLE,
                                                    "text": PASTED_TEXT, "url": url, "published": "2024-05-14"})
    assert r.status_code == 200 and r.json()["known"] == article
    for data, reason in (({"title": "x", "text": " "}, "paste the text"),
                         ({"title": "", "text": "some text"}, "needs a title"),
                         ({"title": "x", "text": "some text", "url": "javascript:alert(1)"}, "not a web address"),
                         ({"title": "x", "text": "some text", "published": "last week"}, "is not a date")):
        r = editor.post("/api/review-add-source", data=dict(data, csrf=csrf_of(editor)))
        assert r.status_code == 422 and reason in r.json()["error"]["message"], (data, r.text)
    with store.session() as s:
        assert s.scalar(select(func.count(SourceRow.id))) == sources
        assert s.scalar(select(func.count(DocumentRow.id)).where(DocumentRow.url == url)) == 1


def test_review_bulk_by_selection(db):
    store = Store.open(db)
    editor = client(db, "editor")
    with store.session() as s:
        a, b, c = s.scalars(select(EventRow.id).where(EventRow.status == "suggested").order_by(EventRow.id).limit(3))
    page = editor.get("/review").text  # a box on every row, sent with the form of the two buttons
    assert re.search(r'<form method="post" action="/review-bulk" id="bulk"[^>]*>', page)
    boxes = re.findall(r'<input type="checkbox" name="event_id" value="(\d+)" form="bulk"', page)
    rows = re.findall(r'<tr id="review-(\d+)"', page)
    assert boxes == rows and str(a) in boxes
    r = editor.post("/review-bulk", follow_redirects=False, data={
        "csrf": csrf_of(editor), "decision": "accepted", "event_id": [str(a), str(b)], "back": "status=suggested"})
    assert r.status_code == 303 and "done=bulk-accepted" in r.headers["location"]
    assert notice(editor.get(r.headers["location"]).text) == "2 events accepted."
    r = editor.post("/review-bulk", follow_redirects=False,
                    data={"csrf": csrf_of(editor), "decision": "rejected", "event_id": str(c)})
    assert notice(editor.get(r.headers["location"]).text) == "1 event rejected."
    with store.session() as s:
        assert [s.get(EventRow, i).status for i in (a, b, c)] == ["accepted", "accepted", "rejected"]
    row = audit_rows(store, "review_bulk")[-2]
    assert row.target == "selection" and row.detail["events"] == [a, b] and row.detail["count"] == 2

    # nothing ticked, or a type that does not exist: said so, nothing done
    with store.session() as s:
        statuses = dict(s.execute(select(EventRow.id, EventRow.status)).all())
    r = editor.post("/review-bulk", data={"csrf": csrf_of(editor), "decision": "accepted"})
    assert r.status_code == 422 and "tick the events" in refusal(r.text)
    r = editor.post("/api/review-bulk", data={"csrf": csrf_of(editor), "decision": "accepted", "type": "fled_contry",
                                              "min_confidence": 0.0})
    assert r.status_code == 422 and "not an event type" in r.json()["error"]["message"]
    with store.session() as s:
        assert dict(s.execute(select(EventRow.id, EventRow.status)).all()) == statuses

    # the typed variant is a choice of the types in the queue, with their counts
    page = editor.get("/review").text
    types = dict((t, int(n)) for t, n in re.findall(r'<option value="(\w+)">[\w ]+ \((\d+)\)</option>', page))
    with store.session() as s:
        expected = s.scalar(select(func.count(EventRow.id)).where(EventRow.status == "suggested",
                                                                  EventRow.type == "fled_country"))
    assert types["fled_country"] == expected
    r = editor.post("/api/review-bulk", data={"csrf": csrf_of(editor), "decision": "accepted", "type": "fled_country",
                                              "min_confidence": 0.0})
    assert r.json()["updated"] == expected


def test_review_queue_pages(db, monkeypatch):
    store = Store.open(db)
    editor, viewer = client(db, "editor"), client(db, "viewer")
    monkeypatch.setattr(queries, "REVIEW_PAGE", 5)
    with store.session() as s:
        total = s.scalar(select(func.count(EventRow.id)).where(EventRow.status == "suggested"))
        visible = s.scalar(select(func.count(EventRow.id)).join(PersonRow, EventRow.person_id == PersonRow.id)
                           .where(EventRow.status == "suggested", EventRow.sensitivity != "secret",
                                  PersonRow.sensitivity != "secret"))
    assert total > 10 and visible < total
    first = editor.get("/api/review").json()
    assert (first["total"], first["pages"], first["page"], len(first["items"])) == (total, -(-total // 5), 1, 5)
    seen = []
    for n in range(1, first["pages"] + 1):
        seen += [i["id"] for i in editor.get(f"/api/review?page={n}").json()["items"]]
    assert len(seen) == len(set(seen)) == total  # every event once, on one page
    assert viewer.get("/api/review").json()["total"] == visible  # secret events are not counted for a viewer
    last = editor.get("/api/review?page=999").json()
    assert last["page"] == first["pages"] and last["items"]  # past the end: the last page

    page = editor.get("/review?page=2").text
    assert f"page 2 of {first['pages']}" in page and 'href="/review?page=3" rel="next"' in page
    assert 'href="/review" rel="prev"' in page
    # filters are kept across pages, in the links and in what the forms send back
    monkeypatch.setattr(queries, "REVIEW_PAGE", 2)
    page = editor.get("/review?status=suggested&type=fled_country&page=2").text
    assert 'href="/review?type=fled_country&amp;page=3"' in page and 'href="/review?type=fled_country" rel="prev"' in page
    assert 'name="back" value="type=fled_country&amp;page=2"' in page
    with store.session() as s:
        accepted = s.scalar(select(EventRow.id).where(EventRow.type == "fled_country", EventRow.status == "suggested"))
    r = editor.post(f"/review/{accepted}", follow_redirects=False,
                    data={"decision": "accepted", "csrf": csrf_of(editor), "back": "type=fled_country&page=2"})
    assert r.headers["location"].startswith("/review?type=fled_country&page=2&done=accepted")
    r = editor.post(f"/review/{accepted}", follow_redirects=False, data={
        "decision": "accepted", "csrf": csrf_of(editor), "back": "status=bogus&type=<x>&page=-1&next=https://evil"})
    assert r.headers["location"].startswith("/review?done=accepted")  # only known values go back

    for bad in ("abc", "0", "-1", "1e3"):
        r = editor.get(f"/review?page={bad}")
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), bad
        assert "bad page: a page is a whole number, 1 or more" in refusal(r.text) and 'class="review"' in r.text
        r = editor.get(f"/api/review?page={bad}")
        assert r.status_code == 422 and r.json()["error"]["message"].startswith("bad page"), bad
    assert editor.get("/api/review?status=pending").status_code == 422
    assert editor.get("/api/review?type=fled_contry").status_code == 422


def test_review_evidence_whole_on_demand(db):
    store = Store.open(db)
    editor = client(db, "editor")
    with store.session() as s:
        long = [e for e in s.scalars(select(EventRow).where(EventRow.status == "suggested"))
                if e.sensitivity != "secret" and len(e.evidence[0]["text"]) > 160]
    assert long
    page = html.unescape(editor.get("/review").text)
    for e in long:
        full = e.evidence[0]["text"]
        summary = re.search(rf'<tr id="review-{e.id}".*?<summary><span class="short">“(.*?)”</span>.*?</summary><p class="full">“(.*?)”</p>',
                            page, re.S)
        assert summary, e.id
        short, whole = summary.group(1), summary.group(2)
        assert whole == full  # the sentence whole, not cut
        assert short.endswith(" …") and len(short) <= 142
        cut = short[:-2]
        assert full.startswith(cut) and (full[len(cut)].isspace() or full[len(cut)] in ",;:"), (cut, full)
        assert not full[len(cut) - 1].isspace()
