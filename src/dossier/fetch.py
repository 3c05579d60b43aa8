"""The network layer of ``dossier watch``: polite HTTP fetching and reading feeds and sitemaps.

Everything a remote server can get wrong (timeouts, errors, huge or endless bodies, odd redirects, garbage
instead of a feed) ends in a one-line ``FetchError``, so that one bad source never stops a watch run.
"""
from __future__ import annotations

import codecs
import io
import re
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import httpx

from . import __version__
from .errors import InputError
from .sources import DEFAULT_MAX_BYTES
from .sources.text import decode_bytes

try:
    import defusedxml.ElementTree as _defused_et
except ImportError:
    _defused_et = None

MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_SCHEMES = ("http", "https")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")


class FetchError(InputError):
    """A URL that could not be fetched or read as a feed or sitemap: it is reported and skipped."""

    code = "E109"


@dataclass
class Response:
    """What a fetch returned; the validators are kept so that the next poll can be conditional."""

    url: str
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """An HTTP client for polling many sites: one request at a time, a pause between two requests to the same
    host, a size cap and an overall time limit on every response."""

    def __init__(self, timeout: float = 20.0, max_bytes: int = DEFAULT_MAX_BYTES, delay: float = 1.0,
                 user_agent: str = f"Dossier/{__version__} (+news monitor)",
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.delay = delay
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": user_agent})

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """Fetch ``url``, conditionally when validators from an earlier fetch are given. Redirects are followed
        here rather than by httpx so that every hop is checked for its scheme and waits its turn at its host."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self._lock:
            _check_scheme(url)
            for _ in range(MAX_REDIRECTS + 1):
                response = self._request(url, headers)
                if not isinstance(response, str):
                    if response.not_modified:
                        response.etag = response.etag or etag
                        response.last_modified = response.last_modified or last_modified
                    return response
                try:
                    _check_scheme(response)
                except FetchError as exc:
                    raise FetchError(f"{exc.message} (redirected from {url})") from None
                url = response
            raise FetchError(f"more than {MAX_REDIRECTS} redirects: {url}")

    def _request(self, url: str, headers: dict[str, str]) -> Response | str:
        """One request: a Response, or the absolute URL a redirect points to."""
        host = (urlsplit(url).hostname or "").lower()
        try:
            self._wait_for(host)
            deadline = time.monotonic() + self.timeout
            with self._client.stream("GET", url, headers=headers) as r:
                if r.status_code in _REDIRECTS:
                    location = r.headers.get("Location")
                    if not location:
                        raise FetchError(f"HTTP {r.status_code} without a Location from {url}")
                    return urljoin(url, location.strip())
                if r.status_code >= 300 and r.status_code != 304:
                    raise FetchError(f"HTTP {r.status_code} from {url}")
                body = b"" if r.status_code == 304 else self._read(r, url, deadline)
                return Response(url=str(r.url), status=r.status_code, body=body, etag=r.headers.get("ETag"),
                                last_modified=r.headers.get("Last-Modified"),
                                content_type=r.headers.get("Content-Type"))
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.timeout:g} s: {url}") from None
        except httpx.ConnectError as exc:
            raise FetchError(f"cannot connect ({_reason(exc)}): {url}") from None
        except httpx.DecodingError:
            raise FetchError(f"cannot decode the compressed body: {url}") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict) as exc:
            raise FetchError(f"{type(exc).__name__} ({_reason(exc)}): {url}") from None
        finally:
            self._last[host] = self._clock()

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + self.delay - self._clock()
            if wait > 0:
                self._sleep(wait)

    def _read(self, r: httpx.Response, url: str, deadline: float) -> bytes:
        """Read the body, giving up as soon as it passes the size cap or the time limit: a per-read timeout
        alone lets a server that sends a byte at a time hold the watch for ever."""
        declared = r.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"larger than {_size(self.max_bytes)}: {url}")
        chunks, total = [], 0
        for chunk in r.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"larger than {_size(self.max_bytes)}: {url}")
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {self.timeout:g} s: {url}")
            chunks.append(chunk)
        return b"".join(chunks)


def _check_scheme(url: str) -> None:
    if _UNSAFE.search(url):
        raise FetchError(f"invalid URL: {url!r}")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError(f"invalid URL: {url}") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise FetchError(f"not http(s): {url}")
    if not parts.hostname:
        raise FetchError(f"no host in URL: {url}")


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def _size(n: int) -> str:
    return f"{n / 1e6:.3g} MB" if n >= 1_000_000 else f"{n} bytes"


@dataclass
class Item:
    """An article page a feed or sitemap points to."""

    url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None


@dataclass
class Listing:
    """What a feed or sitemap lists: article pages, and for a sitemap index the child sitemaps to fetch next."""

    kind: str
    items: list[Item] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


_SITEMAP_ROOT = re.compile(
    r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*+(?:\[[^\]]*+\])?\s*>)*+<(?:[\w.-]+:)?(urlset|sitemapindex)[\s>/]",
    re.S | re.I)
_ENTITY = re.compile(r"<!ENTITY", re.I)
_XML_DECLARATION = re.compile(r"\s*<\?xml\s[^>]*?\?>")
_DECLARED = re.compile(rb"\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
         (b"\0\0\0<", "utf-32-be"), (b"<\0\0\0", "utf-32-le"), (b"\0<", "utf-16-be"), (b"<\0", "utf-16-le")]


def parse_listing(body: bytes, url: str) -> Listing:
    """Read a sitemap (urlset or index, gzipped or not) or an RSS/Atom feed fetched from ``url``.

    The document is decoded here and handed on as UTF-8, so that the check for entity declarations sees
    exactly what the XML parsers will see (a UTF-16 or UTF-7 document hides them from a check on bytes)."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, url)
    text = safe_xml_text(body, url)
    data = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8")
    if _SITEMAP_ROOT.match(text[:65536]):
        return _parse_sitemap(data, url)
    return _parse_feed(data, url)


def safe_xml_text(body: bytes, url: str) -> str:
    """The document's text without its XML declaration, refused when it declares entities (also those a
    UTF-16 or UTF-7 document hides from a check on bytes): to be handed on as UTF-8."""
    text = _decode(body, url)
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        text = text[declaration.end():]
    if not text.strip():
        raise FetchError(f"not a feed or sitemap: {url}")
    if _ENTITY.search(text):
        raise FetchError(f"XML entity declarations refused: {url}")
    return text


def _decode(body: bytes, url: str) -> str:
    """The encoding as an XML parser would find it: byte-order mark, then declaration, then UTF-8; a feed
    without either in a legacy encoding is left to the detection used for local files."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, "replace").lstrip("\ufeff")
    declared = _DECLARED.match(body)
    if declared:
        try:
            return body.decode(declared.group(1).decode("ascii"), "replace")
        except (LookupError, ValueError):
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return decode_bytes(body)[0]
    except InputError:
        raise FetchError(f"not a feed or sitemap: {url}") from None


def _gunzip(body: bytes, url: str) -> bytes:
    """Sitemaps are often served as .xml.gz files; the cap keeps a small bomb from filling memory."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, DEFAULT_MAX_BYTES + 1)
    except zlib.error:
        raise FetchError(f"damaged gzip data: {url}") from None
    if len(out) > DEFAULT_MAX_BYTES:
        raise FetchError(f"expands past {_size(DEFAULT_MAX_BYTES)}: {url}")
    return out


class _NoDoctype(ET.TreeBuilder):
    """Refuses a DTD as soon as expat meets it, before any entity in it is declared, whatever the encoding."""

    def doctype(self, name, pubid, system):
        raise ValueError("DOCTYPE refused")


def _xml_root(body: bytes, url: str) -> ET.Element:
    try:
        if _defused_et is not None:
            return _defused_et.fromstring(body, forbid_dtd=True)
        parser = ET.XMLParser(target=_NoDoctype())
        parser.feed(body)
        return parser.close()
    except ET.ParseError as exc:
        raise FetchError(f"malformed sitemap ({_reason(exc)}): {url}") from None
    except ValueError:
        raise FetchError(f"XML with a DOCTYPE refused: {url}") from None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: ET.Element, *path: str) -> str | None:
    for name in path:
        el = next((c for c in el if _local(c.tag) == name), None)
        if el is None:
            return None
    text = (el.text or "").strip()
    return text or None


