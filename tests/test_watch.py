"""`dossier watch` end to end on loopback only: feeds served by local HTTP servers, a webhook receiver, the
real models. A detention of a person already in the store, reported in another language, raises one alert;
the webhook hears of it without the person's name; a second outlet's report adds a source, not an alert;
feeds that time out, fail or send garbage are reported and skipped, and the next poll reads them."""
from __future__ import annotations

import json
import threading
import time
from datetime import date
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from dossier.alerts import list_alerts
from dossier.cli import main
from dossier.store import Store
from dossier.store.models import AuditRow, PersonRow, WatchItemRow

pytestmark = pytest.mark.slow

TODAY = date.today().isoformat()
NAME_FORMS = ("vedernik", "wedernik", "ведерник")  # every spelling of the (made-up) person's surname

BACKGROUND = ("Russian deserter waits for a decision in Kazakhstan\n\nKirill Vedernikov, a Russian army sergeant "
              "who deserted from his unit in 2023, fled to Kazakhstan across the steppe. He has applied for asylum "
              "there, his lawyer said. In Russia he is wanted for desertion.\n")


def page(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="x"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{TODAY}T09:00:00+00:00"></head><body>'
            f'<nav>Home | World | Contact</nav><article><h1>{title}</h1>'
            + "".join(f"<p>{p}</p>" for p in body.split("\n")) + "</article><footer>© Outlet</footer></body></html>"
            ).encode("utf-8")


def feed(base: str, items: list[tuple[str, str]]) -> bytes:
    stamp = format_datetime(datetime.now(timezone.utc))
    entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{stamp}</pubDate></item>"
                      for p, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Outlet</title>'
            f"<link>{base}/</link><description>news</description>{entries}</channel></rss>").encode("utf-8")


class Site:
    """A local web server: path -> (status, content type, body, seconds to wait first); ETags for 200s."""

    def __init__(self):
        self.routes: dict[str, tuple[int, str, bytes, float]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.posts: list[bytes] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append((self.path, dict(self.headers)))
                status, kind, body, wait = site.routes.get(self.path, (404, "text/plain", b"not found", 0.0))
                if wait:
                    time.sleep(wait)
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    if status == 200:
                        self.send_header("ETag", etag)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def do_POST(self):
                site.posts.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites():
    made = [Site(), Site(), Site()]
    yield made
    for s in made:
        s.close()


def test_watch_once_raises_one_alert_per_happening_and_survives_bad_feeds(tmp_path, sites, capsys):
    outlet_a, outlet_b, hook = sites
    db = str(tmp_path / "watch.db")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "background.txt").write_text(BACKGROUND, encoding="utf-8")
    assert main(["ingest", str(corpus), "--db", db]) == 0
    store = Store.open(db)
    with store.session() as s:
        person_id = s.scalar(select(PersonRow.id).where(PersonRow.name == "Kirill Vedernikov"))
    assert person_id is not None
    assert list_alerts(store, "admin") == []  # desertion, flight, asylum, wanted list: nothing urgent

    outlet_a.routes["/feed.xml"] = (200, "application/rss+xml",
                                    feed(outlet_a.base, [("/news/1.html", "Дезертира задержали в Астане")]), 0.0)
    outlet_a.routes["/news/1.html"] = (200, "text/html; charset=utf-8", page(
        "Российского дезертира задержали в Астане",
        "Полиция Астаны задержала российского дезертира Кирилла Ведерникова, сообщил его адвокат.\n"
        "Ведерников бежал из армии в 2023 году и попросил убежища в Казахстане."), 0.0)
    outlet_a.routes["/slow.xml"] = (200, "application/rss+xml", feed(outlet_a.base, []), 3.0)
    outlet_b.routes["/broken.xml"] = (500, "text/plain", b"internal error", 0.0)
    outlet_b.routes["/garbage.xml"] = (200, "application/rss+xml", bytes(range(256)) * 20, 0.0)
    drops = tmp_path / "drops"  # a folder a scraper writes into
    drops.mkdir()
    (drops / "weather.txt").write_text("Weather\n\nSunny with light winds across the region today.\n", encoding="utf-8")
    sources = [outlet_a.base + "/feed.xml", outlet_a.base + "/slow.xml", outlet_b.base + "/broken.xml",
               outlet_b.base + "/garbage.xml", str(drops)]
    common = ["--db", db, "--once", "--timeout", "1", "--delay", "0", "--webhook", hook.base + "/hook"]

    assert main(["watch", *sources, *common]) == 0
    printed = capsys.readouterr()
    for bad in ("/slow.xml", "/broken.xml", "/garbage.xml"):
        assert f"failed {outlet_a.base if 'slow' in bad else outlet_b.base}{bad}" in printed.err.replace("\n", " ")
    alerts = list_alerts(store, "admin")
    assert [(a.person_id, a.type, a.country, len(a.sources)) for a in alerts] == [(person_id, "detained", "KZ", 1)]
    assert len(hook.posts) == 1
    note = json.loads(hook.posts[0])
    assert note["alert"] == alerts[0].id and note["level"] == "restricted"
    assert not any(form in hook.posts[0].decode("utf-8").lower() for form in NAME_FORMS)
    assert "Astana" not in hook.posts[0].decode("utf-8") and "KZ" not in hook.posts[0].decode("utf-8")

    # the second outlet's feed works again and reports the same detention, in German
    outlet_b.routes["/broken.xml"] = (200, "application/rss+xml",
                                      feed(outlet_b.base, [("/de/festnahme.html", "Deserteur festgenommen")]), 0.0)
    outlet_b.routes["/de/festnahme.html"] = (200, "text/html; charset=utf-8", page(
        "Russischer Deserteur in Astana festgenommen",
        "Der russische Deserteur Kirill Wedernikow ist in Astana von der Polizei festgenommen worden, teilte "
        "sein Anwalt mit.\nWedernikow war 2023 aus der Armee geflohen."), 0.0)
    seen = len(outlet_a.requests)
    assert main(["watch", *sources, *common]) == 0
    alerts = list_alerts(store, "admin")
    assert len(alerts) == 1 and len(alerts[0].sources) == 2, alerts
    assert {src["source"] for src in alerts[0].sources} == {outlet_a.base + "/news/1.html",
                                                            outlet_b.base + "/de/festnahme.html"}
    assert len(hook.posts) == 1  # a new source of a known alert notifies nobody again
    # the unchanged feed was asked 'changed since?' and answered 304; its page was not fetched again
    again = [(p, h) for p, h in outlet_a.requests[seen:] if p == "/feed.xml"]
    assert again and all(h.get("If-None-Match") for _, h in again)
    assert not any(p == "/news/1.html" for p, _ in outlet_a.requests[seen:])

    with store.session() as s:
        actions = list(s.scalars(select(AuditRow.action)))
        items = {row.url: row.status for row in s.scalars(select(WatchItemRow))}
    assert {"fetch", "alert_raised", "alert_source_added", "notification_sent"} <= set(actions)
    assert set(items.values()) == {"stored"} and len(items) == 2
    assert "weather.txt" in {a["source"] for a in store.articles()}  # the folder's file, stored once

    # a person raised to secret: the alert is gone for viewers, kept for editors
    assert list_alerts(store, "viewer")[0].person == "Kirill Vedernikov"
    with store.session.begin() as s:
        s.get(PersonRow, person_id).sensitivity = "secret"
    assert list_alerts(store, "viewer") == [] and len(list_alerts(store, "editor")) == 1
    assert main(["alerts", "--db", db, "--ack", str(alerts[0].id)]) == 0
    assert list_alerts(store, "admin", status="open") == []
