"""Profiles: one kind of news (its event kinds, statuses, place and marker words), read from
``monitor/lexicon/data/profiles`` into frozen objects with compiled patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from monitor.detect.text import fold


class StatusClass(StrEnum):
    """What a status says of an event: it happened, it is off, or it is ahead."""

    DONE = "done"
    OFF = "off"
    PLANNED = "planned"


def phrase_pattern(phrases: Iterable[str], *, case_sensitive: bool = False) -> re.Pattern[str]:
    """One whole-word pattern for a list of words and phrases (longest first, spaces flexible)."""
    parts = sorted({phrase.strip() for phrase in phrases if phrase.strip()}, key=lambda p: (-len(p), p))
    if not parts:
        return re.compile(r"(?!x)x")
    body = "|".join(r"\s+".join(re.escape(word) for word in part.split()) for part in parts)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventKind(_Data):
    """A kind of event of a profile: the noun titles use and the words that signal it."""

    noun: str = Field(min_length=1)
    triggers: tuple[str, ...] = Field(min_length=1)
    weight: float = 1.0
    core: bool = Field(default=True, description="the profile's own kind of event: its words help matching")
    spread: bool = Field(
        default=False,
        description="the event covers many places (a storm's path): no one place to conflict over",
    )


class StatusRule(_Data):
    """One status of a profile and the words that report it."""

    class_: StatusClass = Field(alias="class")
    triggers: tuple[str, ...] = ()


class _ProfileFile(_Data):
    id: str
    description: str = ""
    participants: Literal["people", "organisations", "none"] = "people"
    event_kinds: tuple[EventKind, ...] = Field(min_length=1)
    statuses: dict[str, StatusRule]
    place_before: tuple[str, ...] = ()
    place_after: tuple[str, ...] = ()
    transit: tuple[str, ...] = ()
    arrival: tuple[str, ...] = ()
    announcements_are_events: bool = False
    countries_together: bool = False
    separate_kinds: bool = False
    other_events: tuple[str, ...] = ()
    not_sides: tuple[str, ...] = ()
    topics_after: tuple[str, ...] = ()
    visits: tuple[str, ...] = ()
    lead_in_days: int = 0
    single_actor: bool = False
    applies_to: tuple[str, ...] = ()
    applies_skip: tuple[str, ...] = ()
    applies_stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """One kind of news: its event kinds, statuses and place words, with compiled patterns."""

    id: str
    description: str
    participants: str
    event_kinds: tuple[EventKind, ...]
    statuses: dict[str, StatusRule]
    place_before: tuple[str, ...]
    place_after: tuple[str, ...]
    transit: tuple[str, ...]
    arrival: tuple[str, ...] = ()
    announcements_are_events: bool = False
    countries_together: bool = False
    separate_kinds: bool = False  # events of different kinds are different events
    other_events: tuple[str, ...] = ()  # events like the profile's that a lead names when it is not ours
    not_sides: tuple[str, ...] = ()  # before a country: what a meeting answers, not a side ('against')
    topics_after: tuple[str, ...] = ()  # right after a country: it names a topic, not a side ('Russian oil')
    visits: tuple[str, ...] = ()  # a visit to a place, besides the travel words ('visit to', 'tour of')
    lead_in_days: int = 0  # how long before the year in a storyline's title its news begins
    single_actor: bool = False  # one institution acts: its bodies are named as it (the storyline's first)
    applies_to: tuple[str, ...] = ()  # after a measure's word: what follows is what it applies to ('on')
    applies_skip: tuple[str, ...] = ()  # ... less these leading words ('all', 'imports of')
    applies_stop: tuple[str, ...] = ()  # ... up to one of these ('imports', 'from')

    @cached_property
    def trigger_pattern(self) -> re.Pattern[str]:
        """Any word that signals one of the profile's events."""
        return phrase_pattern(t for kind in self.event_kinds for t in kind.triggers)

    @cached_property
    def anchor_pattern(self) -> re.Pattern[str]:
        """Event words and words reporting it done, less arrival words: where a date is the event's."""
        transit = {fold(word) for word in self.transit}
        done = [
            t for rule in self.statuses.values() if rule.class_ == StatusClass.DONE for t in rule.triggers
        ]
        words = [*(t for kind in self.event_kinds for t in kind.triggers), *done]
        return phrase_pattern(word for word in words if fold(word) not in transit)

    @cached_property
    def place_pattern_prefix(self) -> str:
        """Regex text of the words before an event's place ('in', 'travel to')."""
        return phrase_pattern(self.place_before).pattern

    @cached_property
    def place_pattern_suffix(self) -> str:
        """Regex text of the words after an event's place ('summit' in 'Seoul summit')."""
        return phrase_pattern(self.place_after).pattern

    @cached_property
    def _kinds_by_word(self) -> dict[str, EventKind]:
        found: dict[str, EventKind] = {}
        for kind in self.event_kinds:
            for trigger in kind.triggers:
                found.setdefault(fold(" ".join(trigger.split())), kind)
        return found

    def kind_of(self, words: str) -> EventKind | None:
        """The event kind a trigger names, however it is cased or spaced (the first kind listing it)."""
        return self._kinds_by_word.get(fold(" ".join(words.split())))

    @cached_property
    def kind_rank(self) -> dict[str, tuple[float, int]]:
        """Event noun -> (its weight, its place in the file): which noun names an event best."""
        rank: dict[str, tuple[float, int]] = {}
        for index, kind in enumerate(self.event_kinds):
            rank.setdefault(kind.noun, (kind.weight, index))
        return rank

    @cached_property
    def status_words(self) -> dict[str, re.Pattern[str]]:
        """Status name -> the words reporting it."""
        return {name: phrase_pattern(rule.triggers) for name, rule in self.statuses.items()}

    def status_pattern(self, status_class: StatusClass) -> re.Pattern[str]:
        """Words reporting any status of the class."""
        return self._class_words[status_class]

    @cached_property
    def _class_words(self) -> dict[StatusClass, re.Pattern[str]]:
        rules = self.statuses.values()
        words = {cls: [t for r in rules if r.class_ == cls for t in r.triggers] for cls in StatusClass}
        return {cls: phrase_pattern(triggers) for cls, triggers in words.items()}

    @cached_property
    def unplanned(self) -> bool:
        """The profile's events are never announced ahead (no words report one as planned: an incident)."""
        return not any(rule.triggers for rule in self.statuses.values() if rule.class_ == StatusClass.PLANNED)

    def statuses_of(self, status_class: StatusClass) -> list[str]:
        """The profile's statuses of one class, in file order."""
        return [name for name, rule in self.statuses.items() if rule.class_ == status_class]

    def status_class(self, status: str | None) -> StatusClass | None:
        """The class of a status name (None for an unknown one)."""
        rule = self.statuses.get(status or "")
        return rule.class_ if rule is not None else None

    @cached_property
    def participant_labels(self) -> frozenset[str]:
        """Entity labels that can be an event's participants: people, or organisations and governments."""
        return {
            "people": frozenset({"PERSON"}),
            "organisations": frozenset({"ORG", "GPE", "NORP"}),
            "none": frozenset[str](),
        }[self.participants]

    @cached_property
    def other_events_pattern(self) -> re.Pattern[str]:
        """Words naming events like the profile's that are someone else's ('by-election', 'mayoral race')."""
        return phrase_pattern(self.other_events)

    @cached_property
    def not_sides_pattern(self) -> re.Pattern[str]:
        """Words making the country after them a threat or rival, not a side ('against', 'pressure from')."""
        return phrase_pattern(self.not_sides)

    @cached_property
    def topics_after_pattern(self) -> re.Pattern[str]:
        """Words making the country right before them a topic, not a side ('Russian oil', "Russia's war")."""
        return phrase_pattern(self.topics_after)

    @cached_property
    def visits_pattern(self) -> re.Pattern[str]:
        """Words for someone's visit to a place ('visit', 'tour'), besides the travel words."""
        return phrase_pattern(self.visits)

    @cached_property
    def arrival_pattern(self) -> re.Pattern[str]:
        """Words saying someone arrived ('landed', 'arrived'): a day after them is that person's arrival."""
        return phrase_pattern(self.arrival)

    @cached_property
    def transit_pattern(self) -> re.Pattern[str]:
        """Words marking an arrival or a stopover place."""
        return phrase_pattern(self.transit)
