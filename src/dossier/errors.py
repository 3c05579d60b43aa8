"""Errors a user can cause. Each has a stable code so messages can be looked up and tested.

Bugs are not wrapped: they raise as ordinary exceptions and the CLI reports them with exit code 2.
"""
from __future__ import annotations


class DossierError(Exception):
    """An error caused by input or configuration, reported in one line with exit code 1."""

    code = "E000"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputError(DossierError):
    """A source file that cannot be read as news: it is reported and skipped."""

    code = "E100"


class BinaryInput(InputError):
    code = "E101"


class EmptyInput(InputError):
    code = "E102"


class UndecodableInput(InputError):
    code = "E103"


class InputTooLarge(InputError):
    code = "E104"


class DamagedArchive(InputError):
    code = "E105"


class MalformedFeed(InputError):
    code = "E106"


class NoTextFound(InputError):
    code = "E107"


class NotAFile(InputError):
    """A FIFO, device or socket (also behind a link): reading it could hang or never end."""

    code = "E108"


class ConfigError(DossierError):
    """A codebook, setting or model choice that cannot be used."""

    code = "E200"


class StoreError(DossierError):
    """A database that cannot be opened or migrated."""

    code = "E300"
