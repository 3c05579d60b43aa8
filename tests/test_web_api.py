"""Every route × every role × every sensitivity level: nothing leaks, nothing opens without a login."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dossier.security.audit import verify
from dossier.store import Store
from dossier.store.models import AuditRow, EventRow, PersonRow
from dossier.web.app import create_app

from .conftest import PASSWORD

pytestmark = pytest.mark.slow
SECRET_NAME = "Oleg Smirnov"  # a person marked secret
SECRET_EVIDENCE = "eight years in prison"  # the evidence of an event marked secret


def client(db: str, role: str | None = None) -> TestClient:
    c = TestClient(create_app(db, secure_cookies=False))
    if role:
        r = c.post("/login", data={"username": role, "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303, r.text
    return c


def copy_store(db: str, tmp_path) -> str:
    """A private copy of the shared store (the online backup includes what is still in the WAL)."""
    from dossier.store.backup import backup

    target = tmp_path / "copy.db"
    backup(db, target)
    return str(target)


def without_echo(route: str, body: str) -> str:
    """The body less the search box's echo of the viewer's own query (the query is theirs, not the store's)."""
    q = re.search(r"[?&]q=([^&]*)", route)
    if not q:
        return body
    return body.replace(f'value="{q.group(1)}"', "").replace(f'"query":"{q.group(1)}"', "")


def csrf_of(c: TestClient) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get("/cases").text).group(1)


def get_routes(db: str) -> list[str]:
    store = Store.open(db)
    with store.session() as s:
        person = s.scalar(select(PersonRow.id).where(PersonRow.name == SECRET_NAME))
        other = s.scalar(select(PersonRow.id).where(PersonRow.name == "Pavel Orlov"))
        article = s.scalar(select(EventRow.article_id).where(EventRow.person_id == person))
    routes = ["/cases", "/cases?country=AM", "/search?q=Smirnov", "/search?q=Orlov", "/review", "/review?status=accepted",
              "/statistics", f"/persons/{person}", f"/persons/{other}", f"/articles/{article}",
              "/charts/events-per-month.svg", "/charts/asylum-decisions.svg", "/charts/flows.svg",
              "/charts/events-per-month.png", "/charts/asylum-decisions.png", "/charts/flows.png",
              "/export/cases.csv", "/export/events.csv", "/export/statistics.csv", "/export/cases.json",
              "/export/public.json", "/api/openapi.json", "/alerts", "/alerts?status=all"]
    return routes + [r.replace("/", "/api/", 1) for r in routes
                     if r.startswith(("/cases", "/search", "/review", "/statistics", "/persons", "/articles", "/alerts"))]


def test_web_every_route_needs_login(workbench_db):
    c = client(workbench_db)
    for route in get_routes(workbench_db):
        r = c.get(route, follow_redirects=False)
        assert r.status_code in (401, 303), route
        if r.status_code == 303:
            assert r.headers["location"] == "/login"
    assert c.get("/health").json() == {"status": "ok"}
    assert c.get("/login").status_code == 200


def test_web_declared_routes_are_all_covered(workbench_db):
    app = create_app(workbench_db)
    declared = {r.path for r in app.routes if "GET" in getattr(r, "methods", set())}
    covered = {re.sub(r"\d+", "{x}", re.sub(r"\?.*", "", r)) for r in get_routes(workbench_db)}
    normalised = {re.sub(r"\{[^}]+\}", "{x}", d) for d in declared}
    assert normalised - covered <= {"/login", "/health", "/", "/static", "/charts/{x}.svg", "/charts/{x}.png",
                                    "/export/{x}"}


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_web_route_role_sensitivity_matrix(workbench_db, role):
    c = client(workbench_db, role)
    checked = 0
    for route in get_routes(workbench_db):
        r = c.get(route)
        if role == "viewer" and "/persons/" in route and r.status_code == 404:
            continue  # the secret person does not exist for a viewer
        assert r.status_code == 200, (route, r.status_code)
        body = without_echo(route, r.text)
        if role == "viewer":
            assert SECRET_NAME not in body and "Smirnov" not in body, route
            assert SECRET_EVIDENCE not in body, route
        checked += 1
        if "public.json" in route:
            assert "Kuznetsov" not in body and "Orlov" not in body and "evidence" not in body
    if role != "viewer":
        assert SECRET_NAME in c.get("/cases").text and SECRET_EVIDENCE in c.get("/export/events.csv").text
    assert checked >= 20


def test_web_headers_escape_and_hostile_article_inert(workbench_db):
    c = client(workbench_db, "viewer")
    store = Store.open(workbench_db)
    hostile = next(a["id"] for a in store.articles() if a["source"] == "hostile.txt")
    r = c.get(f"/articles/{hostile}")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert "<img src=x" not in r.text and 'href="javascript:' not in r.text


