"""Reading the lexicon files into frozen, validated objects with compiled patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from monitor.detect.text import fold
from monitor.errors import ConfigError
from monitor.lexicon.profile import (
    Profile,
    _Data,
    _ProfileFile,
    phrase_pattern,
)

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_PROFILE = "diplomatic-meeting"


class Slot(StrEnum):
    """What a held fact is a value of (figures add ``<kind>:<unit>`` slots of their own)."""

    DATE = "date:event"
    START = "date:start"  # the day something starts to apply (duties, a truce, a rate)
    END = "date:end"  # the day it stops applying
    ARRIVAL = "date:arrival"  # the day a participant arrived (or will arrive) for the event
    PLACE = "place:event"
    STATUS = "status:event"
    PARTICIPANTS = "participants:event"
    OUTCOME = "outcome"


class _LanguageFile(_Data):
    background: tuple[str, ...]
    continuation_openers: tuple[str, ...]
    aside_openers: tuple[str, ...] = ()
    future: tuple[str, ...]
    future_verbs: tuple[str, ...]
    hypothetical: tuple[str, ...]
    negation: tuple[str, ...]
    update: tuple[str, ...]
    tentative: tuple[str, ...]
    estimates: tuple[str, ...]
    organisation_words: tuple[str, ...]
    settled: tuple[str, ...]
    outcome_verbs: tuple[str, ...]
    target_markers: tuple[str, ...]
    start_markers: tuple[str, ...] = ()
    began_markers: tuple[str, ...] = ()
    past_markers: tuple[str, ...] = ()
    modal_nouns: tuple[str, ...] = ()
    noun_determiners: tuple[str, ...] = ()
    end_markers: tuple[str, ...] = ()
    set_day_words: tuple[str, ...] = ()
    cause_markers: tuple[str, ...] = ()
    reference_markers: tuple[str, ...] = ()
    announcing: tuple[str, ...]
    former_markers: tuple[str, ...]
    name_particles: tuple[str, ...]
    group_references: tuple[str, ...]
    lower_bounds: tuple[str, ...]
    upper_bounds: tuple[str, ...]
    cumulative: tuple[str, ...]
    contrasts: tuple[tuple[str, ...], ...]
    unit_words: tuple[str, ...]
    origin_markers: tuple[str, ...] = ()
    measure_words: tuple[str, ...] = ()
    measured_synonyms: tuple[str, ...] = ()
    measured_containers: tuple[str, ...] = ()
    currency_per_usd: tuple[tuple[str, float], ...] = ()
    scale_words: tuple[str, ...] = ()
    referent_labels: tuple[str, ...]
    ordinals: tuple[str, ...]
    repeat_words: tuple[str, ...] = ()
    not_source_names: tuple[str, ...] = ()
    rate_move_words: tuple[str, ...] = ()
    rate_words: tuple[str, ...] = ()
    point_fractions: tuple[tuple[str, float], ...] = ()
    role_words: tuple[str, ...] = ()
    namesake_words: tuple[str, ...] = ()
    as_expected: tuple[str, ...] = ()
    preference_markers: tuple[str, ...] = ()
    length_words: tuple[str, ...] = ()
    place_acts: tuple[str, ...] = ()
    agent_acts: tuple[str, ...] = ()
    single_agent_acts: tuple[str, ...] = ()
    sole_markers: tuple[str, ...] = ()
    place_nouns: tuple[str, ...] = ()
    other_occurrences: tuple[str, ...] = ()
    situation_words: tuple[str, ...] = ()


class Country(_Data):
    """A country with the names news uses for it."""

    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capital: str | None = None
    short_forms: tuple[str, ...] = Field(
        default=(), description="shorter names ('Korea'): the country's only where no longer name covers them"
    )


class NamedPlace(_Data):
    """A city or an international body."""

    name: str
    aliases: tuple[str, ...] = ()


class _PlacesFile(_Data):
    countries: tuple[Country, ...]
    cities: tuple[NamedPlace, ...] = ()
    bodies: tuple[NamedPlace, ...] = ()
    regions: tuple[str, ...] = ()


class _Phrases:
    """A whole-word pattern of one word list of the language file, compiled on first use and kept."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.name = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, owner: Language, kind: type | None = None) -> re.Pattern[str]:
        pattern = phrase_pattern(getattr(owner.words, self.key))
        owner.__dict__[self.name] = pattern  # like cached_property: the instance's own value wins next time
        return pattern


