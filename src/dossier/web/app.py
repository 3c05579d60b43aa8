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
        rows = queries.case_rows(store, status, country, type, date_from, date_to, language, sort, page, role=auth.role)
        visible = [r for r in (redact_person(r, auth.role) for r in rows) if r is not None]
        filters = {"status": status, "country": country, "type": type, "date_from": date_from, "date_to": date_to,
                   "language": language, "sort": sort, "page": page}
        log(auth, "list_cases", detail={"filters": sorted(k for k, v in filters.items() if v and k not in
                                                          ("sort", "page"))}, request=request)
        return render(request, auth, "cases.html", {"cases": visible, "filters": filters, "page": page,
                                                    "per_page": queries.PAGE, "total": queries.case_count(store, auth.role)})

    @app.get("/persons/{person_id}", response_class=HTMLResponse)
    @app.get("/api/persons/{person_id}")
    def person_page(request: Request, auth: CurrentUser, person_id: int):
        detail = queries.person_detail(store, person_id, auth.role)
        person = redact_person(detail, auth.role) if detail else None
        if person is None:
            raise HTTPException(404, "no such person")
        person["events"] = [e for e in (redact_event(e, auth.role) for e in detail["events"]) if e is not None]
        if not can_see("restricted", auth.role):
            person["timeline"] = []
        log(auth, "read_person", f"person:{person_id}", request=request)
        return render(request, auth, "person.html", {"person": person})

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    @app.get("/api/articles/{article_id}")
    def article_page(request: Request, auth: CurrentUser, article_id: int):
        article = queries.article_detail(store, article_id, auth.role)
        if article is None:
            raise HTTPException(404, "no such article")
        article["segments"] = queries.segments(article["text"], article["marks"])
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
    @app.get("/review", response_class=HTMLResponse)
    @app.get("/api/review")
    def review_page(request: Request, auth: CurrentUser, status: str = "suggested", type: str | None = None):
        items = [dict(i, person=redact_person(i["person"], auth.role)) for i in queries.review_queue(store, status, type, role=auth.role)]
        items = [i for i in (dict(redact_event(i, auth.role) or {}, person=i["person"]) for i in items)
                 if i.get("id") and i["person"] is not None]
        log(auth, "read_review", detail={"status": status}, request=request)
        return render(request, auth, "review.html", {"items": items, "status": status, "type": type})

    @app.post("/review/{event_id}")
    @app.post("/api/review/{event_id}")
    def review_one(request: Request, auth: Editor, event_id: int, decision: Annotated[str, Form()],
                   csrf: Annotated[str, Form()] = "", date: Annotated[str | None, Form()] = None,
                   country: Annotated[str | None, Form()] = None, sensitivity: Annotated[str | None, Form()] = None):
        check_csrf(auth, csrf)
        if decision not in ("accepted", "rejected", "edited"):
            raise HTTPException(422, "decision must be accepted, rejected or edited")
        with store.session.begin() as s:
            e = s.get(EventRow, event_id)
            if e is None:
                raise HTTPException(404, "no such event")
            changed = ["status"]
            e.status = "accepted" if decision == "edited" else decision
            if decision == "edited":
                if date is not None:
                    e.date, changed = date or None, changed + ["date"]
                if country is not None:
                    e.country, changed = (country or None) and country.upper()[:2], changed + ["country"]
            if sensitivity in ("public", "restricted", "secret"):
                e.sensitivity, changed = sensitivity, changed + ["sensitivity"]
            audit.record(s, "review", auth.name, f"event:{event_id}", {"fields": changed, "decision": decision},
                         client(request))
            person_id = e.person_id
        refresh_summaries(store, [person_id])
        if request.url.path.startswith("/api/"):
            return {"id": event_id, "status": "accepted" if decision == "edited" else decision}
        return RedirectResponse(request.headers.get("referer") or "/review", status_code=303)

    @app.post("/review-bulk")
    @app.post("/api/review-bulk")
    def review_bulk(request: Request, auth: Editor, type: Annotated[str, Form()], decision: Annotated[str, Form()],
                    min_confidence: Annotated[float, Form()] = 0.8, csrf: Annotated[str, Form()] = ""):
        check_csrf(auth, csrf)
        if decision not in ("accepted", "rejected"):
            raise HTTPException(422, "decision must be accepted or rejected")
        with store.session.begin() as s:
            rows = s.query(EventRow).filter(EventRow.status == "suggested", EventRow.type == type,
                                            EventRow.confidence >= min_confidence).all()
            for e in rows:
                e.status = decision
            touched = {e.person_id for e in rows}
            audit.record(s, "review_bulk", auth.name, f"type:{type}",
                         {"decision": decision, "min_confidence": min_confidence, "count": len(rows)}, client(request))
        refresh_summaries(store, list(touched))
        if request.url.path.startswith("/api/"):
            return {"updated": len(rows)}
        return RedirectResponse("/review", status_code=303)

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
    def statistics_page(request: Request, auth: CurrentUser):
        log(auth, "read_statistics", request=request)
        return render(request, auth, "statistics.html", dict(queries.statistics(store, auth.role),
                                                                   charts=list(charts.CHARTS)))

    @app.get("/charts/{kind}.svg")  # charts count events; secret ones are left out in queries.statistics
    def chart_svg(request: Request, auth: CurrentUser, kind: str):
        try:
            svg = charts.chart(kind, queries.statistics(store, auth.role))
        except KeyError:
            raise HTTPException(404, "no such chart") from None
        log(auth, "read_chart", f"{kind}.svg", request=request)
        return Response(svg, media_type="image/svg+xml",
                        headers={"Content-Disposition": f'inline; filename="{kind}.svg"'})

    @app.get("/charts/{kind}.png")
    def chart_png(request: Request, auth: CurrentUser, kind: str):
        try:
            png = charts.chart_png(kind, queries.statistics(store, auth.role))
        except KeyError:
            raise HTTPException(404, "no such chart") from None
        log(auth, "read_chart", f"{kind}.png", request=request)
        return Response(png, media_type="image/png", headers={"Content-Disposition": f'inline; filename="{kind}.png"'})

    @app.get("/export/{name}")
    def export(request: Request, auth: CurrentUser, name: str):
        if name not in exports.NAMES:
            raise HTTPException(404, "no such export")
        try:
            body, media = exports.render(store, name, auth.role)
        except PermissionError as exc:
            raise HTTPException(403, str(exc)) from None
        response = Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        log(auth, "export", name, request=request)
        return response

    return app