def test_web_csrf_roles_and_review(workbench_db):
    viewer, editor = client(workbench_db, "viewer"), client(workbench_db, "editor")
    store = Store.open(workbench_db)
    with store.session() as s:
        event_id = s.scalar(select(EventRow.id).where(EventRow.status == "suggested", EventRow.sensitivity != "secret"))
    assert viewer.post(f"/api/review/{event_id}", data={"decision": "accepted", "csrf": csrf_of(viewer)}).status_code == 403
    assert editor.post(f"/api/review/{event_id}", data={"decision": "accepted"}).status_code == 403  # no CSRF token
    assert editor.post(f"/api/review/{event_id}", data={"decision": "accepted", "csrf": "forged"}).status_code == 403
    r = editor.post(f"/api/review/{event_id}", data={"decision": "accepted", "csrf": csrf_of(editor)})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    with store.session() as s:
        assert s.get(EventRow, event_id).status == "accepted"
        row = s.scalar(select(AuditRow).where(AuditRow.action == "review").order_by(AuditRow.id.desc()))
        assert row.username == "editor" and row.target == f"event:{event_id}"
    r = editor.post("/api/review-bulk", data={"type": "fled_country", "decision": "accepted", "min_confidence": 0.0,
                                              "csrf": csrf_of(editor)})
    assert r.json()["updated"] >= 1


def test_web_alerts_acknowledge_and_assign(workbench_db, tmp_path):
    from datetime import date

    from dossier.cli import main

    db = copy_store(workbench_db, tmp_path)
    news = tmp_path / "news.txt"
    news.write_text(f"Deserter held\n\nThe deserter Pavel Testov, a soldier, was detained in Almaty on "
                    f"{date.today().isoformat()}, his lawyer said.\n", encoding="utf-8")
    assert main(["ingest", str(news), "--db", db]) == 0
    viewer, editor = client(db, "viewer"), client(db, "editor")
    listed = editor.get("/api/alerts").json()["alerts"]
    hostile = [a for a in listed if a["type"] == "detained" and "Testov" in (a["person"] or "")]  # recent: one
    assert len(hostile) == 1 and hostile[0]["sources"] and hostile[0]["status"] == "open"
    alert_id = hostile[0]["id"]
    assert viewer.post(f"/api/alerts/{alert_id}/acknowledge", data={"csrf": csrf_of(viewer)}).status_code == 403
    assert editor.post(f"/api/alerts/{alert_id}/assign", data={"assignee": "nobody-here", "csrf": csrf_of(editor)}
                       ).status_code == 422
    r = editor.post(f"/api/alerts/{alert_id}/assign", data={"assignee": "viewer", "csrf": csrf_of(editor)})
    assert r.status_code == 200 and r.json()["assigned_to"] == "viewer"
    r = editor.post(f"/api/alerts/{alert_id}/acknowledge", data={"csrf": csrf_of(editor)})
    assert r.status_code == 200
    assert alert_id not in [a["id"] for a in editor.get("/api/alerts").json()["alerts"]]
    done = next(a for a in editor.get("/api/alerts?status=acknowledged").json()["alerts"] if a["id"] == alert_id)
    assert done["acknowledged_by"] == "editor" and done["assigned_to"] == "viewer"
    page = editor.get("/alerts?status=all").text
    assert f'id="alert-{alert_id}"' in page and "assigned to viewer" in page
    assert editor.get("/api/alerts?status=bogus").status_code == 422
    store = Store.open(db)
    with store.session() as s:
        actions = [a for a, t in s.execute(select(AuditRow.action, AuditRow.target)) if t == f"alert:{alert_id}"]
    assert {"alert_raised", "alert_assigned", "alert_acknowledged"} <= set(actions)