@dataclass(frozen=True)
class Language:
    """Words of news English every profile shares, as compiled patterns."""

    words: _LanguageFile
    background = _Phrases("background")
    hypothetical = _Phrases("hypothetical")
    negation = _Phrases("negation")
    update = _Phrases("update")
    tentative = _Phrases("tentative")
    estimates = _Phrases("estimates")
    organisation_name = _Phrases("organisation_words")
    past = _Phrases("past_markers")
    settled = _Phrases("settled")
    outcome = _Phrases("outcome_verbs")
    announcing = _Phrases("announcing")
    cause = _Phrases("cause_markers")
    reference = _Phrases("reference_markers")
    group_references = _Phrases("group_references")
    cumulative = _Phrases("cumulative")
    rate_move = _Phrases("rate_move_words")
    rate = _Phrases("rate_words")
    role = _Phrases("role_words")
    namesake = _Phrases("namesake_words")
    as_expected = _Phrases("as_expected")
    preference = _Phrases("preference_markers")
    length = _Phrases("length_words")
    situation = _Phrases("situation_words")

    @cached_property
    def point_fractions(self) -> dict[str, float]:
        """Shares of a percentage point by folded name, hyphenated ('three-quarters'), in basis points."""
        return {re.sub(r"[\s-]+", "-", fold(name)): points for name, points in self.words.point_fractions}

    @cached_property
    def place_acts(self) -> dict[str, str]:
        """Folded form -> act name of the acts that have one place ('talks' -> 'meeting')."""
        return _named_forms(self.words.place_acts)

    @cached_property
    def agent_acts(self) -> dict[str, str]:
        """Folded form -> act name of the acts whose agent is read ('dissolved' -> 'dissolve')."""
        return _named_forms(self.words.agent_acts)

    @cached_property
    def single_agent_acts(self) -> frozenset[str]:
        """Folded forms of the acts one person does ('dissolved')."""
        return frozenset(_named_forms(self.words.single_agent_acts))

    @cached_property
    def sole_markers(self) -> frozenset[str]:
        """Folded words saying an act's agent was the only one ('lone', 'sole')."""
        return frozenset(fold(word) for word in self.words.sole_markers)

    @cached_property
    def place_nouns(self) -> frozenset[str]:
        """Folded nouns naming a place after 'of' or beside it ('the port city of X')."""
        return frozenset(fold(word) for word in self.words.place_nouns)

    @cached_property
    def other_occurrences(self) -> frozenset[str]:
        """Folded words making an act's noun another occurrence ('the next meeting')."""
        return frozenset(fold(word) for word in self.words.other_occurrences)

    @cached_property
    def measured_names(self) -> dict[str, str]:
        """Folded lemma of a measured word -> the one name of its synonym set ('levy' -> 'duty'); a container
        ('peak', 'total': it names no measured thing) -> ''."""
        containers = {fold(word): "" for word in self.words.measured_containers}
        return _named_forms(self.words.measured_synonyms) | containers

    @cached_property
    def currency_rates(self) -> dict[str, float]:
        """Folded ISO code -> rough units per US dollar ('eur' -> 0.92)."""
        return {fold(code): float(rate) for code, rate in self.words.currency_per_usd}

    @cached_property
    def unit_words(self) -> frozenset[str]:
        """Folded unit words and currency codes ('percent', 'usd'): how a figure is written."""
        return frozenset(fold(word) for word in self.words.unit_words)

    @cached_property
    def origin(self) -> re.Pattern[str]:
        """The thing and an origin marker ending right before a year ('an agreement dating back to ')."""
        markers = phrase_pattern(self.words.origin_markers).pattern
        return re.compile(r"(?P<thing>[\w'’-]+)\s*,?\s+" + markers + r"\s+$", re.IGNORECASE)

    @cached_property
    def measure_units(self) -> dict[str, str]:
        """Folded form of a measure word -> its unit ('stories' -> 'storey')."""
        return _named_forms(self.words.measure_words)

    @cached_property
    def not_source_names(self) -> frozenset[str]:
        """Folded capitalised words that name no source ('The', 'Its') beside an announcing word."""
        return frozenset(fold(word) for word in self.words.not_source_names)

    @cached_property
    def name_particles(self) -> frozenset[str]:
        """Folded particles that belong to the family name after them ('von', 'der', 'da')."""
        return frozenset(fold(word) for word in self.words.name_particles)

    @cached_property
    def continues(self) -> re.Pattern[str]:
        openers = "|".join(re.escape(opener) for opener in self.words.continuation_openers)
        return re.compile(rf"^(?:{openers})\s+(?:also|then)\b")

    @cached_property
    def aside(self) -> re.Pattern[str]:
        """A sentence opening on another matter ('Separately, ...')."""
        return re.compile(r"^\s*" + phrase_pattern(self.words.aside_openers).pattern, re.IGNORECASE)

    @cached_property
    def future(self) -> re.Pattern[str]:
        """Looking ahead: the future words, or 'would/is/are (x) (to) <future verb>'."""
        verbs = phrase_pattern(self.words.future_verbs).pattern
        nouns = {fold(word) for word in self.words.modal_nouns} & {fold(word) for word in self.words.future}
        words = phrase_pattern(word for word in self.words.future if fold(word) not in nouns).pattern
        # a future word that is also a noun is the noun after a determiner ('confirmed the will to cooperate')
        not_after = "".join(rf"(?<!\b{re.escape(word)}\s)" for word in self.words.noun_determiners)
        modal = rf"|{not_after}{phrase_pattern(nouns).pattern}" if nouns else ""
        return re.compile(rf"\b(?:would|is|are)\s+(?:\w+\s+)?(?:to\s+)?{verbs}|{words}{modal}", re.IGNORECASE)

    @cached_property
    def target(self) -> re.Pattern[str]:
        """A target marker ending right before a date ('for ', 'until ', 'from ')."""
        markers = phrase_pattern(self.words.target_markers).pattern
        return re.compile(markers + r"\s+(?:the\s+)?$", re.IGNORECASE)

    @cached_property
    def starts(self) -> re.Pattern[str]:
        """A start marker ending right before a date ('starting ', 'as of ', 'from ')."""
        markers = phrase_pattern(self.words.start_markers).pattern
        return re.compile(markers + r"\s+(?:the\s+)?$", re.IGNORECASE)

    @cached_property
    def began(self) -> re.Pattern[str]:
        """A verb saying something began, right before a date ('began Thursday', 'kicked off on 5 May')."""
        markers = phrase_pattern(self.words.began_markers).pattern
        return re.compile(markers + r"\s+(?:on\s+)?$", re.IGNORECASE)

    @cached_property
    def set_as(self) -> re.Pattern[str]:
        """Right after a date, 'as' and a word for a day set for something ('naming 4 July as the date of
        the election', '... Thursday as polling day'): the date is set for something, not its own day."""
        words = phrase_pattern(self.words.set_day_words).pattern
        return re.compile(
            r"^\s+as\s+(?:the\s+|its\s+)?(?:\w+\s+)?" + words + r"(?=\s*(?:$|[,.;:]|of\b|for\b))",
            re.IGNORECASE,
        )

    @cached_property
    def ends(self) -> re.Pattern[str]:
        """An end marker ending right before a date ('until ', 'through ')."""
        markers = phrase_pattern(self.words.end_markers).pattern
        return re.compile(markers + r"\s+(?:the\s+)?$", re.IGNORECASE)

    @cached_property
    def range_end(self) -> re.Pattern[str]:
        """'to ' right before a date that closes a range opened by a start marker ('from April 2 to ')."""
        markers = phrase_pattern(self.words.start_markers).pattern
        return re.compile(markers + r"\s+[\w ,.]{1,25}?\s+to\s+(?:the\s+)?$", re.IGNORECASE)

    @cached_property
    def former(self) -> re.Pattern[str]:
        markers = "|".join(re.escape(marker) for marker in self.words.former_markers)
        return re.compile(rf"(?<![\w-])(?:{markers})(?:\s|(?<=-))[^,;]*$", re.IGNORECASE)

    @cached_property
    def lower_bound(self) -> re.Pattern[str]:
        """A lower-bound phrase right before a figure ('more than ')."""
        return re.compile(phrase_pattern(self.words.lower_bounds).pattern + r"\s*$", re.IGNORECASE)

    @cached_property
    def upper_bound(self) -> re.Pattern[str]:
        """An upper-bound phrase right before a figure ('up to ')."""
        return re.compile(phrase_pattern(self.words.upper_bounds).pattern + r"\s*$", re.IGNORECASE)

    @cached_property
    def contrasts(self) -> tuple[tuple[int, str, re.Pattern[str]], ...]:
        """(set index, member's name, pattern of it and its synonyms) for every member of every set."""
        return tuple(
            (index, member.split("/")[0], phrase_pattern(member.split("/")))
            for index, group in enumerate(self.words.contrasts)
            for member in group
        )

    @cached_property
    def ordinal(self) -> re.Pattern[str]:
        """An ordinal from 'second' on, spelled out or written ('12th')."""
        words = phrase_pattern(self.words.ordinals).pattern
        return re.compile(rf"{words}|\b(?:[2-9]|[1-9]\d)(?:st|nd|rd|th)\b", re.IGNORECASE)

    def ordinal_value(self, text: str) -> int | None:
        """2 for 'second' or '2nd'."""
        folded = text.casefold().strip()
        if folded in self.words.ordinals:
            return self.words.ordinals.index(folded) + 2
        digits = re.match(r"(\d+)", folded)
        return int(digits.group(1)) if digits else None


