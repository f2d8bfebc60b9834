"""Ordinal facts: where in a series an event stands ('the 12th meeting', 'a third consecutive cut').

Two reports of one event that give it different places in the same series
(the 10th vs the 11th meeting of the two leaders; the second vs the third
consecutive cut) cannot both be right. The counted noun is the first of the
profile's event words (else the first content word) in the few words after
the ordinal; the variant of the count ("consecutive" vs "this year") is read
from the lexicon's contrast sets, so that a fourth cut this year and a third
consecutive one are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.detect.figures import contrast_marks
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, tokens
from monitor.lexicon import Lexicon, Profile

_FOLLOWING = re.compile(r"^(?:[\s-]+[\w'’-]+){1,4}")
_CLAUSE_END = re.compile(r"[,;.()]|\s(?:and|but|while|since|after|before)\s")
# the end of a relative clause after 'time' ('the fifth time the two men have met', not '... time as it met')
_RELATIVE_END = re.compile(r"[,;.()]|\s(?:and|but|while|since|after|before|as|when|where|because|with)\s")


_BEFORE = re.compile(r"(?:[\w'’-]+\W+){0,8}$")
SERIES = "series"  # the subject of an ordinal fact that counts the profile's events ('the 10th meeting')


def _counted(
    text: str, match: re.Match[str], profile: Profile, repeat: tuple[str, ...] = ()
) -> tuple[str, str | None, bool, bool]:
    """The words after an ordinal, the counted noun, whether the words come before the ordinal and whether
    the noun is one of the profile's event words: 'the 12th [in-person meeting]', or, when nothing follows,
    the event word before it ("Sunday's [meeting was their] 11th")."""
    tail = _FOLLOWING.match(text[match.end() :])
    after = tail.group(0) if tail else ""
    stop = _CLAUSE_END.search(after)
    window = after[: stop.start()] if stop else after
    event_word = profile.trigger_pattern.search(window)
    if event_word is None and not tokens(window):
        before = _BEFORE.search(text[: match.start()])
        found = list(profile.trigger_pattern.finditer(before.group(0) if before else ""))
        if before is None or not found:
            return "", None, True, False
        named = _kind_name(found[-1].group(0), profile)
        return before.group(0)[found[-1].start() :], (named[0] if named else None), True, True
    named = _kind_name(event_word.group(0), profile) if event_word else []
    words = tokens(window)
    if not named and set(words[:2]) & set(repeat):
        # 'the fifth time the two men have met': a repetition of the event word later in the clause, else
        # of the profile's first kind ('the tenth successive time')
        rest = text[match.end() :]
        stop = _RELATIVE_END.search(rest)
        later = profile.trigger_pattern.search(rest[: stop.start()] if stop else rest)
        kind = (
            _kind_name(later.group(0), profile) if later
            else tokens(profile.event_kinds[0].noun) if profile.event_kinds else []
        )  # fmt: skip
        return window, (kind[0] if kind else None), False, True
    return window, (named[0] if named else words[0] if words else None), False, bool(named)


def _kind_name(word: str, profile: Profile) -> list[str]:
    """The folded name of the event kind a word signals ('met', 'meetings' -> 'meet'), else its own."""
    kind = profile.kind_of(word)
    return tokens(kind.noun if kind is not None else word)


def ordinal_facts(
    sentences: Sequence[Sentence], article_id: str, lexicon: Lexicon, profile: Profile
) -> list[HeldFact]:
    """Every 'Nth <event word>' the article's current sentences state (N from 2 on)."""
    facts: list[HeldFact] = []
    for sentence in sentences:
        text = sentence.text
        for match in lexicon.language.ordinal.finditer(text):
            value = lexicon.language.ordinal_value(match.group(0))
            if value is None:
                continue
            window, head, before, series = _counted(text, match, profile, lexicon.language.words.repeat_words)
            if head is None:
                continue
            clause_end = _CLAUSE_END.search(text, match.end())
            clause = (
                text[max(0, match.start() - 60) : match.start()]
                + " "
                + text[match.end() : clause_end.start() if clause_end else len(text)]
            )  # the ordinal itself is the value, not a variant
            marks = [f"{group}:{word}" for group, word in contrast_marks(clause, lexicon)]
            words = tokens(window)
            facts.append(
                HeldFact(
                    slot=f"ordinal:{head}",
                    kind="ordinal",
                    value=str(value),
                    number=float(value),
                    text=(f"{window}{match.group(0)}" if before else f"{match.group(0)}{window}").strip(),
                    terms=sorted(set(words)),
                    subject=SERIES if series else "",
                    marks=marks,
                    quote=text,
                    article_id=article_id,
                )
            )
    return facts
