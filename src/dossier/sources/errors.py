"""Input errors of the PDF and DOCX readers and of the folder walk, with their stable codes.

They are InputError subclasses like those in dossier.errors (as FetchError, E109, in dossier.fetch): a file
that raises one is reported in one line and skipped, and the batch goes on.
"""
from __future__ import annotations

from ..errors import InputError


class EncryptedInput(InputError):
    """A PDF that needs a password to be read (one with an owner password only is read)."""

    code = "E110"


class DamagedDocument(InputError):
    """A PDF or DOCX whose structure cannot be read (truncated, corrupt, or not what its name says)."""

    code = "E111"


class NotNews(InputError):
    """A project file (README, LICENSE, CHANGELOG, Makefile...) met while walking a folder."""

    code = "E112"
