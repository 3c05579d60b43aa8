"""CSV and JSON exports, each filtered for the role asking; the public export keeps public fields only
and leaves out counts small enough to single out a person."""
from __future__ import annotations

import csv
import io
import os

from ..security.policy import redact_event, redact_person
from ..store import Store
from . import queries

PUBLIC_MIN_COUNT = int(os.environ.get("DOSSIER_PUBLIC_MIN_COUNT", "5"))


def cases_rows(store: Store, role: str) -> list[dict]:
    out = []
    for row in queries.case_rows(store, per_page=None, role=role):
        r = redact_person(row, role)
        if r is not None:
            out.append({k: r.get(k) for k in ("id", "name", "rank", "service", "status", "countries", "sources")})
    return out


def event_rows(store: Store, role: str) -> list[dict]:
    out = []
    for case in queries.case_rows(store, per_page=None, role=role):
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
                        "source": e["article"]["source"],
                        "evidence": " | ".join(x["text"] for x in ev.get("evidence") or [])})
    return out


def statistic_rows(store: Store, role: str = "public") -> list[dict]:
    return [{k: f[k] for k in ("id", "value", "qualifier", "measure", "period", "country", "source_org")}
            for f in queries.statistics(store, role)["figures"]]


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()})
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


def render(store: Store, name: str, role: str) -> tuple[str, str]:
    """(body, media type) of an export as `role` may see it: one place for the web and the command line."""
    import json

    from ..errors import DossierError
    from ..security.policy import can_see

    if name == "cases.csv":
        return to_csv(cases_rows(store, role)), "text/csv"
    if name == "events.csv":
        return to_csv(event_rows(store, role)), "text/csv"
    if name == "statistics.csv":
        return to_csv(statistic_rows(store, role)), "text/csv"
    if name == "cases.json":
        return json.dumps(cases_rows(store, role), ensure_ascii=False, indent=1), "application/json"
    if name == "public.json":
        return json.dumps(public_export(store), ensure_ascii=False, indent=1), "application/json"
    if name == "extraction.json":
        if not can_see("secret", role):
            raise PermissionError("the full extraction holds every field: editors only")
        from ..export import extraction_document

        return json.dumps(extraction_document(store), ensure_ascii=False, indent=1), "application/json"
    raise DossierError(f"unknown export {name!r} (one of {', '.join(NAMES)})")
