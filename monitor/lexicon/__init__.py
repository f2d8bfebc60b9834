"""The domain lexicon: what words mean to detection, as data.

Everything detection knows about a kind of news lives in YAML under
``monitor/lexicon/data``: ``places.yaml`` (countries with their aliases,
demonyms and capitals; cities; international bodies), ``language.yaml`` (how
English news marks time, hedging, decisions and background) and one file per
*profile* in ``profiles/`` (the event kinds of one kind of news with their
trigger words, statuses, place words). :func:`load_lexicon` reads them once
into frozen objects with compiled patterns; a storyline names its profile
(``profile:``), ``diplomatic-meeting`` by default.
"""

from __future__ import annotations

from monitor.lexicon.model import DEFAULT_PROFILE, Language, Lexicon, Places, Slot, load_lexicon
from monitor.lexicon.profile import EventKind, Profile, StatusClass, phrase_pattern

__all__ = [
    "DEFAULT_PROFILE",
    "EventKind",
    "Language",
    "Lexicon",
    "Places",
    "Profile",
    "Slot",
    "StatusClass",
    "load_lexicon",
    "phrase_pattern",
]
