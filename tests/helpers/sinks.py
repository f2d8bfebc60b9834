"""A real in-process sink for the ingester: records the articles it accepted, can be told to fail."""

from __future__ import annotations

from monitor.models import Article


class Collector:
    """A sink recording what it accepted; with ``fail`` set it raises as an unreachable broker would."""

    def __init__(self) -> None:
        self.articles: list[Article] = []
        self.fail = False

    async def __call__(self, article: Article) -> None:
        if self.fail:
            raise ConnectionError("broker unavailable")
        self.articles.append(article)
