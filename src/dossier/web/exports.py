"""CSV and JSON exports, each filtered for the role asking; the public export keeps public fields only
and leaves out counts small enough to single out a person.

CSV cells are made safe for spreadsheet programs: a text cell that would be read as a formula (it begins with
=, +, -, @, a tab or a carriage return) is prefixed with a single quote (OWASP, CSV injection); numbers stay
numbers. A UTF-8 byte-order mark can be asked for, for spreadsheet programs that otherwise guess a legacy
encoding. cases.csv, cases.json and events.csv take the filters of the cases page.
"""
from __future__ import annotations

import csv
import io
import os

from ..security.policy import WITHHELD, redact_event, redact_person
from ..store import Store
from . import queries

PUBLIC_MIN_COUNT = int(os.environ.get("DOSSIER_PUBLIC_MIN_COUNT", "5"))
CASE_COLUMNS = ("id", "name", "rank", "service", "status", "countries", "sources")
EVENT_COLUMNS = ("id", "person_id", "person", "type", "date", "country", "status", "confidence", "legal_article",
                 "source", "source_url", "published", "evidence")
STATISTIC_COLUMNS = ("id", "value", "qualifier", "measure", "period", "country", "source_org")
FILTERS = queries.FILTERS  # status, country, type, date_from, date_to, language
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_filters(filters: dict | None) -> dict:
    """The filters as the cases page reads them (a country by name or code, an event type as shown, partial
    dates); a value that cannot be understood is an error, not a filter silently dropped (the export would
    hold more than was asked for)."""
    from ..errors import DossierError

    raw = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = sorted(set(raw) - set(FILTERS))
    if unknown:
        raise DossierError(f"unknown filter(s) {', '.join(unknown)} (one of {', '.join(FILTERS)})")
    chosen, problems = queries.clean_filters({k: str(v) for k, v in raw.items()})
    if problems:
        raise DossierError(" ".join(problems))
    return chosen


def _cases(store: Store, role: str, filters: dict | None) -> list[dict]:
    f = filters or {}
    return queries.case_rows(store, f.get("status"), f.get("country"), f.get("type"), f.get("date_from"),
                             f.get("date_to"), f.get("language"), per_page=None, role=role)


def cases_rows(store: Store, role: str, filters: dict | None = None) -> list[dict]:
    """The cases `role` may see, narrowed by the (cleaned) filters of the cases page."""
    out = []
    for row in _cases(store, role, filters):
        r = redact_person(row, role)
        if r is not None:
            out.append({k: r.get(k) for k in CASE_COLUMNS})
    return out


def event_rows(store: Store, role: str, filters: dict | None = None) -> list[dict]:
    """Every event `role` may see of the cases the filters keep (the filters choose cases, as on the cases
    page; they do not cut a case's timeline). Fields come from the redacted event: a confidence, status or
    legal article withheld for the role is empty here too."""
    from ..security.view import hides_secrets

    out = []
    urls = _UrlsFor(store, role if hides_secrets(role) else None)
    for case in _cases(store, role, filters):
        detail = queries.person_detail(store, case["id"], role)
        person = redact_person(detail, role) if detail else None
        if person is None:
            continue
        for e in detail["events"]:
            ev = redact_event(e, role)
            if ev is None:
                continue
            out.append({"id": ev["id"], "person_id": detail["id"], "person": person["name"], "type": ev["type"],
                        "date": ev["date"], "country": ev["country"], "status": ev["status"],
                        "confidence": ev.get("confidence"),
                        "legal_article": (ev.get("attributes") or {}).get("article"),
                        "source": e["article"]["source"], "source_url": urls.get(e["article"]["id"]),
                        "published": e["article"].get("published"),
                        "evidence": " | ".join(x["text"] for x in ev.get("evidence") or [])})
    return out


class _UrlsFor:
    """The URL of an article's document, as `role` may see it: withheld where the article's text is redacted
    for the role (a URL often carries the headline, names included, as the title does). No role: all shown."""

    def __init__(self, store: Store, role: str | None):
        self.store, self.role, self.cache = store, role, {}

    def get(self, article_id: int) -> str | None:
        if article_id not in self.cache:
            from ..security.view import article_text
            from ..store.models import ArticleRow

            with self.store.session() as s:
                a = s.get(ArticleRow, article_id)
                url = a.document.url if a is not None else None
                if url and self.role is not None and article_text(s, a, self.role).redacted:
                    url = WITHHELD
            self.cache[article_id] = url
        return self.cache[article_id]


