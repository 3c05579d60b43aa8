"""Charts as standalone SVG, drawn here so they render offline and download as files."""
from __future__ import annotations

from collections import defaultdict
from html import escape

_COLOURS = ["#3b6ea5", "#c8553d", "#588b8b", "#f2a541", "#7d5ba6", "#8c8c8c"]


def bar_chart(title: str, labels: list[str], series: dict[str, list[float]], width: int = 720, height: int = 320) -> str:
    """Grouped bars: one group per label, one bar per series."""
    pad_l, pad_b, pad_t = 40, 70, 30
    inner_w, inner_h = width - pad_l - 10, height - pad_b - pad_t
    peak = max([v for values in series.values() for v in values] + [1])
    group_w = inner_w / max(len(labels), 1)
    bar_w = max(2.0, group_w * 0.8 / max(len(series), 1))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}"><rect width="100%" height="100%" fill="#fff"/>',
             f'<text x="{pad_l}" y="18" font-family="sans-serif" font-size="14">{escape(title)}</text>',
             f'<line x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - 10}" y2="{pad_t + inner_h}" stroke="#333"/>',
             f'<text x="4" y="{pad_t + 10}" font-family="sans-serif" font-size="10">{peak:g}</text>']
    for gi, label in enumerate(labels):
        x0 = pad_l + gi * group_w + group_w * 0.1
        for si, (name, values) in enumerate(series.items()):
            v = values[gi]
            h = inner_h * v / peak
            parts.append(f'<rect x="{x0 + si * bar_w:.1f}" y="{pad_t + inner_h - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{_COLOURS[si % len(_COLOURS)]}"><title>{escape(label)} — '
                         f'{escape(name)}: {v:g}</title></rect>')
        parts.append(f'<text x="{x0:.1f}" y="{pad_t + inner_h + 12}" font-family="sans-serif" font-size="9" '
                     f'transform="rotate(40 {x0:.1f} {pad_t + inner_h + 12})">{escape(label)}</text>')
    for si, name in enumerate(series):
        parts.append(f'<rect x="{pad_l + si * 130}" y="{height - 14}" width="10" height="10" '
                     f'fill="{_COLOURS[si % len(_COLOURS)]}"/><text x="{pad_l + si * 130 + 14}" y="{height - 5}" '
                     f'font-family="sans-serif" font-size="10">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _pivot(rows: list[dict], x: str, series: str) -> tuple[list[str], dict[str, list[float]]]:
    labels = sorted({r[x] for r in rows})
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        table[r[series]][r[x]] = table[r[series]].get(r[x], 0) + r["count"]
    return labels, {name: [values.get(lbl, 0) for lbl in labels] for name, values in sorted(table.items())}


def _data(kind: str, stats: dict) -> tuple[str, list[str], dict[str, list[float]]]:
    if kind == "events-per-month":
        return ("Events per month by type",) + _pivot(stats["events_per_month"], "month", "type")
    if kind == "asylum-decisions":
        return ("Asylum decisions by country and outcome",) + _pivot(stats["asylum_decisions"], "country", "outcome")
    if kind == "flows":
        rows = [{"route": f"{r['from']} → {r['to']}", "series": "people", "count": r["count"]} for r in stats["flows"]]
        return ("People who fled, by route",) + _pivot(rows, "route", "series")
    raise KeyError(kind)


def chart_png(kind: str, stats: dict) -> bytes:
    """The same chart as a PNG (matplotlib, drawn off-screen), for reports that take images."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    title, labels, series = _data(kind, stats)
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=100)
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        ax.bar([x + i * width for x in range(len(labels))], values, width, label=name, color=_COLOURS[i % len(_COLOURS)])
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(labels))], labels, rotation=40, ha="right", fontsize=8)
    ax.set_title(title, fontsize=11)
    if series:
        ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def chart(kind: str, stats: dict) -> str:
    title, labels, series = _data(kind, stats)
    return bar_chart(title, labels, series)


CHARTS = ("events-per-month", "asylum-decisions", "flows")
