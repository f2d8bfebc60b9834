"""Article identity: stable ids, content hashes and near-duplicate detection.

An article's id is, in order of preference: its GUID (URL-like GUIDs are
normalized like links; opaque GUIDs are scoped to their feed, since "1" or
"post-42" collide across feeds), its normalized link (tracking parameters
removed), or a hash of its content. Ids are short hex digests with a one-letter
prefix naming where they came from (``g``, ``l``, ``c``).

Near-duplicates (syndicated or lightly edited copies) are found with MinHash
signatures over word shingles and an LSH band index; a candidate is confirmed
with the signatures' estimated Jaccard similarity.

Why not datasketch: it requires SciPy (about 100 MB installed, in every worker
image) only to choose the LSH band parameters, which are fixed here, and it
hashes shingle by shingle in Python where this hashes a text in one numpy
step. What this module relies on is checked against the exact Jaccard
similarity of the seed articles and rewrites of them (estimates within 0.15;
0.04 measured) in ``tests/monitor/ingest/test_ingest_identity.py``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "cmpid",
        "ito",
        "ncid",
        "ocid",
        "sr_share",
        "spm",
        "feature",
        "at_medium",
        "at_campaign",
        "rss",
        "smid",
        "cid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "__hs", "oly_", "vero_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalize_url(url: str) -> str:
    """Canonical form of a link: lower-case scheme/host, no default port,
    no fragment, tracking parameters removed, remaining parameters sorted."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if not scheme or not host:
        return url
    netloc = host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = parts.path or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _looks_like_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and " " not in value.strip()


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:20]


def normalize_text(text: str) -> str:
    """Whitespace-collapsed, case-folded text: the basis of content hashes."""
    return _WS.sub(" ", text).strip().casefold()


def content_hash(title: str, text: str) -> str:
    """Hash of an article's normalized title and text (exact-duplicate key)."""
    return _digest(normalize_text(title), normalize_text(text))


def article_id(*, guid: str = "", link: str = "", title: str = "", text: str = "", feed_url: str = "") -> str:
    """The stable id of an article: GUID, else normalized link, else content hash."""
    guid = guid.strip()
    if guid:
        if _looks_like_url(guid):
            return "l" + _digest(normalize_url(guid))
        return "g" + _digest(feed_url, guid)
    link = link.strip()
    if link and _looks_like_url(link):
        return "l" + _digest(normalize_url(link))
    return "c" + content_hash(title, text)


# --------------------------------------------------------------------------- near duplicates

_PRIME = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)

Signature = npt.NDArray[np.uint32]


def _shingles(text: str, size: int) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


class NearDuplicateIndex:
    """MinHash LSH index of article texts.

    ``num_perm`` hash functions split into ``bands`` bands; two texts whose
    word-shingle Jaccard similarity is high share a band with high probability
    and are then confirmed against ``threshold``.
    """

    def __init__(
        self,
        *,
        num_perm: int = 128,
        bands: int = 32,
        shingle: int = 4,
        threshold: float = 0.7,
        min_words: int = 12,
        seed: int = 1,
        capacity: int = 20000,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, (1 << 32) - 1, size=num_perm, dtype=np.uint64)
        self._b = rng.integers(0, (1 << 32) - 1, size=num_perm, dtype=np.uint64)
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self.shingle = shingle
        self.threshold = threshold
        self.min_words = min_words
        self.capacity = capacity
        self._buckets: list[dict[bytes, list[str]]] = [{} for _ in range(bands)]
        self._signatures: dict[str, Signature] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, text: str) -> Signature | None:
        """MinHash signature of a text, or None when it is too short to compare."""
        if len(_WORD.findall(text)) < self.min_words:
            return None
        shingles = _shingles(text, self.shingle)
        hashes = np.fromiter(
            (int.from_bytes(hashlib.blake2b(s, digest_size=4).digest(), "little") for s in shingles),
            dtype=np.uint64,
            count=len(shingles),
        )
        # (a * x + b) mod p, then folded to 32 bits; a, x < 2**32 so no overflow issues
        # beyond the intended wrap-around of uint64 arithmetic.
        products = (np.outer(self._a, hashes) + self._b[:, None]) % _PRIME
        sig: Signature = (products & _MASK32).min(axis=1).astype(np.uint32)
        return sig

    def _band_keys(self, sig: Signature) -> Iterable[tuple[int, bytes]]:
        for band in range(self.bands):
            yield band, sig[band * self.rows : (band + 1) * self.rows].tobytes()

    def query(self, sig: Signature, *, exclude: str = "") -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its similarity."""
        candidates: set[str] = set()
        for band, key in self._band_keys(sig):
            candidates.update(self._buckets[band].get(key, ()))
        candidates.discard(exclude)
        best: tuple[str, float] | None = None
        for candidate in sorted(candidates):
            similarity = float(np.mean(self._signatures[candidate] == sig))
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (candidate, similarity)
        return best

    def add(self, key: str, sig: Signature) -> None:
        """Index a signature under an article id (first wins); the oldest beyond ``capacity`` is dropped."""
        if key in self._signatures:
            return
        self._signatures[key] = sig
        for band, bkey in self._band_keys(sig):
            self._buckets[band].setdefault(bkey, []).append(key)
        while len(self._signatures) > self.capacity:
            self.remove(next(iter(self._signatures)))

    def remove(self, key: str) -> None:
        """Forget an indexed article."""
        sig = self._signatures.pop(key, None)
        if sig is None:
            return
        for band, bkey in self._band_keys(sig):
            bucket = self._buckets[band].get(bkey)
            if bucket is not None:
                bucket.remove(key)
                if not bucket:
                    del self._buckets[band][bkey]


def signature_to_bytes(sig: Signature) -> bytes:
    """Serialize a signature for storage."""
    return sig.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> Signature:
    """Read a stored signature."""
    sig: Signature = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    return sig
