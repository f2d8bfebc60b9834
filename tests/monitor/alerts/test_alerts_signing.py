"""HMAC signing and verification."""

from __future__ import annotations

import hashlib
import hmac

from monitor.alerts.signing import sign, verify

BODY = b'{"id":"dev-1"}'


def test_sign_is_hmac_sha256_of_timestamp_dot_body() -> None:
    """The signature is sha256=<hex HMAC-SHA256 of "{ts}.{body}">."""
    expected = hmac.new(b"s3cret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", 1700000000, BODY) == f"sha256={expected}"


def test_verify_accepts_valid_signature_within_tolerance() -> None:
    """A correct signature with a fresh timestamp (int or header string) verifies."""
    sig = sign("s3cret", 1700000000, BODY)
    assert verify("s3cret", 1700000000, BODY, sig, now=1700000100)
    assert verify("s3cret", "1700000000", BODY, sig, now=1699999900)


def test_verify_rejects_tampering_wrong_secret_and_stale_timestamps() -> None:
    """Changed body, wrong secret, other timestamp, stale or malformed input all fail."""
    sig = sign("s3cret", 1700000000, BODY)
    assert not verify("s3cret", 1700000000, BODY + b" ", sig, now=1700000000)
    assert not verify("other", 1700000000, BODY, sig, now=1700000000)
    assert not verify("s3cret", 1700000001, BODY, sig, now=1700000000)
    assert not verify("s3cret", 1700000000, BODY, sig, now=1700000301)
    assert not verify("s3cret", 1700000000, BODY, sig, tolerance=10, now=1700000011)
    assert not verify("s3cret", "not-a-number", BODY, sig, now=1700000000)
    assert not verify("s3cret", 1700000000, BODY, sig.removeprefix("sha256="), now=1700000000)
    assert not verify("s3cret", 1700000000, BODY, "sha256=ünicode", now=1700000000)


def test_docs_receiver_snippet_verifies_newsmon_signatures() -> None:
    """The Python verification function in docs/webhooks.md accepts our signatures and rejects tampering."""
    import re
    import time
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "webhooks.md").read_text(encoding="utf-8")
    snippet = re.findall(r"```python\n(.*?)```", docs, flags=re.S)[0]
    namespace: dict[str, object] = {}
    exec(snippet, namespace)
    check = namespace["newsmon_signature_ok"]
    assert callable(check)
    ts = int(time.time())
    headers = {"X-Newsmon-Timestamp": str(ts), "X-Newsmon-Signature": sign("k", ts, BODY)}
    assert check("k", headers, BODY) is True
    assert check("k", headers, BODY + b"x") is False
    assert check("k", {**headers, "X-Newsmon-Timestamp": str(ts - 1000)}, BODY) is False
