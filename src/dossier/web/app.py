"""The workbench application: login, roles, CSRF, security headers, and the pages (each also JSON).

No page but /login and /health answers without a session. Every state change is a POST carrying the
session's CSRF token. Templates escape everything (Jinja autoescape) and a strict Content Security
Policy forbids inline script, so untrusted article text renders inert.
"""

import logging
import os
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..security import accounts, audit
from ..security.policy import can_see, redact_event, redact_person
from ..store import Store
from ..errors import DossierError
from ..store.models import EventRow, PersonRow, UserRow
from ..cases import refresh_summaries
from . import charts, exports, queries

HERE = Path(__file__).parent
COOKIE = "dossier_session"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; connect-src 'self'")


class Auth:
    def __init__(self, user, session):
        self.user, self.session = user, session

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def name(self) -> str:
        return self.user.username


def create_app(db: str, secure_cookies: bool | None = None) -> FastAPI:
    store = Store.open(db)
    secure = secure_cookies if secure_cookies is not None else os.environ.get("DOSSIER_INSECURE_COOKIES") != "1"
    app = FastAPI(title="Dossier workbench", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True  # every value is escaped, whatever the template's file name
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.store = store

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        try:
            response = await call_next(request)
        except Exception:  # a bug: one shape of error, logged, and still the headers below
            logging.getLogger("dossier.web").exception("error on %s %s", request.method, request.url.path)
            body = {"error": {"status": 500, "message": "internal error (logged on the server)"}}
            response = JSONResponse(body, status_code=500)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def client(request: Request) -> str:
        return request.client.host if request.client else "?"

    def current(request: Request) -> Auth:
        with store.session.begin() as s:
            found = accounts.session_user(s, request.cookies.get(COOKIE))
            if found is None:
                raise HTTPException(401, "login required")
            user, sess = found
            s.expunge(user)
            s.expunge(sess)
            return Auth(user, sess)

    def editor(auth: Annotated[Auth, Depends(current)]) -> Auth:
        if auth.role not in ("editor", "admin"):
            raise HTTPException(403, "editors only")
        return auth

    def check_csrf(auth: Auth, token: str) -> None:
        if not token or token != auth.session.csrf:
            raise HTTPException(403, "bad or missing CSRF token")

    def log(auth: Auth | None, action: str, target: str | None = None, detail: dict | None = None,
            request: Request | None = None) -> None:
        with store.session.begin() as s:
            audit.record(s, action, auth.name if auth else None, target, detail, client(request) if request else None)

    CurrentUser = Annotated[Auth, Depends(current)]
    Editor = Annotated[Auth, Depends(editor)]

    def render(request: Request, auth: Auth | None, template: str, data: dict, status: int = 200):
        if request.url.path.startswith("/api/"):
            return JSONResponse(data, status_code=status)
        return templates.TemplateResponse(request, template, {"data": data, "auth": auth, "csrf": auth.session.csrf
                                                              if auth else ""}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ())[1:]) or "request"
        return await http_error(request, StarletteHTTPException(422, f"bad {where}: {first.get('msg', 'invalid')}"))

    @app.exception_handler(DossierError)
    async def user_error(request: Request, exc: DossierError):
        return await http_error(request, StarletteHTTPException(422, exc.message))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 403:  # refusals, CSRF failures among them, are in the audit log with who asked
            with store.session.begin() as s:
                found = accounts.session_user(s, request.cookies.get(COOKIE))
                audit.record(s, "refused", found[0].username if found else None, request.url.path,
                             {"status": 403, "reason": str(exc.detail), "method": request.method}, client(request))
        if exc.status_code == 401 and not request.url.path.startswith("/api/"):
            return RedirectResponse("/login", status_code=303)
        body = {"error": {"status": exc.status_code, "message": str(exc.detail)}}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=exc.status_code)
        return templates.TemplateResponse(request, "error.html", {"data": body["error"], "auth": None, "csrf": ""},
                                          status_code=exc.status_code)

    @app.get("/api/openapi.json")
    def openapi(auth: CurrentUser):
        return app.openapi()

    # --- open routes ---------------------------------------------------------------------
    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request):
        return templates.TemplateResponse(request, "login.html", {"data": {}, "auth": None, "csrf": ""})

    @app.post("/login")
    def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
              otp: Annotated[str | None, Form()] = None):
        error = None
        try:
            _, token = accounts.login(store, username, password, client(request), otp)
        except accounts.LoginRefused as exc:
            error = exc.message
        if error:
            return templates.TemplateResponse(request, "login.html", {"data": {"error": error}, "auth": None,
                                                                      "csrf": ""}, status_code=401)
        response = RedirectResponse("/cases", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, secure=secure, samesite="strict",
                            max_age=accounts.SESSION_HOURS * 3600)
        return response

    @app.post("/logout")
    def logout(request: Request, auth: CurrentUser, csrf: Annotated[str, Form()] = ""):
        check_csrf(auth, csrf)
        with store.session.begin() as s:
            accounts.close_session(s, request.cookies.get(COOKIE))
            audit.record(s, "logout", auth.name, client=client(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/")
    def root():
        return RedirectResponse("/cases", status_code=303)

    # --- cases and persons -----------------------------------------------------------------
    @app.get("/cases", response_class=HTMLResponse)
    @app.get("/api/cases")
    def cases_page(request: Request, auth: CurrentUser, status: str | None = None, country: str | None = None,
                   type: str | None = None, date_from: str | None = None, date_to: str | None = None,
                   language: str | None = None, sort: str = "name", page: Annotated[int, Query(ge=1, le=1_000_000)] = 1):
        from urllib.parse import urlencode

        raw = {"status": status, "country": country, "type": type, "date_from": date_from, "date_to": date_to,
               "language": language}
        chosen, problems = queries.clean_filters(raw)
        sort = sort if sort in ("name", "sources", "date", "events") else "name"
        rows = [] if problems else queries.case_rows(store, chosen.get("status"), chosen.get("country"),
                                                     chosen.get("type"), chosen.get("date_from"), chosen.get("date_to"),
                                                     chosen.get("language"), sort, page, role=auth.role)
        visible = [r for r in (redact_person(r, auth.role) for r in rows) if r is not None]
        filters = dict(chosen, sort=sort, page=page)
        log(auth, "list_cases", detail={"filters": sorted(chosen)}, request=request)
        keep = urlencode({k: v for k, v in raw.items() if v})  # what was typed, for links that keep the filters
        return render(request, auth, "cases.html", {
            "cases": visible, "filters": filters, "typed": raw, "problems": problems, "page": page,
            "per_page": queries.PAGE, "query": keep, "sort": sort,
            "matching": 0 if problems else queries.case_count(store, auth.role, chosen),
            "total": queries.case_count(store, auth.role),
            "facets": queries.case_facets(store, auth.role, chosen)}, status=422 if problems else 200)

    @app.get("/persons/{person_id}", response_class=HTMLResponse)
    @app.get("/api/persons/{person_id}")
    def person_page(request: Request, auth: CurrentUser, person_id: int):
        detail = queries.person_detail(store, person_id, auth.role)
        person = redact_person(detail, auth.role) if detail else None
        if person is None:
            raise HTTPException(404, "no such person")
        person["events"] = [e for e in (redact_event(e, auth.role) for e in detail["events"]) if e is not None]
        person["timeline"] = [t for t in (redact_event(t, auth.role) for t in detail["timeline"]) if t is not None]
        for t in person["timeline"]:  # redacted in person_detail already; the same rules again, cheaply
            t["reports"] = [r for r in (redact_event(r, auth.role) for r in t["reports"]) if r is not None]
        if not can_see("restricted", auth.role):
            person["timeline"] = []
        data = {"person": person, "route": charts.route_legs(person["timeline"])}
        if not request.url.path.startswith("/api/"):  # the pictures, drawn from the same redacted timeline
            data["timeline_svg"] = charts.data_uri(charts.person_timeline_svg(person["timeline"])) \
                if person["timeline"] else None
            data["route_svg"] = charts.data_uri(charts.person_route_svg(data["route"])) if data["route"] else None
        log(auth, "read_person", f"person:{person_id}", request=request)
        return render(request, auth, "person.html", data)

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    @app.get("/api/articles/{article_id}")
    def article_page(request: Request, auth: CurrentUser, article_id: int):
        article = queries.article_detail(store, article_id, auth.role)
        if article is None:
            raise HTTPException(404, "no such article")
        article["segments"] = queries.segments(article["text"], article["marks"])
        anchored: set[int] = set()
        for seg in article["segments"]:  # each event's anchor (#event-ID) on the first piece of its evidence
            seg["anchors"] = [e for e in seg["events"] if e not in anchored]
            anchored.update(seg["anchors"])
        article["anchored"] = sorted(anchored)
        log(auth, "read_article", f"article:{article_id}", request=request)
        return render(request, auth, "article.html", {"article": article})

    @app.get("/search", response_class=HTMLResponse)
    @app.get("/api/search")
    def search_page(request: Request, auth: CurrentUser, q: Annotated[str, Query(max_length=500)] = "",
                    language: str | None = None,
                    relevant: bool = False):
        q = "".join(c for c in q if c >= " " or c in "\t")  # a NUL or control byte is no search word
        result = queries.search(store, q, language, relevant, role=auth.role)
        result["persons"] = [p for p in (redact_person(p, auth.role) for p in result["persons"]) if p is not None]
        if q:
            log(auth, "search", detail={"length": len(q)}, request=request)  # not the query: it may name someone
        return render(request, auth, "search.html", result)

    # --- review ---------------------------------------------------------------------------
    # Every action posts the queue it came from (`back`: status, type, page) and redirects there with ?done=...,
    # which the queue shows as a confirmation; a refused value re-shows the queue with the reason (422).
    REVIEW_STATUSES = ("suggested", "accepted", "rejected")

    def review_number(value: str | None, low: int = 1) -> int | None:
        v = (value or "").strip()
        return int(v) if v.isascii() and v.isdigit() and len(v) <= 7 and int(v) >= low else None

    def review_back(raw: str | None) -> dict:
        """The queue a form was sent from, rebuilt from known values only (a redirect never leaves the queue)."""
        from urllib.parse import parse_qs

        from ..store.review import event_types

        q = {k: v[-1] for k, v in parse_qs(raw or "").items()}
        back: dict = {}
        if q.get("status") in REVIEW_STATUSES and q["status"] != "suggested":
            back["status"] = q["status"]
        if q.get("type") in event_types():
            back["type"] = q["type"]
        page = review_number(q.get("page"))
        if page and page > 1:
            back["page"] = page
        return back

    def review_done(back: dict, **notice) -> RedirectResponse:
        from urllib.parse import urlencode

        query = urlencode(dict(back, **{k: v for k, v in notice.items() if v not in (None, "")}))
        return RedirectResponse("/review" + ("?" + query if query else ""), status_code=303)

    def review_notice(q) -> dict | None:
        """The confirmation of the action that redirected here, from checked values only."""
        from ..store.review import EDITABLE

        done = q.get("done")
        event, person, article, n = (review_number(q.get(k), 0) for k in ("event", "person", "article", "n"))
        s = "" if n == 1 else "s"
        on_person = {"link": f"/persons/{person}#event-{event}", "label": "see it on the person page"} \
            if person is not None and event is not None else {}
        in_article = {"link": f"/articles/{article}", "label": "read the article"} if article is not None else {}
        if done in ("accepted", "rejected") and event is not None:
            return {"text": f"Event {event} {done}.", **on_person}
        if done == "edited" and event is not None:
            fields = [f for f in (q.get("fields") or "").split(",") if f in EDITABLE]
            return {"text": f"Event {event} saved and accepted" + (f"; changed: {', '.join(fields)}." if fields else
                                                                    "; no field changed."), **on_person}
        if done in ("bulk-accepted", "bulk-rejected") and n is not None:
            return {"text": f"{n} event{s} {done[5:]}."}
        if done == "added" and on_person:
            return {"text": f"Event {event} added for person {person} and accepted.", **on_person}
        if done == "source" and article is not None and n is not None:
            return {"text": f"Source stored as article {article}: {n} event{s} found" +
                    (", suggested for review." if n else "."), **in_article}
        if done == "source-repeat" and article is not None:
            return {"text": f"Source stored, but it repeats article {article}: nothing new to extract.", **in_article}
        if done == "source-known" and article is not None:
            return {"text": f"This text was stored before (article {article}): nothing changed.", **in_article}
        return None

    def review_shown(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    def review_rows(attributes: dict | None, pairs: list | None = None) -> list[dict]:
        """The attribute rows of a form: the usual keys always, then the others, then one free row."""
        from ..store.review import ATTRIBUTE_KEYS, INTERNAL_ATTRIBUTES

        if pairs is None:
            pairs = [(k, review_shown(v)) for k, v in (attributes or {}).items() if k not in INTERNAL_ATTRIBUTES]
        given = {k: v for k, v in pairs if k}
        rows = [{"key": k, "value": given.pop(k, ""), "fixed": True} for k in ATTRIBUTE_KEYS]
        rows += [{"key": k, "value": v, "fixed": True} for k, v in sorted(given.items())]
        return rows + [{"key": "", "value": "", "fixed": False}]

    def review_pairs(keys: list[str] | None, values: list[str] | None) -> list[tuple[str, str]] | None:
        if keys is None and values is None:
            return None
        if len(keys or []) != len(values or []):
            raise DossierError("attributes come in pairs: one attr_value for each attr_key")
        return list(zip(keys or [], values or []))

    def review_view(request: Request, auth: Auth, status: str = "suggested", type: str | None = None, page: int = 1,
                    *, notice: dict | None = None, error: str | None = None, draft: dict | None = None,
                    add_for: dict | None = None, http_status: int = 200):
        from urllib.parse import urlencode

        from ..store import review as rv

        per_page = queries.REVIEW_PAGE
        total = queries.review_count(store, status, type, role=auth.role)
        pages = max(1, -(-total // per_page))
        page = min(page, pages)
        found = queries.review_queue(store, status, type, limit=per_page, offset=(page - 1) * per_page, role=auth.role)
        items = [dict(i, person=redact_person(i["person"], auth.role)) for i in found]
        items = [i for i in (dict(redact_event(i, auth.role) or {}, person=i["person"]) for i in items)
                 if i.get("id") and i["person"] is not None]
        base = dict({"status": status} if status != "suggested" else {}, **({"type": type} if type else {}))

        def href(n: int, **more) -> str:
            query = urlencode(dict(base, **({"page": n} if n > 1 else {}), **more))
            return "/review" + ("?" + query if query else "")

        mine = draft if draft and draft.get("event") else {}
        for i in items:
            i["evidence"] = [dict(x, short=queries.excerpt(x.get("text") or "")) for x in i.get("evidence") or []]
            i["attribute_rows"] = [r for r in review_rows(i.get("attributes")) if r["value"]]
            i["edit_rows"] = review_rows(i.get("attributes"), mine.get("pairs") if mine.get("event") == i["id"] else None)
            i["add_href"] = href(page, add_for=i["person"]["id"]) + "#add-event"
        shown, pager, last = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}), [], 0
        for n in shown:
            if n - last > 1:
                pager.append(None)  # a gap
            pager.append({"page": n, "href": href(n), "current": n == page})
            last = n
        adding = draft if draft and draft.get("add") else {}
        data = {"items": items, "status": status, "type": type, "page": page, "pages": pages, "total": total,
                "per_page": per_page, "pager": pager, "prev": href(page - 1) if page > 1 else None,
                "next": href(page + 1) if page < pages else None,
                "status_links": {s: "/review?" + urlencode(dict({"status": s}, **({"type": type} if type else {})))
                                 for s in REVIEW_STATUSES},
                "types": queries.review_types(store, status, role=auth.role), "notice": notice, "error": error,
                "draft": draft, "add_for": add_for, "add_rows": review_rows(None, adding.get("pairs")),
                "back": urlencode(dict(base, **({"page": page} if page > 1 else {}))),
                "persons": list({i["person"]["id"]: {"id": i["person"]["id"], "name": i["person"]["name"]}
                                 for i in items}.values()),
                "event_types": rv.event_types(), "outcomes": rv.outcome_values()}
        return render(request, auth, "review.html", data, status=http_status)

    def review_refused(request: Request, auth: Auth, back: dict, message: str, draft: dict | None = None):
        """A value refused: 422 with the reason (the queue again, the form filled as it was sent), nothing stored."""
        if request.url.path.startswith("/api/"):
            raise HTTPException(422, message)
        return review_view(request, auth, back.get("status", "suggested"), back.get("type"), back.get("page", 1),
                           error=message, draft=draft, http_status=422)

    @app.get("/review", response_class=HTMLResponse)
    @app.get("/api/review")
    def review_page(request: Request, auth: CurrentUser, status: str = "suggested", type: str | None = None,
                    page: str = "1", add_for: str | None = None):
        from ..store.review import event_types

        problems = []
        if status not in REVIEW_STATUSES:
            problems.append("bad status: the queue shows suggested, accepted or rejected events")
            status = "suggested"
        type = (type or "").strip() or None
        if type is not None and type not in event_types():
            problems.append("bad type: not an event type of the codebook")
            type = None
        number = review_number(page)
        if number is None:
            problems.append("bad page: a page is a whole number, 1 or more")
            number = 1
        if problems and request.url.path.startswith("/api/"):
            raise HTTPException(422, "; ".join(problems))
        person = review_number(add_for)
        adding = queries.person_brief(store, person, auth.role) if person is not None and \
            auth.role in ("editor", "admin") else None
        log(auth, "read_review", detail={"status": status, "page": number}, request=request)
        return review_view(request, auth, status, type, number, notice=review_notice(request.query_params),
                           error="; ".join(problems) or None, add_for=adding, http_status=422 if problems else 200)

    @app.post("/review/{event_id}")
    @app.post("/api/review/{event_id}")
    def review_one(request: Request, auth: Editor, event_id: int, decision: Annotated[str, Form()],
                   csrf: Annotated[str, Form()] = "", date: Annotated[str | None, Form()] = None,
                   country: Annotated[str | None, Form()] = None, sensitivity: Annotated[str | None, Form()] = None,
                   back: Annotated[str, Form()] = ""):
        check_csrf(auth, csrf)
        from ..store.review import check_country, check_date

        if decision not in ("accepted", "rejected", "edited"):
            raise HTTPException(422, "decision must be accepted, rejected or edited")
        where = review_back(back)
        try:  # dates are compared as text: only partial ISO dates of the calendar are stored
            new_date = check_date(date) if decision == "edited" and date is not None else None
            new_country = check_country(country) if decision == "edited" and country is not None else None
        except DossierError as exc:
            return review_refused(request, auth, where, f"Event {event_id} not saved: {exc.message}")
        with store.session.begin() as s:
            e = s.get(EventRow, event_id)
            if e is None:
                raise HTTPException(404, "no such event")
            changed = ["status"]
            e.status = "accepted" if decision == "edited" else decision
            if decision == "edited":
                if date is not None:
                    if new_date != e.date:
                        e.attributes = {k: v for k, v in (e.attributes or {}).items() if k != "date_inferred"}
                    e.date, changed = new_date, changed + ["date"]
                if country is not None:
                    e.country, changed = new_country, changed + ["country"]
            if sensitivity in ("public", "restricted", "secret"):
                e.sensitivity, changed = sensitivity, changed + ["sensitivity"]
            audit.record(s, "review", auth.name, f"event:{event_id}", {"fields": changed, "decision": decision},
                         client(request))
            person_id = e.person_id
        refresh_summaries(store, [person_id])
        if request.url.path.startswith("/api/"):
            return {"id": event_id, "status": "accepted" if decision == "edited" else decision}
        return review_done(where, done=decision, event=event_id, person=person_id,
                           fields=",".join(f for f in changed if f in ("date", "country")))

    @app.post("/review/{event_id}/edit")
    @app.post("/api/review/{event_id}/edit")
    def review_edit(request: Request, auth: Editor, event_id: int, csrf: Annotated[str, Form()] = "",
                    type: Annotated[str | None, Form()] = None, person: Annotated[str | None, Form()] = None,
                    new_person: Annotated[str | None, Form()] = None, date: Annotated[str | None, Form()] = None,
                    country: Annotated[str | None, Form()] = None, place: Annotated[str | None, Form()] = None,
                    attr_key: Annotated[list[str] | None, Form()] = None,
                    attr_value: Annotated[list[str] | None, Form()] = None,
                    whole: Annotated[bool, Form()] = False, back: Annotated[str, Form()] = ""):
        """Correct an event (type, person, date, country, place, attributes); it is then accepted. A field left out
        stays as it is; with `whole` (the page's form sends every field) a blank date, country or place clears it."""
        check_csrf(auth, csrf)
        from ..store import review as rv

        where = review_back(back)
        if whole:
            date, country, place = date or "", country or "", place or ""
        draft = {"event": event_id, "values": {"type": type, "person": person, "new_person": new_person,
                                               "date": date, "country": country, "place": place}}
        try:
            attributes = review_pairs(attr_key, attr_value)
            draft["pairs"] = attributes
            done = rv.edit_event(store, event_id, auth.name, client(request), type=type, person=person,
                                 new_person=new_person, date=date, country=country, place=place, attributes=attributes)
        except rv.NoSuchRecord as exc:
            raise HTTPException(404, exc.message) from None
        except DossierError as exc:
            return review_refused(request, auth, where, f"Event {event_id} not saved: {exc.message}", draft)
        if request.url.path.startswith("/api/"):
            return done
        return review_done(where, done="edited", event=event_id, person=done["person"],
                           fields=",".join(done["changed"]))

    @app.post("/review-add-event")
    @app.post("/api/review-add-event")
    def review_add_event(request: Request, auth: Editor, csrf: Annotated[str, Form()] = "",
                         person: Annotated[str | None, Form()] = None, type: Annotated[str | None, Form()] = None,
                         date: Annotated[str | None, Form()] = None, country: Annotated[str | None, Form()] = None,
                         place: Annotated[str | None, Form()] = None, note: Annotated[str | None, Form()] = None,
                         attr_key: Annotated[list[str] | None, Form()] = None,
                         attr_value: Annotated[list[str] | None, Form()] = None, back: Annotated[str, Form()] = ""):
        """An event extraction missed: accepted at once, its evidence the reviewer ("added by <name>") and the note."""
        check_csrf(auth, csrf)
        from ..store import review as rv

        where = review_back(back)
        draft = {"add": True, "values": {"person": person, "type": type, "date": date, "country": country,
                                         "place": place, "note": note}}
        try:
            attributes = review_pairs(attr_key, attr_value)
            draft["pairs"] = attributes
            done = rv.add_event(store, person or "", auth.name, client(request), type=type, date=date,
                                country=country, place=place, attributes=attributes, note=note)
        except DossierError as exc:
            return review_refused(request, auth, where, f"Event not added: {exc.message}", draft)
        if request.url.path.startswith("/api/"):
            return done
        return review_done(where, done="added", event=done["id"], person=done["person"])

    @app.post("/review-add-source")
    @app.post("/api/review-add-source")
    def review_add_source(request: Request, auth: Editor, csrf: Annotated[str, Form()] = "",
                          title: Annotated[str | None, Form()] = None, text: Annotated[str | None, Form()] = None,
                          url: Annotated[str | None, Form()] = None, published: Annotated[str | None, Form()] = None,
                          back: Annotated[str, Form()] = ""):
        """A source pasted in (title and text, and the URL it was read at): stored as ingestion stores a file and
        extracted at once; what it tells goes to the queue as suggestions."""
        check_csrf(auth, csrf)
        from ..store import review as rv

        where = review_back(back)
        try:
            done = rv.add_source(store, auth.name, client(request), title=title, text=text, url=url,
                                 published=published)
        except DossierError as exc:
            return review_refused(request, auth, where, f"Source not stored: {exc.message}",
                                  {"source": True, "values": {"title": title, "text": text, "url": url,
                                                              "published": published}})
        if request.url.path.startswith("/api/"):
            return done
        first = done["articles"][0] if done["articles"] else None
        if done["known"] is not None:
            return review_done(where, done="source-known", article=done["known"])
        if first in done["duplicates"]:
            return review_done(where, done="source-repeat", article=done["duplicates"][first])
        return review_done(where, done="source", article=first, n=done["events"])

    @app.post("/review-bulk")
    @app.post("/api/review-bulk")
    def review_bulk(request: Request, auth: Editor, decision: Annotated[str, Form()],
                    event_id: Annotated[list[int] | None, Form()] = None, type: Annotated[str | None, Form()] = None,
                    min_confidence: Annotated[float, Form()] = 0.8, csrf: Annotated[str, Form()] = "",
                    back: Annotated[str, Form()] = ""):
        """The ticked events (`event_id`, any number of them), or every suggested event of a type from a confidence."""
        check_csrf(auth, csrf)
        from ..store.review import event_types

        if decision not in ("accepted", "rejected"):
            raise HTTPException(422, "decision must be accepted or rejected")
        where = review_back(back)
        ids = sorted(set(event_id or []))
        if not ids and not type:
            return review_refused(request, auth, where, "Nothing done: tick the events to accept or reject first")
        if not ids and type not in event_types():
            return review_refused(request, auth, where, "Nothing done: that type is not an event type of the codebook")
        if len(ids) > 1000:
            return review_refused(request, auth, where, "Nothing done: at most 1000 events at once")
        with store.session.begin() as s:
            if ids:
                rows = list(s.scalars(select(EventRow).where(EventRow.id.in_(ids))))
                target, detail = "selection", {"events": sorted(e.id for e in rows)}
            else:
                rows = s.query(EventRow).filter(EventRow.status == "suggested", EventRow.type == type,
                                                EventRow.confidence >= min_confidence).all()
                target, detail = f"type:{type}", {"min_confidence": min_confidence}
            for e in rows:
                e.status = decision
            touched = {e.person_id for e in rows}
            audit.record(s, "review_bulk", auth.name, target, dict(detail, decision=decision, count=len(rows)),
                         client(request))
        refresh_summaries(store, list(touched))
        if request.url.path.startswith("/api/"):
            return {"updated": len(rows)}
        return review_done(where, done=f"bulk-{decision}", n=len(rows))

    @app.get("/alerts", response_class=HTMLResponse)
    @app.get("/api/alerts")
    def alerts_page(request: Request, auth: CurrentUser, status: str = "open"):
        from ..alerts import list_alerts

        if status not in ("open", "acknowledged", "all"):
            raise HTTPException(422, "status must be open, acknowledged or all")
        found = [vars(a) for a in list_alerts(store, auth.role, None if status == "all" else status)]
        with store.session() as s:
            users = list(s.scalars(select(UserRow.username).where(UserRow.disabled.is_(False)).order_by(UserRow.username))) \
                if auth.role in ("editor", "admin") else []
        log(auth, "read_alerts", detail={"status": status}, request=request)
        return render(request, auth, "alerts.html", {"alerts": found, "status": status, "users": users})

    @app.post("/alerts/{alert_id}/acknowledge")
    @app.post("/api/alerts/{alert_id}/acknowledge")
    def alert_acknowledge(request: Request, auth: Editor, alert_id: int, csrf: Annotated[str, Form()] = ""):
        from ..alerts import acknowledge

        check_csrf(auth, csrf)
        acknowledge(store, alert_id, auth.name, client(request))
        if request.url.path.startswith("/api/"):
            return {"id": alert_id, "status": "acknowledged"}
        return RedirectResponse(f"/alerts?status=all#alert-{alert_id}", status_code=303)

    @app.post("/alerts/{alert_id}/assign")
    @app.post("/api/alerts/{alert_id}/assign")
    def alert_assign(request: Request, auth: Editor, alert_id: int, assignee: Annotated[str, Form()] = "",
                     csrf: Annotated[str, Form()] = ""):
        from ..alerts import assign

        check_csrf(auth, csrf)
        assign(store, alert_id, assignee.strip(), auth.name, client(request))
        if request.url.path.startswith("/api/"):
            return {"id": alert_id, "assigned_to": assignee.strip() or None}
        return RedirectResponse(f"/alerts#alert-{alert_id}", status_code=303)

    @app.post("/persons/{person_id}/sensitivity")
    @app.post("/api/persons/{person_id}/sensitivity")
    def person_sensitivity(request: Request, auth: Editor, person_id: int, level: Annotated[str, Form()],
                           csrf: Annotated[str, Form()] = "", field: Annotated[str | None, Form()] = None):
        """The level of the whole person, or with `field` of one field (name, aliases, age, rank, ...)."""
        check_csrf(auth, csrf)
        if level not in ("public", "restricted", "secret"):
            raise HTTPException(422, "level must be public, restricted or secret")
        from ..security.policy import PERSON_FIELDS

        if field and field not in PERSON_FIELDS:
            raise HTTPException(422, f"field must be one of {', '.join(PERSON_FIELDS)}")
        with store.session.begin() as s:
            p = s.get(PersonRow, person_id)
            if p is None:
                raise HTTPException(404, "no such person")
            if field:
                p.field_levels = dict(p.field_levels or {}, **{field: level})
            else:
                p.sensitivity = level
            audit.record(s, "sensitivity", auth.name, f"person:{person_id}", {"level": level, "field": field},
                         client(request))
        refresh_summaries(store, [person_id])
        if request.url.path.startswith("/api/"):
            return {"id": person_id, "sensitivity": level, "field": field}
        return RedirectResponse(f"/persons/{person_id}", status_code=303)

    @app.post("/persons/{person_id}/merge")
    @app.post("/api/persons/{person_id}/merge")
    def person_merge(request: Request, auth: Editor, person_id: int, other: Annotated[int, Form()],
                     csrf: Annotated[str, Form()] = "", note: Annotated[str | None, Form()] = None):
        check_csrf(auth, csrf)
        from ..store.review import merge_persons

        merge_persons(store, person_id, other, note)
        log(auth, "merge_persons", f"person:{person_id}", {"merged": other}, request)
        if request.url.path.startswith("/api/"):
            return {"id": person_id, "merged": other}
        return RedirectResponse(f"/persons/{person_id}", status_code=303)

    @app.post("/persons/{person_id}/split")
    @app.post("/api/persons/{person_id}/split")
    def person_split(request: Request, auth: Editor, person_id: int, article: Annotated[int, Form()],
                     csrf: Annotated[str, Form()] = "", note: Annotated[str | None, Form()] = None):
        check_csrf(auth, csrf)
        from ..store.review import split_person

        new_id = split_person(store, person_id, article, note)
        log(auth, "split_person", f"person:{person_id}", {"article": article, "new": new_id}, request)
        if request.url.path.startswith("/api/"):
            return {"id": person_id, "new": new_id}
        return RedirectResponse(f"/persons/{new_id}", status_code=303)

    # --- statistics, charts, exports ------------------------------------------------------------
    @app.get("/statistics", response_class=HTMLResponse)
    @app.get("/api/statistics")
    def statistics_page(request: Request, auth: CurrentUser, reviewed: bool = False):
        log(auth, "read_statistics", detail={"reviewed": reviewed}, request=request)
        return render(request, auth, "statistics.html", dict(queries.statistics(store, auth.role, reviewed),
                                                                   charts=list(charts.CHARTS)))

    @app.get("/charts/{kind}.svg")  # charts count events; secret ones are left out in queries.statistics
    def chart_svg(request: Request, auth: CurrentUser, kind: str, reviewed: bool = False):
        try:
            svg = charts.chart(kind, queries.statistics(store, auth.role, reviewed))
        except KeyError:
            raise HTTPException(404, "no such chart") from None
        log(auth, "read_chart", f"{kind}.svg", request=request)
        return Response(svg, media_type="image/svg+xml",
                        headers={"Content-Disposition": f'inline; filename="{kind}.svg"'})

    @app.get("/charts/{kind}.png")
    def chart_png(request: Request, auth: CurrentUser, kind: str, reviewed: bool = False):
        try:
            png = charts.chart_png(kind, queries.statistics(store, auth.role, reviewed))
        except KeyError:
            raise HTTPException(404, "no such chart") from None
        log(auth, "read_chart", f"{kind}.png", request=request)
        return Response(png, media_type="image/png", headers={"Content-Disposition": f'inline; filename="{kind}.png"'})

    @app.get("/export/{name}")
    def export(request: Request, auth: CurrentUser, name: str, bom: bool = False, status: str | None = None,
               country: str | None = None, type: str | None = None, date_from: str | None = None,
               date_to: str | None = None, language: str | None = None):
        if name not in exports.NAMES:
            raise HTTPException(404, "no such export")
        filters = {"status": status, "country": country, "type": type, "date_from": date_from, "date_to": date_to,
                   "language": language}
        try:  # a filter that cannot be understood raises DossierError: 422, as on the cases page
            body, media = exports.render(store, name, auth.role, bom=bom, filters=filters)
        except PermissionError as exc:
            raise HTTPException(403, str(exc)) from None
        response = Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        log(auth, "export", name, {"filters": sorted(k for k, v in filters.items() if v), "bom": bom}, request=request)
        return response

    return app
