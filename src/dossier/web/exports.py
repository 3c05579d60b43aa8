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
    for row in queries.case_rows(store, per_page=None):
        r = redact_person(row, role)
        if r is not None:
            out.append({k: r.get(k) for k in ("id", "name", "rank", "service", "status", "countries", "sources")})
    return out


def event_rows(store: Store, role: str) -> list[dict]:
    out = []
    for case in queries.case_rows(store, per_page=None):
        detail = queries.person_detail(store, case["id"])
        person = redact_person(detail, role)
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


def statistic_rows(store: Store) -> list[dict]:
    return [{k: f[k] for k in ("id", "value", "qualifier", "measure", "period", "country", "source_org")}
            for f in queries.statistics(store)["figures"]]


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
    stats = queries.statistics(store)
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
