"""Word documents (DOCX): the body text in reading order, through python-docx.

Paragraphs end with a newline; text in tables, text boxes and content controls is kept in place; deleted
(tracked) text, field codes and the duplicate fallback copies of drawings are not. A hard page break becomes
a form feed, as between the pages of a PDF, and ``Document.pages`` holds where each page starts (Word lays
out the other pages only when it displays the document, so they are not known). The archive is checked before
it is opened: a zip bomb or a damaged archive raises an InputError and is skipped.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import BinaryInput, InputTooLarge, NoTextFound
from ..records import Document
from .errors import DamagedDocument, EncryptedInput
from .pdf import _reason, _title_in

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and an encrypted .docx (an OLE2 "EncryptedPackage")
_MAIN = "word/document.xml"
MAX_ENTRIES = 10_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _T, _TAB, _BR, _CR, _NB_HYPHEN, _R = (_W + t for t in ("p", "t", "tab", "br", "cr", "noBreakHyphen", "r"))
# Subtrees with no body text: properties, deletions, and the fallback copy of content given twice.
_SKIP = {_W + "pPr", _W + "rPr", _W + "sectPr", _W + "tblPr", _W + "trPr", _W + "tcPr", _W + "del",
         _W + "moveFrom", _MC + "Fallback"}


def is_docx(data: bytes) -> bool:
    """A zip archive holding word/document.xml."""
    if data[:4] != _ZIP:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(info.filename == _MAIN for info in archive.infolist())
    except Exception:  # a damaged zip: not recognised here, a .docx name still sends it to read_docx
        return False


def refuse_ole2(data: bytes, ext: str) -> None:
    """An OLE2 compound file is a legacy .doc (.xls, .ppt) or, named .docx, a password-protected DOCX: both
    are refused with a reason better than "binary content"."""
    if data[:8] != _OLE2:
        return
    if ext == ".docx":
        raise EncryptedInput("encrypted DOCX: a password is needed to read it")
    raise BinaryInput("a legacy Office file (.doc, .xls or .ppt, OLE2 format): not read, save it as DOCX or PDF")


def read_docx(data: bytes, name: str, max_bytes: int) -> Document:
    _check_archive(data, max_bytes)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        text = _body_text(body)
        title = document.core_properties.title
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged package
        raise DamagedDocument(f"damaged DOCX: {_reason(exc)}") from None
    text = text.strip(" \t\n")
    if not text.strip():
        raise NoTextFound("no text in the DOCX body")
    if len(text.encode("utf-8")) > max_bytes:
        raise InputTooLarge(f"the DOCX holds over {max_bytes / 1e6:.0f} MB of text (--max-mb)")
    pages = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\f"]
    return Document(source=name, ordinal=0, text=text, kind="docx", title=_title_in(title or None, text),
                    pages=pages)


def _check_archive(data: bytes, max_bytes: int) -> None:
    """The archive is readable, holds a document body, and does not expand past twice `max_bytes` (the sizes
    read from its directory bound what zipfile will inflate: a member that inflates to more is an error)."""
    if data[:4] != _ZIP:
        raise DamagedDocument("damaged DOCX: not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as exc:
        raise DamagedDocument(f"damaged DOCX: {_reason(exc)}") from None
    if len(infos) > MAX_ENTRIES:
        raise InputTooLarge(f"the DOCX archive holds {len(infos)} members, over the {MAX_ENTRIES} limit")
    if not any(info.filename == _MAIN for info in infos):
        raise DamagedDocument(f"damaged DOCX: no {_MAIN} in the archive (not a Word document)")
    expanded = sum(info.file_size for info in infos)
    main = sum(info.file_size for info in infos if info.filename == _MAIN)
    if expanded > 2 * max_bytes or main > max_bytes:
        raise InputTooLarge(f"the DOCX expands to {expanded / 1e6:.0f} MB, over the limit (--max-mb)")


def _body_text(body) -> str:
    """The text of the body's elements in document order (walked with a stack: no recursion limit)."""
    out: list[str] = []
    stack = [(body, iter(body))]
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if element.tag == _P:
                out.append("\n")
            continue
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:  # comments, processing instructions
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag == _TAB and element.tag == _R:  # (a w:tab in paragraph properties is a tab stop)
            out.append("\t")
        elif tag == _BR:
            out.append("\f" if child.get(_W + "type") == "page" else "\n")
        elif tag == _CR:
            out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
        elif len(child) or tag == _P:
            stack.append((child, iter(child)))
    return "".join(out)