def _named_forms(entries: tuple[str, ...]) -> dict[str, str]:
    """Slash-separated entries, the first form naming the entry, as folded form -> name:
    'meeting/meet/met' -> {'meeting': 'meeting', 'meet': 'meeting', 'met': 'meeting'}."""
    forms: dict[str, str] = {}
    for entry in entries:
        words = [fold(word.strip()) for word in entry.split("/") if word.strip()]
        for word in words:
            forms.setdefault(word, words[0])
    return forms


@dataclass(frozen=True)
class Places:
    """Countries, cities and bodies, looked up by folded name."""

    data: _PlacesFile
    _countries: dict[str, Country] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        for country in self.data.countries:
            for name in (country.name, *country.aliases):
                self._countries.setdefault(fold(name), country)

    def country(self, name: str) -> Country | None:
        """The country a name or alias stands for ('U.S.' -> United States)."""
        return self._countries.get(fold(name.strip()))

    def is_country(self, name: str | None) -> bool:
        """True for a country's name or alias: too coarse to be an event's place."""
        return bool(name) and self.country(name or "") is not None

    def is_coarse(self, name: str | None) -> bool:
        """True for a country or a continent or world region ('Europe'): too coarse to be an event's place."""
        return self.is_country(name) or fold((name or "").strip()) in self._regions

    @cached_property
    def _regions(self) -> frozenset[str]:
        return frozenset(fold(name) for name in self.data.regions)

    def demonyms(self) -> dict[str, str]:
        """Folded demonym -> country name ('south korean' -> 'South Korea')."""
        return {fold(d): c.name for c in self.data.countries for d in c.demonyms}


