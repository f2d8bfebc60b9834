"""The records' JSON codec: decoding never raises.

Faust decodes a record before the agent sees it; with the stock ``json``
codec a value that is not JSON (or JSON nested deeply enough to exhaust the
parser's recursion) raised inside the stream, and the agent crashed into a
restart loop on the same offset. Here such a value decodes to
``{UNDECODABLE: reason}``: the stage's :func:`streams.stages.decode` counts it
(``newsmon_articles_total{outcome="invalid_record"}``), logs it and goes on.
"""

from __future__ import annotations

from typing import Any

from faust.serializers import codecs

NAME = "newsmon-json"
UNDECODABLE = "__newsmon_undecodable__"


class LenientJson(codecs.json):
    """JSON whose decoding turns a bad value into a marker instead of an exception."""

    def _loads(self, s: bytes) -> Any:
        try:
            return super()._loads(s)
        except (ValueError, UnicodeDecodeError) as exc:
            return {UNDECODABLE: f"not JSON: {str(exc)[:120]}"}
        except RecursionError:
            return {UNDECODABLE: "JSON nested too deeply"}


codecs.register(NAME, LenientJson())
