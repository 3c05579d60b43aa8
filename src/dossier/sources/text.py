"""Turn raw bytes into text: encoding detection (charset-normalizer) and mojibake repair (ftfy).

Offsets everywhere in Dossier refer to the text returned here, so nothing else is changed:
line endings, quotes and spacing stay as they were in the file.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes

from ..errors import BinaryInput, EmptyInput, UndecodableInput

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
# Control characters that never appear in text files (tab, newlines, form feed and ESC excepted).
_CONTROL = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31}
_CONTROL_BYTES = bytes(sorted(_CONTROL))  # deleted by bytes.translate: what goes is their count, at C speed


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Return (text, encoding, warnings); raise an InputError subclass when the bytes are not text."""
    if not data.strip():
        raise EmptyInput("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _repair(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableInput(f"bytes do not match the {encoding} byte-order mark: {exc.reason}") from None
    if _looks_binary(data):
        raise BinaryInput("binary content (control bytes), not text")
    try:
        return _repair(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text, encoding = _best_decoding(data)
    return _repair(text, encoding)


def _best_decoding(data: bytes) -> tuple[str, str]:
    """Try charset-normalizer's guesses and the legacy encodings common in this domain's sources;
    keep the decoding whose words look most like words (short single-byte texts fool detectors:
    KOI8-R read as Shift-JIS, say)."""
    guesses = [m.encoding for m in from_bytes(data[:2_000_000])][:5]
    best, best_score = None, 0.0
    for encoding in dict.fromkeys(_LEGACY + guesses):  # on a tie, the more common legacy encoding wins
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _bad_ratio(text) > 0.02:
            continue
        score = _plausibility(text)
        if score > best_score + 0.02:
            best, best_score = (text, encoding), score
    if best is None or best_score < 0.7:
        raise UndecodableInput("cannot determine the text encoding")
    return best


_LEGACY = ["cp1252", "cp1251", "koi8-r", "koi8-u", "iso-8859-2", "cp1250", "mac-cyrillic", "cp866"]
_WORDS = re.compile(r"[^\W\d_]+")


def _plausibility(text: str) -> float:
    """Share of words cased as words are (lower, Title or a short acronym) and written in one script."""
    sample = text[:50_000]
    words = _WORDS.findall(sample)
    if not words:
        return 0.0
    visible = sum(1 for ch in sample if not ch.isspace())
    letters = sum(len(w) for w in words)
    density = min(1.0, letters / max(visible, 1) / 0.6)  # prose is mostly letters; symbol soup is not
    words = [w for w in words if len(w) > 1]
    if not words:
        return 0.0
    good = 0
    for w in words:
        cased = w.islower() or w.istitle() or (w.isupper() and len(w) <= 5) or not (w.lower() != w.upper())
        good += cased and _one_script(w)
    return density * good / len(words)


def _one_script(word: str) -> bool:
    names = {unicodedata.name(ch, "?").split()[0] for ch in word}
    if len(names) != 1 or "HALFWIDTH" in names:
        return False
    if names == {"LATIN"} and len(word) > 3:  # "Äåçåðòèðà": Cyrillic bytes read as Latin-1
        return sum(1 for ch in word if ord(ch) > 127) / len(word) < 0.4
    return True


def _repair(text: str, encoding: str) -> tuple[str, str, list[str]]:
    warnings: list[str] = []
    if ftfy.is_bad(text):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            warnings.append("repaired mojibake (text that had been decoded with the wrong encoding)")
            text = fixed
    return text, encoding, warnings


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(1, len(sample) // 200)


def _bad_ratio(text: str) -> float:
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\x1b")
              or 0x80 <= ord(ch) < 0xA0)
    return bad / len(sample)