@dataclass(frozen=True)
class Lexicon:
    """Places, language and profiles, loaded once."""

    places: Places
    language: Language
    profiles: dict[str, Profile]

    def profile(self, name: str | None = None) -> Profile:
        """A profile by id (the default one for None); a ConfigError names an unknown one."""
        key = name or DEFAULT_PROFILE
        if key not in self.profiles:
            known = ", ".join(sorted(self.profiles))
            raise ConfigError(f"unknown profile {key!r} (known: {known})")
        return self.profiles[key]


def _read(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read lexicon file {path}: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(part) for part in err["loc"])
        raise ConfigError(f"lexicon file {path}: {key}: {err['msg']}") from None


def _profile(path: Path) -> Profile:
    data = _read(path, _ProfileFile)
    assert isinstance(data, _ProfileFile)
    if path.stem != data.id:
        raise ConfigError(f"lexicon file {path}: id: must be {path.stem!r}, the file's name")
    return Profile(
        id=data.id, description=data.description, participants=data.participants,
        event_kinds=data.event_kinds, statuses=dict(data.statuses), place_before=data.place_before,
        place_after=data.place_after, transit=data.transit, arrival=data.arrival,
        announcements_are_events=data.announcements_are_events, countries_together=data.countries_together,
        separate_kinds=data.separate_kinds, other_events=data.other_events, not_sides=data.not_sides,
        topics_after=data.topics_after, visits=data.visits, lead_in_days=data.lead_in_days,
        single_actor=data.single_actor, applies_to=data.applies_to, applies_skip=data.applies_skip,
        applies_stop=data.applies_stop,
    )  # fmt: skip


@lru_cache(maxsize=4)
def load_lexicon(folder: Path = DATA) -> Lexicon:
    """Read the lexicon files once (cached per folder)."""
    places = _read(folder / "places.yaml", _PlacesFile)
    language = _read(folder / "language.yaml", _LanguageFile)
    assert isinstance(places, _PlacesFile) and isinstance(language, _LanguageFile)
    profiles = {
        profile.id: profile for profile in map(_profile, sorted((folder / "profiles").glob("*.yaml")))
    }
    if DEFAULT_PROFILE not in profiles:
        raise ConfigError(f"lexicon folder {folder}: the default profile {DEFAULT_PROFILE!r} is missing")
    return Lexicon(places=Places(places), language=Language(language), profiles=profiles)
