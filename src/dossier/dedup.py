"""Exact and near-duplicate articles.

Exact duplicates share a content hash (title and text, case and punctuation folded). Near
duplicates are found with MinHash signatures (datasketch) over word shingles, split into LSH
bands. The bands are stored as rows (band, key) so that finding candidates for one new article is an
index lookup in the store, whatever the corpus size: nothing is held in memory between runs.
"""
from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 32, 4  # LSH S-curve crosses 0.5 similarity near 0.42; candidates are then verified
THRESHOLD = 0.8  # estimated Jaccard similarity above which an article is a near duplicate
MIN_WORDS = 25  # shorter texts are compared by exact hash only
MAX_WORDS = 20_000  # a signature of the first words is enough to recognise a copy; huge pages stay cheap
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Fingerprint:
    content_hash: str
    signature: bytes | None  # NUM_PERM uint64 values, or None for short texts
    bands: list[tuple[int, int]]  # (band index, band key)


def fingerprint(title: str | None, text: str) -> Fingerprint:
    words = _WORD.findall(text.lower())
    normalized = " ".join(_WORD.findall((title or "").lower()) + words)
    content_hash = hashlib.sha1(normalized.encode("utf-8")).hexdigest()
    if len(words) < MIN_WORDS:
        return Fingerprint(content_hash, None, [])
    from datasketch import MinHash  # imported on use: it pulls in scipy (0.3 s at every start of the CLI)

    mh = MinHash(num_perm=NUM_PERM, seed=1, **_permutations())
    head = words[:MAX_WORDS]
    mh.update_batch([f"{a} {b} {c}".encode("utf-8") for a, b, c in zip(head, head[1:], head[2:])])  # 3-word shingles
    values = mh.hashvalues.astype(np.uint64)
    bands = []
    for b in range(BANDS):
        chunk = values[b * ROWS:(b + 1) * ROWS].tobytes()
        key = struct.unpack("<q", hashlib.blake2b(chunk, digest_size=8).digest())[0]
        bands.append((b, key))
    return Fingerprint(content_hash, values.tobytes(), bands)


@lru_cache(maxsize=1)
def _permutations() -> dict:
    """The seed's permutations (and their hashing scheme), drawn once: datasketch draws them anew for every
    MinHash, which cost a fifth of fingerprinting."""
    from datasketch import MinHash

    first = MinHash(num_perm=NUM_PERM, seed=1)
    return {"permutations": first.permutations, "scheme": first.scheme}


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    a = np.frombuffer(sig_a, dtype=np.uint64)
    b = np.frombuffer(sig_b, dtype=np.uint64)
    return float(np.count_nonzero(a == b)) / len(a)
