"""Encrypted files for backups and exports: AES-256-GCM in 1 MB chunks (constant memory), key from the
passphrase with Argon2id. Each chunk is authenticated with its number and whether it is the last one, so a
file cut short, reordered or edited is refused, as is a wrong passphrase.

Layout: MAGIC | salt (16) | time cost, memory KiB, parallelism (3 x 4 bytes) | nonce prefix (8) | chunks, each
4-byte length + ciphertext (with its 16-byte tag)."""
from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import DossierError

MAGIC = b"DOSSIER-ENCRYPTED/1\n"
CHUNK = 1 << 20
TIME_COST, MEMORY_KIB, PARALLELISM = 3, 64 * 1024, 2
MIN_PASSPHRASE = 12


class CryptoError(DossierError):
    code = "E310"


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, t: int, m: int, p: int) -> bytes:
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=t, memory_cost=m, parallelism=p,
                           hash_len=32, type=Type.ID)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">IB", index, last)


def encrypt(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptoError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    salt, prefix = os.urandom(16), os.urandom(8)
    header = MAGIC + salt + struct.pack(">III", TIME_COST, MEMORY_KIB, PARALLELISM) + prefix
    aes = AESGCM(_key(passphrase, salt, TIME_COST, MEMORY_KIB, PARALLELISM))
    target.write(header)
    index, chunk = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aes.encrypt(prefix + struct.pack(">I", index), chunk, _aad(header, index, last))
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        index, chunk = index + 1, following


def decrypt(source: BinaryIO, passphrase: str) -> Iterator[bytes]:
    """The plain text, chunk by chunk; raises CryptoError on a wrong passphrase or a damaged file."""
    head = source.read(len(MAGIC) + 16 + 12 + 8)
    if len(head) < len(MAGIC) + 36 or not head.startswith(MAGIC):
        raise CryptoError("not a Dossier encrypted file")
    salt = head[len(MAGIC):len(MAGIC) + 16]
    t, m, p = struct.unpack(">III", head[len(MAGIC) + 16:len(MAGIC) + 28])
    if not (1 <= t <= 20 and 8 <= m <= 4 * 1024 * 1024 and 1 <= p <= 64):
        raise CryptoError("damaged encrypted file (key parameters out of range)")
    prefix = head[len(MAGIC) + 28:]
    aes = AESGCM(_key(passphrase, salt, t, m, p))
    index = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise CryptoError("encrypted file cut short")
        (n,) = struct.unpack(">I", size)
        if n > CHUNK + 16:
            raise CryptoError("damaged encrypted file (chunk too large)")
        sealed = source.read(n)
        for last in (False, True):
            try:
                plain = aes.decrypt(prefix + struct.pack(">I", index), sealed, _aad(head, index, last))
            except InvalidTag:
                continue
            yield plain
            if last:
                if source.read(1):
                    raise CryptoError("damaged encrypted file (data after the end)")
                return
            break
        else:
            raise CryptoError("wrong passphrase, or the encrypted file was changed")
        index += 1


def passphrase_from_env_or_prompt(confirm: bool) -> str:
    value = os.environ.get("DOSSIER_PASSPHRASE")
    if value is not None:
        return value
    import getpass

    value = getpass.getpass("Passphrase: ")
    if confirm and value != getpass.getpass("Again: "):
        raise CryptoError("passphrases differ")
    return value
