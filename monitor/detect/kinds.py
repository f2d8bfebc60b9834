"""The kind of event an article reports: its headline's news, else the kind it names most."""

from __future__ import annotations

from collections import Counter

from monitor.lexicon import Lexicon, Profile

_CAUSE_REACH = 4  # words from a cause marker to the event word it makes a cause ('amid Myanmar quake')


def headline_kind(title: str, profile: Profile, lexicon: Lexicon) -> str | None:
    """The kind of event the headline reports: its first event word that is the news, not its cause.

    An event word right before another ('quake ceasefire', 'quake relief') qualifies the next one; one after a
    cause marker ('ceasefire following earthquake', 'building collapses amid quake') is why the news happened.
    A kind of weight 1 (a response: 'rescue efforts continue') is no event of its own: the article's news is
    then the kind it names most.
    """
    found = list(profile.trigger_pattern.finditer(title))
    for index, match in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        if following is not None and not title[match.end() : following.start()].strip():
            continue  # a modifier of the next event word
        before = title[found[index - 1].end() if index else 0 : match.start()].split()[-_CAUSE_REACH:]
        if lexicon.language.cause.search(" ".join(before)):
            continue
        kind = profile.kind_of(match.group(0))
        if kind is not None and profile.kind_rank[kind.noun][0] > 1:
            return kind.noun
    return None


def event_noun(text: str, profile: Profile) -> str:
    """The noun naming the event: the profile's event kind mentioned most, weighted by the kind's weight."""
    counts: Counter[str] = Counter()
    for match in profile.trigger_pattern.finditer(text):
        found = profile.kind_of(match.group(0))
        if found is not None:
            counts[found.noun] += 1
    if not counts:
        return "event"
    rank = profile.kind_rank
    return max(counts, key=lambda noun: (counts[noun] + rank[noun][0] - 1, -rank[noun][1]))
