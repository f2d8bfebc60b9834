"""The records' JSON codec: decoding never raises.

Faust decodes a record before the agent sees it; with the stock ``json``
codec a value that is not JSON (or JSON nested deeply enough to exhaust the
parser's recursion) raised inside the stream, and the agent crashed into a
restart loop on the same offset. Here such a value decodes to a marker
(:func:`marker`): the reason (``not_json`` or ``too_deep``), the parser's
message and the raw bytes, cut at :data:`MAX_RAW_BYTES`. The stage
(:meth:`streams.stages.Rejects.decode`) counts it, forwards it to the
invalid-records topic (:mod:`streams.rejects`) and goes on. :func:`loads`
decodes the same way for readers outside Faust (the topic followers).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from faust.serializers import codecs

NAME = "newsmon-json"
#: the marker's keys: the parser's message, the reason code, the raw value (bytes, cut), its full size
UNDECODABLE = "__newsmon_undecodable__"
REASON = "__newsmon_reason__"
RAW = "__newsmon_raw__"
SIZE = "__newsmon_size__"
#: at most this much of an undecodable value is kept (and forwarded)
MAX_RAW_BYTES = 64 * 1024


class Undecodable(NamedTuple):
    """What a marker holds."""

    reason: str  # not_json | too_deep
    error: str
    raw: bytes  # cut at MAX_RAW_BYTES
    size: int  # of the whole value


def marker(reason: str, error: str, raw: bytes | str) -> dict[str, Any]:
    """The value an undecodable record decodes to."""
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
    return {UNDECODABLE: error, REASON: reason, RAW: data[:MAX_RAW_BYTES], SIZE: len(data)}


def undecodable(value: Any) -> Undecodable | None:
    """The marker's content when ``value`` is a marker, else None."""
    if not isinstance(value, dict) or UNDECODABLE not in value:
        return None
    raw = value.get(RAW, b"")
    return Undecodable(
        str(value.get(REASON, "not_json")), str(value[UNDECODABLE]), raw, value.get(SIZE, len(raw))
    )


class LenientJson(codecs.json):
    """JSON whose decoding turns a bad value into a marker instead of an exception."""

    def _loads(self, s: bytes) -> Any:
        try:
            return super()._loads(s)
        except (ValueError, UnicodeDecodeError) as exc:
            return marker("not_json", f"not JSON: {str(exc)[:120]}", s)
        except RecursionError:
            return marker("too_deep", "JSON nested too deeply", s)


_CODEC = LenientJson()


def loads(raw: bytes) -> Any:
    """Decode one raw value as the agents do: a value that is not JSON becomes a marker."""
    return _CODEC.loads(raw)


codecs.register(NAME, _CODEC)