def test_web_login_rate_limited_and_audit_chain_detects_tampering(workbench_db, tmp_path):
    db = copy_store(workbench_db, tmp_path)
    c = client(db)
    for _ in range(5):
        assert c.post("/login", data={"username": "viewer", "password": "wrong guess"}).status_code == 401
    r = c.post("/login", data={"username": "viewer", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 401 and "too many" in r.text
    store = Store.open(db)
    with store.session() as s:
        assert verify(s)[0]
    with store.session.begin() as s:
        row = s.scalar(select(AuditRow).where(AuditRow.action == "login_failed").limit(1))
        row.username = "someone-else"
    with store.session() as s:
        ok, _, message = verify(s)
    assert not ok and "changed" in message


def test_web_api_errors_have_one_shape(workbench_db):
    c = client(workbench_db, "viewer")
    for r in (c.get("/api/persons/999999"), client(workbench_db).get("/api/cases")):
        body = r.json()
        assert set(body) == {"error"} and {"status", "message"} <= set(body["error"])


def test_web_reviewed_facts_survive_reextraction_and_person_review_forms(workbench_db, tmp_path):
    from dossier.cli import main

    db = copy_store(workbench_db, tmp_path)
    editor = client(db, "editor")
    store = Store.open(db)
    with store.session() as s:
        event = s.scalar(select(EventRow).where(EventRow.status == "suggested", EventRow.type == "detained"))
    r = editor.post(f"/api/review/{event.id}", data={"decision": "edited", "date": "2022-10", "country": "kz",
                                                     "csrf": csrf_of(editor)})
    assert r.status_code == 200
    assert main(["reextract", "--db", db]) == 0
    with store.session() as s:
        same = s.scalars(select(EventRow).where(EventRow.article_id == event.article_id, EventRow.type == "detained",
                                                EventRow.person_id == event.person_id)).all()
        assert len(same) == 1 and (same[0].status, same[0].date, same[0].country) == ("accepted", "2022-10", "KZ")
        kuz = s.scalar(select(PersonRow).where(PersonRow.name == "Ivan Kuznetsov"))
        ru = s.scalar(select(EventRow.article_id).join(PersonRow).where(PersonRow.id == kuz.id,
                                                                          EventRow.evidence.is_not(None))
                      .order_by(EventRow.article_id.desc()))
    r = editor.post(f"/api/persons/{kuz.id}/split", data={"article": ru, "csrf": csrf_of(editor)})
    new_id = r.json()["new"]
    r = editor.post(f"/api/persons/{kuz.id}/merge", data={"other": new_id, "csrf": csrf_of(editor)})
    assert r.json() == {"id": kuz.id, "merged": new_id}
    assert editor.post(f"/api/persons/{kuz.id}/merge", data={"other": kuz.id, "csrf": csrf_of(editor)}).status_code == 422
    viewer = client(db, "viewer")
    assert viewer.get("/export/extraction.json").status_code == 403
    assert editor.get("/export/extraction.json").json()["schema"] == "dossier-extraction/1"


def test_web_field_level_sensitivity_and_totp(workbench_db, tmp_path):
    import pyotp

    from dossier.security.accounts import create_user

    db = copy_store(workbench_db, tmp_path)
    store = Store.open(db)
    editor = client(db, "editor")
    with store.session() as s:
        petrov = s.scalar(select(PersonRow).where(PersonRow.name == "Alexeï Petrov"))
    r = editor.post(f"/api/persons/{petrov.id}/sensitivity", data={"level": "secret", "field": "name",
                                                                  "csrf": csrf_of(editor)})
    assert r.json()["field"] == "name"
    viewer = client(db, "viewer")
    page = viewer.get(f"/api/persons/{petrov.id}").json()["person"]
    assert page["name"] == "[withheld]" and page["events"]  # the case stays, the real name goes
    for route in ("/cases", "/search?q=Petrov", "/export/events.csv", f"/persons/{petrov.id}"):
        assert "Petrov" not in without_echo(route, viewer.get(route).text), route
    assert "Alexeï Petrov" in editor.get("/cases").text
    with store.session.begin() as s:
        secret = create_user(s, "twofactor", PASSWORD, "viewer", totp=True)
    c = client(db)
    assert c.post("/login", data={"username": "twofactor", "password": PASSWORD}).status_code == 401
    r = c.post("/login", data={"username": "twofactor", "password": PASSWORD, "otp": pyotp.TOTP(secret).now()},
               follow_redirects=False)
    assert r.status_code == 303


def test_web_cli_exports_share_the_same_filters(workbench_db, tmp_path):
    from dossier.cli import main

    out = tmp_path / "cases.csv"
    assert main(["export", "cases.csv", "-o", str(out), "--db", workbench_db]) == 0
    assert "Kuznetsov" in out.read_text(encoding="utf-8") and SECRET_NAME not in out.read_text(encoding="utf-8")
    assert main(["export", "extraction.json", "-o", str(tmp_path / "x.json"), "--db", workbench_db]) == 1
    assert main(["export", "extraction.json", "-o", str(tmp_path / "x.json"), "--db", workbench_db,
                 "--role", "editor"]) == 0
    assert main(["export", "nonsense", "-o", str(tmp_path / "n"), "--db", workbench_db]) == 1


def test_web_bad_parameters_and_errors_carry_the_security_headers(workbench_db):
    c = client(workbench_db, "viewer")
    for route in ("/api/cases?page=1e17", "/api/cases?page=100000000000000000", "/api/cases?page=abc",
                  "/cases?page=0", "/api/search?q=a%00b", "/search?q=%00", "/api/search?q=" + "x" * 600):
        r = c.get(route)
        assert r.status_code in (200, 422), (route, r.status_code)
        assert r.headers["Content-Security-Policy"] and r.headers["X-Frame-Options"] == "DENY", route
        if r.status_code == 422 and route.startswith("/api/"):
            assert set(r.json()) == {"error"} and r.json()["error"]["message"].startswith("bad "), route
