"""CSV exports: safe in spreadsheet programs, a byte-order mark on request, the new event columns, the cases
page's filters, and the role-based redaction unchanged. The store is built from two articles whose persons
and events are written directly (no NLP models)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from dossier.errors import DossierError
from dossier.web import exports

RU_NAME = "Тимофей Ласточкин"
EN_NAME = "Marek Velund"
FORMULA = '=HYPERLINK("x")'
RU = {"url": "https://news.example/ru/lastochkin-case", "published": "2024-03-05",
      "title": f"Суд арестовал {RU_NAME}",
      "text": (f"Суд арестовал {RU_NAME}\n\n{RU_NAME} обвиняется по статье 337 уголовного кодекса, сообщил его "
               f"адвокат. Он отказался вернуться в часть после отпуска.\n{FORMULA}\n"
               "Следующее заседание назначено на апрель, защита обжалует арест.\n")}
EN = {"url": "https://news.example/en/velund-detained", "published": "2024-05-06",
      "title": f"{EN_NAME} detained at the airport",
      "text": (f"{EN_NAME} detained at the airport\n\nBorder guards detained {EN_NAME} at the airport on Saturday, "
               "his lawyer said. He had left his unit a year earlier and was travelling to a third country. "
               "The lawyer said the family had not been told where he is held.\n")}


def build(tmp_path) -> tuple[str, dict]:
    """A store with one case in a Russian article (a criminal case under an article of the code, in Russia)
    and one in an English article (detained in Kazakhstan); returns the db and the person ids by name."""
    from dossier.cases import refresh_summaries
    from dossier.extract import ArticleExtraction
    from dossier.ingest import ingest
    from dossier.records import Event, Mention, Person, evidence_of
    from dossier.store import Store
    from dossier.store.extraction import save_extraction
    from dossier.store.models import PersonRow

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ru.jsonl").write_text(json.dumps(RU, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "en.jsonl").write_text(json.dumps(EN) + "\n", encoding="utf-8")
    db = str(tmp_path / "d.db")
    store = Store.open(db)
    assert ingest([folder], store).stored == 2
    plan = {"ru.jsonl": (RU_NAME, "criminal_case", "2024-03-01", "RU", {"article": "RU-337"}, 0.75, FORMULA),
            "en.jsonl": (EN_NAME, "detained", "2024-05-04", "KZ", {}, 0.9, "Border guards detained")}
    for a in store.articles():
        article, text = store.article_text(a["id"])
        name, kind, date, country, attributes, confidence, quote = plan[a["source"]]
        key = f"{article.key}/0"
        mentions = [Mention(article.key, i, i + len(name), name, "name") for i in _all(text, name)]
        start = text.index(quote)
        sentence = text[start:text.index("\n", start)] if quote == FORMULA else quote
        person = Person(key=key, name=name, role="resister", mentions=mentions)
        event = Event(type=kind, person=key, article=article.key, date=date, country=country, attributes=attributes,
                      evidence=[evidence_of(article.key, start, sentence)], confidence=confidence)
        with store.session.begin() as s:
            save_extraction(s, a["id"], ArticleExtraction(article=article, relevant=True, persons=[person],
                                                          events=[event]))
    refresh_summaries(store)
    with store.session() as s:
        ids = {p.name: p.id for p in s.query(PersonRow)}
    return db, ids


def _all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.fixture(scope="module")
def store_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("exports"))


def open_store(db):
    from dossier.store import Store

    return Store.open(db)


def test_events_csv_has_the_new_columns_and_is_formula_safe(store_db):
    db, ids = store_db
    body, media = exports.render(open_store(db), "events.csv", "editor")
    assert media == "text/csv"
    assert body.splitlines()[0] == ",".join(exports.EVENT_COLUMNS)
    assert body.splitlines()[0] == ("id,person_id,person,type,date,country,status,confidence,legal_article,source,"
                                    "source_url,published,evidence")
    by_person = {r["person"]: r for r in rows(body)}
    ru = by_person[RU_NAME]  # Cyrillic intact
    assert ru["type"] == "criminal_case" and ru["country"] == "RU" and ru["status"] == "suggested"
    assert ru["confidence"] == "0.75" and ru["legal_article"] == "RU-337"
    assert ru["source"] == "ru.jsonl" and ru["source_url"] == RU["url"] and ru["published"] == "2024-03-05"
    assert ru["evidence"] == "'" + FORMULA  # the formula is shown as text, not run
    assert "\n" + FORMULA not in body and ',"=' not in body and ",=" not in body
    en = by_person[EN_NAME]
    assert en["legal_article"] == "" and en["confidence"] == "0.9" and en["source_url"] == EN["url"]
    assert en["published"] == "2024-05-06" and en["evidence"] == "Border guards detained"


def test_safe_cell_prefixes_every_formula_start_and_leaves_numbers():
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")'):
        assert exports.safe_cell(text) == "'" + text, repr(text)
    for value in ("a=b", "1-2", "", "Ласточкин", " text"):
        assert exports.safe_cell(value) == value
    assert exports.safe_cell(-5) == -5 and exports.safe_cell(-2.5) == -2.5 and exports.safe_cell(None) is None
    assert exports.safe_cell(["=a", "b"]) == "'=a; b"
    body = exports.to_csv([{"n": -5, "x": -2.5, "t": "-5", "list": ["@x", "y"]}])
    assert body.splitlines() == ["n,x,t,list", "-5,-2.5,'-5,'@x; y"]


def test_bom_only_when_asked_and_utf8_throughout(store_db, tmp_path):
    from dossier.cli import main

    db, _ = store_db
    store = open_store(db)
    plain, _ = exports.render(store, "cases.csv", "editor")
    marked, _ = exports.render(store, "cases.csv", "editor", bom=True)
    assert not plain.startswith("\ufeff") and plain.startswith("id,name,")
    assert marked == "\ufeff" + plain
    assert marked.encode("utf-8").startswith(b"\xef\xbb\xbf") and RU_NAME in marked.encode("utf-8").decode("utf-8-sig")
    events, _ = exports.render(store, "events.csv", "editor", bom=True)
    assert events.startswith("\ufeffid,person_id,")
    stats, _ = exports.render(store, "statistics.csv", "editor", bom=True)
    assert stats == "\ufeff" + ",".join(exports.STATISTIC_COLUMNS) + "\r\n"  # a header even without rows
    as_json, _ = exports.render(store, "cases.json", "editor", bom=True)  # JSON never takes a byte-order mark
    assert {c["name"] for c in json.loads(as_json)} == {RU_NAME, EN_NAME}
    out = tmp_path / "events.csv"
    assert main(["export", "events.csv", "-o", str(out), "--db", db, "--role", "editor"]) == 0
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and RU_NAME.encode("utf-8") in data


@pytest.mark.parametrize("filters, expected", [
    ({}, {RU_NAME, EN_NAME}),
    ({"country": "KZ"}, {EN_NAME}),
    ({"country": "Kazakhstan"}, {EN_NAME}),
    ({"country": "ru"}, {RU_NAME}),
    ({"type": "criminal case"}, {RU_NAME}),
    ({"language": "ru"}, {RU_NAME}),
    ({"language": "en"}, {EN_NAME}),
    ({"date_from": "2024-04"}, {EN_NAME}),
    ({"date_to": "2024-03"}, {RU_NAME}),
    ({"date_from": "2024-03", "date_to": "2024-05", "country": "KZ"}, {EN_NAME}),
    ({"status": "detained"}, {EN_NAME}),
    ({"country": "DE"}, set()),
    ({"country": "", "type": None}, {RU_NAME, EN_NAME}),  # empty values are no filter
])
def test_filters_narrow_cases_and_events(store_db, filters, expected):
    db, ids = store_db
    store = open_store(db)
    cases, _ = exports.render(store, "cases.csv", "editor", filters=filters)
    assert {r["name"] for r in rows(cases)} == expected
    assert cases.splitlines()[0] == ",".join(exports.CASE_COLUMNS)  # a header also when no row is left
    events, _ = exports.render(store, "events.csv", "editor", filters=filters)
    assert {r["person"] for r in rows(events)} == expected
    as_json, _ = exports.render(store, "cases.json", "editor", filters=filters)
    assert {c["name"] for c in json.loads(as_json)} == expected


def test_bad_filters_are_errors_not_ignored(store_db):
    db, _ = store_db
    store = open_store(db)
    for filters, message in (({"country": "Atlantis"}, "No country"), ({"date_from": "March"}, "not a date"),
                             ({"type": "picnic"}, "not an event type"), ({"colour": "red"}, "unknown filter"),
                             ({"language": "Russian!"}, "not a language")):
        with pytest.raises(DossierError, match=message):
            exports.render(store, "cases.csv", "editor", filters=filters)
    with pytest.raises(DossierError, match="filters apply to"):
        exports.render(store, "public.json", "editor", filters={"country": "KZ"})
    with pytest.raises(DossierError, match="unknown export"):
        exports.render(store, "nothing.csv", "editor")


def test_redaction_holds_in_the_new_columns(tmp_path):
    """A secret name leaves no trace in the rows of a viewer (name, URL with the name in it), an event whose
    attributes are secret shows no legal article to a viewer, a secret person has no row; editors see all."""
    from dossier.store.models import EventRow, PersonRow

    db, ids = build(tmp_path)
    store = open_store(db)
    with store.session.begin() as s:
        s.get(PersonRow, ids[RU_NAME]).field_levels = {"name": "secret"}
        for e in s.query(EventRow).filter(EventRow.person_id == ids[RU_NAME]):
            e.field_levels = {"attributes": "secret"}
    viewer = rows(exports.render(store, "events.csv", "viewer")[0])
    ru = next(r for r in viewer if r["person_id"] == str(ids[RU_NAME]))
    assert ru["person"] == "[withheld]" and ru["source_url"] == "[withheld]" and ru["legal_article"] == ""
    assert ru["type"] == "criminal_case" and ru["confidence"] == "0.75"
    body = exports.render(store, "events.csv", "viewer")[0]
    assert "Ласточкин" not in body and "lastochkin" not in body.lower()
    en = next(r for r in viewer if r["person"] == EN_NAME)
    assert en["source_url"] == EN["url"]  # an article with nothing withheld keeps its address
    editor = rows(exports.render(store, "events.csv", "editor")[0])
    ru = next(r for r in editor if r["person_id"] == str(ids[RU_NAME]))
    assert ru["person"] == RU_NAME and ru["source_url"] == RU["url"] and ru["legal_article"] == "RU-337"
    public = rows(exports.render(store, "events.csv", "public")[0])
    assert all(r["evidence"] == "" for r in public) and all(r["person"] == "[withheld]" for r in public)
    with store.session.begin() as s:
        s.get(PersonRow, ids[EN_NAME]).sensitivity = "secret"
    viewer = rows(exports.render(store, "events.csv", "viewer")[0])
    assert all(r["person_id"] != str(ids[EN_NAME]) for r in viewer)
    assert EN_NAME not in exports.render(store, "cases.csv", "viewer", filters={"country": "KZ"})[0]
