"""Deciding what an incoming item is: new, an update, an exact duplicate, or
already known; and whether a new article is a near-duplicate of an earlier one.

Decisions consult the state store, including articles still waiting for the
sink, so an item is never queued twice. Near-duplicate signatures are kept in
the store (bounded) and reloaded on start, so detection survives restarts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from monitor.ingest.identity import (
    NearDuplicateIndex,
    signature_from_bytes,
    signature_to_bytes,
)
from monitor.ingest.state import FeedStateStore
from monitor.models import Article

Verdict = Literal["new", "updated", "duplicate", "unchanged"]


@dataclass(frozen=True)
class Decision:
    """What to do with an item: ``version`` for new/updated, ``owner`` for duplicates."""

    verdict: Verdict
    version: int = 1
    owner: str | None = None


class Deduplicator:
    """Exact and near-duplicate detection over the state store."""

    def __init__(self, state: FeedStateStore, *, index: NearDuplicateIndex | None = None) -> None:
        self.state = state
        self.index = index or NearDuplicateIndex()
        for key, data in state.signatures():
            sig = signature_from_bytes(data)
            if sig.shape == (self.index.num_perm,):
                self.index.add(key, sig)

    def decide(self, article_id: str, chash: str, feed_url: str) -> Decision:
        """Classify an item by its id, content hash and the feed carrying it.

        Only the feed that first reported an article can update it: another
        feed carrying the same id (the same link, typically) with other text is
        a copy, counted as a duplicate, so two feeds never make an article flip.
        """
        latest = self.state.pending_version(article_id) or self.state.seen(article_id)
        if latest is None:
            owner = self.state.hash_owner(chash)
            if owner is not None and owner != article_id:
                return Decision("duplicate", owner=owner)
            return Decision("new")
        if latest.content_hash == chash:
            return Decision("unchanged", version=latest.version)
        if latest.feed_url != feed_url:
            return Decision("duplicate", owner=article_id)
        return Decision("updated", version=latest.version + 1)

    def near_duplicate(self, article: Article) -> str | None:
        """Id of an earlier article this one is a lightly edited copy of, if any.

        Originals (articles that are not themselves near-duplicates) are indexed,
        so ``duplicate_of`` always names the first version of a story.
        """
        sig = self.index.signature(article.text)
        if sig is None:
            return None
        match = self.index.query(sig, exclude=article.id)
        if match is not None:
            return match[0]
        self.index.add(article.id, sig)
        self.state.add_signature(article.id, signature_to_bytes(sig), now=time.time())
        return None