def _parse_sitemap(body: bytes, url: str) -> Listing:
    """Namespaces are matched by local name only: many sitemaps get the namespace URI slightly wrong.
    Google News sitemaps also give a title and a publication date."""
    root = _xml_root(body, url)
    listing = Listing(kind="sitemap")
    if _local(root.tag) == "sitemapindex":
        locs = (_child_text(s, "loc") for s in root if _local(s.tag) == "sitemap")
        listing.sitemaps = _unique_urls(locs, url)
        return listing
    seen: set[str] = set()
    for entry in root:
        if _local(entry.tag) != "url":
            continue
        link = _absolute(_child_text(entry, "loc"), url)
        if link is None or link in seen:
            continue
        seen.add(link)
        published = (_w3c_date(_child_text(entry, "news", "publication_date"))
                     or _w3c_date(_child_text(entry, "lastmod")))
        listing.items.append(Item(url=link, title=_child_text(entry, "news", "title"), published=published))
    return listing


def _parse_feed(body: bytes, url: str) -> Listing:
    # feedparser opens a bytes argument as a local file name when one exists: a file object stops that
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url,
                                                                  "content-type": "application/xml; charset=utf-8"})
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        raise FetchError(f"not a feed or sitemap: {url}")
    listing = Listing(kind="feed")
    seen: set[str] = set()
    for entry in entries:
        link = entry.get("link") or (entry.get("id") if entry.get("guidislink") else None)
        link = _absolute(link, url)
        if link is None or link in seen:
            continue
        seen.add(link)
        struct = entry.get("published_parsed") or entry.get("updated_parsed")
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", struct) if struct else None
        content = " ".join(_plain(c.get("value"), c.get("type")) or "" for c in entry.get("content") or [])
        summary = content.strip() or _plain(entry.get("summary"), entry.get("summary_detail", {}).get("type"))
        title = _plain(entry.get("title"), entry.get("title_detail", {}).get("type"))
        listing.items.append(Item(url=link, title=title, published=published, summary=summary or None))
    return listing


def _absolute(link: str | None, base: str) -> str | None:
    """An absolute http(s) URL without its fragment (``page#comments`` is the same article), or None."""
    if not link:
        return None
    try:
        full = urldefrag(urljoin(base, link.strip())).url
        parts = urlsplit(full)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return full


def _unique_urls(links, base: str) -> list[str]:
    out: dict[str, None] = {}
    for link in links:
        full = _absolute(link, base)
        if full is not None:
            out.setdefault(full, None)
    return list(out)


def _w3c_date(value: str | None) -> str | None:
    """A sitemap date (W3C datetime) as an ISO date, or a datetime in UTC; a time without a zone is taken as UTC."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _TextOnly(HTMLParser):
    _SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def _plain(value: str | None, kind: str | None) -> str | None:
    """Feed titles and summaries are often HTML: the watch wants their plain text."""
    if not value:
        return None
    if kind and "html" in kind:
        parser = _TextOnly()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    return " ".join(value.split()) or None