def statistic_rows(store: Store, role: str = "public") -> list[dict]:
    return [{k: f[k] for k in STATISTIC_COLUMNS} for f in queries.statistics(store, role)["figures"]]


def safe_cell(value):
    """A cell a spreadsheet program shows as written: lists joined with "; ", and text that it would take
    for a formula prefixed with a single quote. Numbers (negative ones too) and empty cells are left as they are."""
    if isinstance(value, (list, tuple)):
        value = "; ".join(map(str, value))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    value = str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: list[dict], bom: bool = False, columns: tuple[str, ...] | list[str] | None = None) -> str:
    """CSV of the rows, with a header (also when there are no rows, given `columns`); every cell through
    `safe_cell`; a UTF-8 byte-order mark first when `bom`."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    fields = list(columns) if columns else list(rows[0]) if rows else []
    if fields:
        writer = csv.DictWriter(buf, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: safe_cell(v) for k, v in r.items()})
    return buf.getvalue()


def public_export(store: Store, threshold: int = PUBLIC_MIN_COUNT) -> dict:
    """Aggregates and published figures only: no person rows (one row is one person), no evidence, and no
    count under the threshold."""
    cases = cases_rows(store, "public")
    stats = queries.statistics(store, "public")
    per_country: dict[str, int] = {}
    for c in cases:
        for country in c["countries"]:
            per_country[country] = per_country.get(country, 0) + 1
    return {
        "schema": "dossier-public/1",
        "cases_total": len(cases) if len(cases) >= threshold else None,
        "cases_per_country": {k: v for k, v in per_country.items() if v >= threshold},
        "events_per_month": [r for r in stats["events_per_month"] if r["count"] >= threshold],
        "asylum_decisions": [r for r in stats["asylum_decisions"] if r["count"] >= threshold],
        "statistics": statistic_rows(store),
        "threshold": threshold,
    }


NAMES = ("cases.csv", "events.csv", "statistics.csv", "cases.json", "public.json", "extraction.json")
FILTERED = ("cases.csv", "cases.json", "events.csv")


def render(store: Store, name: str, role: str, bom: bool = False, filters: dict | None = None) -> tuple[str, str]:
    """(body, media type) of an export as `role` may see it: one place for the web and the command line.
    `filters` (status, country, type, date_from, date_to, language, as typed on the cases page) narrow
    cases.csv, cases.json and events.csv; `bom` puts a UTF-8 byte-order mark before a CSV export."""
    import json

    from ..errors import DossierError
    from ..security.policy import can_see

    if name not in NAMES:
        raise DossierError(f"unknown export {name!r} (one of {', '.join(NAMES)})")
    chosen = clean_filters(filters)
    if chosen and name not in FILTERED:
        raise DossierError(f"filters apply to {', '.join(FILTERED)} only, not to {name}")
    if name == "cases.csv":
        return to_csv(cases_rows(store, role, chosen), bom, CASE_COLUMNS), "text/csv"
    if name == "events.csv":
        return to_csv(event_rows(store, role, chosen), bom, EVENT_COLUMNS), "text/csv"
    if name == "statistics.csv":
        return to_csv(statistic_rows(store, role), bom, STATISTIC_COLUMNS), "text/csv"
    if name == "cases.json":
        return json.dumps(cases_rows(store, role, chosen), ensure_ascii=False, indent=1), "application/json"
    if name == "public.json":
        return json.dumps(public_export(store), ensure_ascii=False, indent=1), "application/json"
    if name == "extraction.json":
        if not can_see("secret", role):
            raise PermissionError("the full extraction holds every field: editors only")
        from ..export import extraction_document

        return json.dumps(extraction_document(store), ensure_ascii=False, indent=1), "application/json"
    raise DossierError(f"unknown export {name!r} (one of {', '.join(NAMES)})")
