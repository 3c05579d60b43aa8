"""Turn raw bytes into text: encoding detection (charset-normalizer) and mojibake repair (ftfy).

Offsets everywhere in Dossier refer to the text returned here, so nothing else is changed:
line endings, quotes and spacing stay as they were in the file.
"""
from __future__ import annotations

import codecs

import ftfy
from charset_normalizer import from_bytes

from ..errors import BinaryInput, EmptyInput, UndecodableInput

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
# Control characters that never appear in text files (tab, newlines, form feed and ESC excepted).
_CONTROL = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31}


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
    best = from_bytes(data[:2_000_000]).best()
    if best is None or best.encoding is None:
        raise UndecodableInput("cannot determine the text encoding")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise UndecodableInput(f"bytes are not valid {best.encoding}") from None
    if _bad_ratio(text) > 0.02:
        raise UndecodableInput(f"text decoded as {best.encoding} is mostly unreadable")
    return _repair(text, best.encoding)


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
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls > max(1, len(sample) // 200)


def _bad_ratio(text: str) -> float:
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\x1b"))
    return bad / len(sample)
