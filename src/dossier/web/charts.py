"""Charts drawn with matplotlib (off-screen), as SVG for the pages and PNG for reports: they render offline and
download as files. They count happenings (see queries._event_counts), not reports."""
from __future__ import annotations

import io
from collections import defaultdict

_COLOURS = ["#3b6ea5", "#c8553d", "#588b8b", "#f2a541", "#7d5ba6", "#8c8c8c", "#2f9e44", "#d6336c", "#1c7ed6",
            "#e8590c", "#5c940d", "#862e9c", "#0b7285", "#a61e4d", "#495057", "#f08c00", "#364fc7", "#66a80f",
            "#c2255c", "#087f5b"]


def _pivot(rows: list[dict], x: str, series: str) -> tuple[list[str], dict[str, list[float]]]:
    labels = sorted({r[x] for r in rows})
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        table[r[series]][r[x]] = table[r[series]].get(r[x], 0) + r["count"]
    return labels, {name: [values.get(lbl, 0) for lbl in labels] for name, values in sorted(table.items())}


def _months(first: str, last: str) -> list[str]:
    """Every month from first to last (YYYY-MM), so that the axis has no uneven gaps."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _data(kind: str, stats: dict) -> tuple[str, list[str], dict[str, list[float]]]:
    which = " (reviewed only)" if stats.get("reviewed") else ""
    if kind == "events-per-month":
        labels, series = _pivot(stats["events_per_month"], "month", "type")
        if labels:
            months = _months(labels[0], labels[-1])
            series = {name: [dict(zip(labels, values)).get(m, 0) for m in months] for name, values in series.items()}
            labels = months
        return (f"Happenings per month by type{which}", labels,
                {name.replace("_", " "): values for name, values in series.items()})
    if kind == "asylum-decisions":
        return (f"Asylum decisions by country and outcome{which}",) + _pivot(stats["asylum_decisions"], "country", "outcome")
    if kind == "flows":
        rows = [{"route": f"{r['from']} → {r['to']}", "series": "people", "count": r["count"]} for r in stats["flows"]]
        return (f"People who fled, by route{which}",) + _pivot(rows, "route", "series")
    raise KeyError(kind)


def _figure(kind: str, stats: dict, fmt: str) -> bytes:
    from matplotlib.figure import Figure  # no pyplot: its global state is not for a server's threads
    from matplotlib.ticker import MaxNLocator

    title, labels, series = _data(kind, stats)
    stacked = kind == "events-per-month"  # many types over many months: stacked bars stay readable
    fig = Figure(figsize=(9, 4.2), dpi=100)
    ax = fig.subplots()
    x = list(range(len(labels)))
    if stacked:
        bottom = [0.0] * len(labels)
        for i, (name, values) in enumerate(series.items()):
            ax.bar(x, values, 0.85, bottom=bottom, label=name, color=_COLOURS[i % len(_COLOURS)], edgecolor="white",
                   linewidth=0.3)
            bottom = [b + v for b, v in zip(bottom, values)]
    else:
        width = 0.8 / max(len(series), 1)
        for i, (name, values) in enumerate(series.items()):
            ax.bar([p + i * width - 0.4 + width / 2 for p in x], values, width, label=name,
                   color=_COLOURS[i % len(_COLOURS)])
    step = max(1, len(labels) // 24)  # at most ~24 tick labels
    ax.set_xticks(x[::step], labels[::step], rotation=40, ha="right", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    if not labels:
        ax.text(0.5, 0.5, "nothing to count yet", ha="center", va="center", transform=ax.transAxes, color="#666")
    if series and (len(series) > 1 or stacked):  # every series in the legend, beside the plot
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  ncol=1 if len(series) <= 14 else 2)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def chart_png(kind: str, stats: dict) -> bytes:
    """The chart as a PNG, for reports that take images."""
    return _figure(kind, stats, "png")


def chart(kind: str, stats: dict) -> str:
    """The chart as standalone SVG."""
    return _figure(kind, stats, "svg").decode("utf-8")


CHARTS = ("events-per-month", "asylum-decisions", "flows")


# --- a person's timeline and route (drawn from the redacted timeline of queries.person_detail) -----------------

TRACK_COLOURS = {"flight": "#c8553d", "protection": "#3b6ea5", "custody": "#7d5ba6", "prosecution": "#b8860b",
                 "other": "#6c757d"}
# Movements between countries: (origin, destination) of a happening of these types, read from its fields.
_MOVES = {"fled_country": ("from_country", "country"), "deported": ("country", "to_country"),
          "extradition": ("country", "to_country"), "abducted": ("country", "to_country")}
_NOT_MOVED = {"requested", "pending", "denied", "refused", "rejected", "blocked", "halted", "planned", "appealed"}
# Happenings that put a person in the country where they happen (after a flight, a hint of a further move).
_PRESENCE = {"asylum_applied", "asylum_granted", "asylum_denied", "residence_permit", "detained", "released",
             "travel_denied"}


def _period(date: str | None):
    """The first and last day a date (YYYY, YYYY-MM or YYYY-MM-DD) covers, or None."""
    import calendar
    import re
    from datetime import date as day

    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date or "")
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if d:
            return day(y, mo, d), day(y, mo, d)
        if mo:
            return day(y, mo, 1), day(y, mo, calendar.monthrange(y, mo)[1])
        return day(y, 1, 1), day(y, 12, 31)
    except ValueError:
        return None


def country_name(code: str | None) -> str:
    if not code or code == "?":
        return "unknown country"
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError, KeyError):
        c = None
    return (getattr(c, "common_name", None) or c.name) if c else code


def _inline_svg(svg: bytes, title: str) -> str:
    """matplotlib's SVG made to render under a Content-Security-Policy without 'unsafe-inline' styles: every
    `style` attribute becomes presentation attributes and the <style> element goes (so it draws the same as an
    <img>, a file or inline), no metadata; a <title> and role="img" for screen readers."""
    import xml.etree.ElementTree as ET

    ns = "http://www.w3.org/2000/svg"
    ET.register_namespace("", ns)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{ns}}}metadata", f"{{{ns}}}style"):
                parent.remove(child)
    for el in root.iter():
        style = el.attrib.pop("style", None)
        for part in (style or "").split(";"):
            key, _, value = part.partition(":")
            if key.strip() and value.strip():
                el.set(key.strip(), value.strip())
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("aria-label", title)
    heading = ET.Element(f"{{{ns}}}title")
    heading.text = title
    root.insert(0, heading)
    return ET.tostring(root, encoding="unicode")


import threading  # noqa: E402 (for the section below)

# rc_context changes matplotlib's global settings while a figure is saved, and pages are drawn in several threads
_SVG_LOCK = threading.Lock()


def _save_svg(fig, title: str) -> str:
    import matplotlib

    buf = io.BytesIO()
    with _SVG_LOCK, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dossier"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _inline_svg(buf.getvalue(), title)


def person_timeline_svg(timeline: list[dict]) -> str:
    """One row per happening on a time axis, a marker per report (at the date that report gives), coloured by
    track; a happening no report dates sits in the lane below, at the date of its report (hollow) if known."""
    from datetime import timedelta

    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    dated = [t for t in timeline if _period(t.get("date"))]
    undated = [t for t in timeline if not _period(t.get("date"))]
    rows = dated + undated
    when = [p for t in dated for p in [_period(t["date"])] + [_period(r.get("date")) for r in t.get("reports", [])]
            if p] + [p for t in undated for r in t.get("reports", []) for p in [_period(r["article"].get("published"))]
                     if p]
    reports = sum(len(t.get("reports") or []) or 1 for t in rows)
    title = (f"Timeline: {len(rows)} happening{'s' * (len(rows) != 1)}, {reports} report{'s' * (reports != 1)}"
             + (f", {len(undated)} undated" if undated else ""))
    height = 1.4 + 0.34 * max(len(rows), 1) + (0.3 if undated else 0)
    fig = Figure(figsize=(9.5, height), dpi=100)
    ax = fig.add_subplot()
    if when:
        lo, hi = min(p[0] for p in when), max(p[1] for p in when)
        pad = max((hi - lo).days * 0.04, 20)
        lo, hi = lo - timedelta(days=pad), hi + timedelta(days=pad)
    else:
        from datetime import date as day

        lo, hi = day(2000, 1, 1), day(2001, 1, 1)
    unknown = [t for t in undated if not any(_period(r["article"].get("published")) for r in t.get("reports") or [])]
    unknown_x = hi + (hi - lo) * 0.03  # an undated happening whose reports have no date either: at the right edge
    if unknown:
        hi = hi + (hi - lo) * 0.12
    y_of = {}
    for i, t in enumerate(rows):
        y = -(i + (1 if t in undated and undated else 0))
        y_of[i] = y
        colour = TRACK_COLOURS.get(t.get("track"), TRACK_COLOURS["other"])
        ax.axhline(y, color="#eeeeee", linewidth=0.8, zorder=0)
        period = _period(t.get("date"))
        if period:
            ax.plot([period[0], period[1]], [y, y], color=colour, alpha=0.35, linewidth=6, solid_capstyle="butt")
        told = t.get("reports") or [{"date": t.get("date"), "article": {}, "event": None}]
        xs = []
        for j, r in enumerate(told):
            offset = (j - (len(told) - 1) / 2) * 0.18 if len(told) > 1 else 0
            p = _period(r.get("date")) or period
            if p:
                x, face = p[0] + (p[1] - p[0]) / 2, colour
            else:
                p = _period(r["article"].get("published"))
                x, face = (p[0] if p else unknown_x), "white"
            xs.append(x)
            line, = ax.plot([x], [y + offset], marker="o", markersize=7, markerfacecolor=face,
                            markeredgecolor=colour, markeredgewidth=1.5, linestyle="none", zorder=3)
            if r.get("event"):
                line.set_gid(f"report-{r['event']}")
        if t in unknown:
            ax.text(unknown_x + (hi - lo) * 0.015, y, "no date", fontsize=7, color="#555555", va="center")
        if t.get("conflicts"):
            ax.plot([lo], [y], marker="$!$", color="#b3261e", markersize=9, zorder=4)
            if len(set(xs)) > 1:  # the reports that disagree on the date, joined
                ax.plot([min(xs), max(xs)], [y, y], color="#b3261e", linestyle=":", linewidth=1.2, zorder=2)
    labels = [t.get("label") or (t.get("type") or "").replace("_", " ") for t in rows]
    labels = [lbl + ("  (sources disagree)" if t.get("conflicts") else "") for lbl, t in zip(labels, rows)]
    ax.set_yticks([y_of[i] for i in range(len(rows))], labels, fontsize=8)
    for tick, t in zip(ax.get_yticklabels(), rows):
        tick.set_color("#b3261e" if t.get("conflicts") else "#222222")
    if undated:
        split = -(len(dated) + 0.5)
        ax.axhline(split, color="#999999", linewidth=0.8, linestyle="--")
        ax.text(lo, split - 0.08, "undated: placed at the date of their report (hollow), if known", fontsize=7,
                color="#555555", va="top")
    if not rows:
        ax.text(0.5, 0.5, "no happenings recorded", ha="center", va="center", transform=ax.transAxes, color="#666")
    ax.set_ylim(min(y_of.values(), default=0) - 0.7, 0.7)
    ax.set_xlim(lo, hi)
    if when:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:  # nothing dated: no time axis (the date formatter cannot format an empty axis)
        from matplotlib.ticker import NullLocator

        ax.xaxis.set_major_locator(NullLocator())
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(title, fontsize=10, loc="left", pad=24)
    present = [k for k in TRACK_COLOURS if any(t.get("track") == k for t in rows)]
    handles = [Line2D([], [], marker="o", linestyle="none", color=TRACK_COLOURS[k], label=k) for k in present]
    if undated:
        handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
                              markeredgecolor="#555555", label="undated (report date)"))
    if any(t.get("conflicts") for t in rows):
        handles.append(Line2D([], [], marker="$!$", linestyle="none", color="#b3261e", label="sources disagree"))
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(handles),
                  frameon=False, borderaxespad=0)
    widest = max((len(lbl) for lbl in labels), default=10)
    fig.subplots_adjust(left=min(0.55, (widest * 8 * 0.6 + 14) / 72 / 9.5), right=0.97,
                        top=1 - 0.8 / height, bottom=0.45 / height)
    return _save_svg(fig, title)


def route_legs(timeline: list[dict]) -> list[dict]:
    """The person's movements between countries, in the order of the (date-ordered) timeline: a flight from
    `from_country` to the country, a deportation or extradition from the country to `to_country` (the country
    they fled, when not told), unless its outcome says it did not happen; then, after a movement, a happening in
    yet another country (asylum, detention...) as an inferred leg. Unknown countries are "?"."""
    home = next((t["attributes"]["from_country"] for t in timeline if t.get("type") == "fled_country"
                 and (t.get("attributes") or {}).get("from_country")), None) or \
        next(((t.get("attributes") or {}).get("prosecuting_country") for t in timeline
              if (t.get("attributes") or {}).get("prosecuting_country")), None)
    legs, here = [], None
    for t in timeline:
        a = t.get("attributes") or {}
        kind = t.get("type")
        if kind in _MOVES:
            if str(a.get("outcome") or "").lower() in _NOT_MOVED:
                continue
            src, dst = _MOVES[kind]
            origin = (t.get("country") if src == "country" else a.get(src)) or None
            target = (t.get("country") if dst == "country" else a.get(dst)) or None
            inferred = False
            if kind in ("extradition", "deported") and not target and home and home != origin:
                target, inferred = home, True
            if kind == "fled_country" and not origin and here:
                origin = here
            if not origin and not target:
                continue
            legs.append({"from": origin or "?", "to": target or "?", "from_name": country_name(origin),
                         "to_name": country_name(target), "type": kind, "label": t.get("label"),
                         "date": t.get("date"), "report_date": t.get("report_date"), "inferred": inferred,
                         "outcome": a.get("outcome"), "reports": t.get("reports", [])})
            here = target or here
        elif kind in _PRESENCE and here and t.get("country") and t["country"] not in (here, home):
            legs.append({"from": here, "to": t["country"], "from_name": country_name(here),
                         "to_name": country_name(t["country"]), "type": kind, "label": t.get("label"),
                         "date": t.get("date"), "report_date": t.get("report_date"), "inferred": True,
                         "outcome": a.get("outcome"), "reports": t.get("reports", [])})
            here = t["country"]
    return legs


def person_route_svg(legs: list[dict]) -> str:
    """The countries of the legs as labelled nodes in order of arrival, an arrow per leg (numbered, dated;
    forward arcs above the line, back arcs below, inferred legs dashed)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    nodes = list(dict.fromkeys(c for leg in legs for c in (leg["from"], leg["to"])))
    title = f"Route: {len(legs)} movement{'s' * (len(legs) != 1)} between {len(nodes)} countries"
    step = 2.0
    fig = Figure(figsize=(max(4.5, 1.9 * len(nodes) + 1.2), 3.4), dpi=100)
    ax = fig.add_subplot()
    x_of = {c: i * step for i, c in enumerate(nodes)}
    seen: dict[tuple, int] = {}
    heights = [0.0]
    for n, leg in enumerate(legs, 1):
        a, b = x_of[leg["from"]], x_of[leg["to"]]
        if a == b:
            continue
        pair = (min(a, b), max(a, b), a < b)
        k = seen[pair] = seen.get(pair, -1) + 1
        rad = -(0.3 + 0.12 * k) * (1 if abs(b - a) <= step else 0.9)
        colour = TRACK_COLOURS["custody"] if leg["type"] in ("deported", "extradition", "abducted") else \
            TRACK_COLOURS["flight"]
        ax.add_patch(FancyArrowPatch((a, 0), (b, 0), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                     mutation_scale=14, shrinkA=16, shrinkB=16, linewidth=1.6, color=colour,
                                     linestyle="--" if leg["inferred"] else "-", zorder=2))
        cy = -rad * (b - a) / 2  # the arc's midpoint (a quadratic Bézier: half-way to its control point)
        heights.append(abs(cy))
        when = leg["date"] or (f"undated (report {leg['report_date']})" if leg.get("report_date") else "undated")
        what = leg["type"].replace("_", " ").replace("fled country", "fled") + \
            (f", {leg['outcome']}" if leg.get("outcome") else "") + (", inferred" if leg["inferred"] else "")
        ax.text((a + b) / 2, cy + (0.12 if cy >= 0 else -0.12), f"{n}. {when}\n{what}", ha="center",
                va="bottom" if cy >= 0 else "top", fontsize=7.5, color=colour)
    for c, x in x_of.items():
        ax.plot([x], [0], marker="o", markersize=26, markerfacecolor="#f4f4f4", markeredgecolor="#333333",
                zorder=3)
        ax.text(x, 0, c, ha="center", va="center", fontsize=9, fontweight="bold", zorder=4)
        ax.text(x, -0.32, country_name(c), ha="center", va="top", fontsize=7.5, color="#333333", zorder=4)
    reach = max(heights) + 0.75  # room for the leg labels above and below, and the country names
    ax.set_xlim(-1.0, max(x_of.values(), default=0) + 1.0)
    ax.set_ylim(-max(reach, 1.0), max(reach, 1.0))
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    ax.set_title(title, fontsize=10, loc="left")
    handles = [Line2D([], [], color=TRACK_COLOURS["flight"], label="flight"),
               Line2D([], [], color=TRACK_COLOURS["custody"], label="deported / extradited")]
    if any(leg["inferred"] for leg in legs):
        handles.append(Line2D([], [], color="#555555", linestyle="--", label="inferred"))
    ax.legend(handles=handles, fontsize=7, loc="lower right", frameon=False)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02)
    return _save_svg(fig, title)


def data_uri(svg: str) -> str:
    """An SVG as a data: URI for an <img> (the Content-Security-Policy allows data: images)."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
