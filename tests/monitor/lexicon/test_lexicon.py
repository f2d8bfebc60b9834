"""The domain lexicon is data: read once, validated, and errors name the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.lexicon import DEFAULT_PROFILE, StatusClass, load_lexicon
from monitor.lexicon.model import DATA
from monitor.storylines.config import parse_storylines


def test_profiles_of_five_kinds_load_with_the_default() -> None:
    """Diplomatic meetings (the default), policy decisions, trade measures, elections and incidents ship."""
    lexicon = load_lexicon()
    assert {"diplomatic-meeting", "policy-decision", "trade-measure", "election", "incident"} <= set(
        lexicon.profiles
    )
    assert lexicon.profile(None).id == DEFAULT_PROFILE
    assert lexicon.profile("policy-decision").statuses_of(StatusClass.DONE) == ["decided"]


def test_places_know_aliases_demonyms_and_capitals() -> None:
    """'U.S.' is the United States; 'South Korean' names South Korea; Seoul is a city, not a country."""
    places = load_lexicon().places
    country = places.country("U.S.")
    assert country is not None and country.name == "United States"
    assert places.demonyms()["south korean"] == "South Korea"
    korea = places.country("South Korea")
    assert korea is not None and korea.capital == "Seoul"
    assert not places.is_country("Seoul")


def test_event_words_name_the_profile_kind() -> None:
    """A trigger word maps to its event kind: 'met' is a meeting, 'cut rates' a rate decision."""
    lexicon = load_lexicon()
    assert lexicon.profile().kind_of("Met").noun == "meeting"  # type: ignore[union-attr]
    assert lexicon.profile("policy-decision").kind_of("cut  rates").noun == "rate decision"  # type: ignore[union-attr]
    assert lexicon.profile("trade-measure").trigger_pattern.search("Brussels imposed duties on Friday")


def test_a_rate_move_written_with_interest_rates_is_a_rate_decision() -> None:
    """'went back to raising interest rates', 'cutting rates' name the rate decision like 'rate hike' does."""
    profile = load_lexicon().profile("policy-decision")
    for text in (
        "The central bank went back to raising interest rates on Tuesday, March 5",
        "the bank began cutting rates in June",
        "it lowered interest rates for a third time",
    ):
        match = profile.trigger_pattern.search(text)
        assert match is not None and profile.kind_of(match.group(0)).noun == "rate decision"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "ahead"),
    [
        ("Biden will host Kishida and Yoon at Camp David", True),
        ("the next general election", True),
        ('the leaders had "confirmed the will and possibility of cooperation"', False),
        ("a test of their political will to act", False),
    ],
)
def test_will_after_a_determiner_is_the_noun(text: str, ahead: bool) -> None:
    """'will' looks ahead as a verb, not as a noun after a determiner ('the will to cooperate')."""
    assert bool(load_lexicon().language.future.search(text)) is ahead


def test_sentences_opening_on_another_matter_and_past_and_began_markers() -> None:
    """'Separately, ...' opens another matter; 'after the' is a past marker; 'began ' before a date says
    something began that day."""
    language = load_lexicon().language
    assert language.aside.match("Separately, the Marines announced drills")
    assert not language.aside.match("The leaders met separately with business chiefs")
    assert language.past.search("a press conference after the summit at Camp David")
    assert language.began.search("the three-day exercise began ")


def test_unknown_profile_in_a_storyline_names_the_key(tmp_path: Path) -> None:
    """A storyline naming a profile that does not exist is a configuration error naming the key."""
    with pytest.raises(ConfigError, match=r"0\.profile: .*unknown profile 'sports'"):
        parse_storylines([{"id": "x", "title": "X", "profile": "sports"}])


def test_malformed_profile_file_names_file_and_key(tmp_path: Path) -> None:
    """A profile whose status class is not done/off/planned is refused with the file and key named."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    broken = folder / "profiles" / "election.yaml"
    broken.write_text(broken.read_text("utf-8").replace('class: "off"', "class: maybe", 1), "utf-8")
    with pytest.raises(ConfigError, match=r"election\.yaml: statuses\.\w+\.class"):
        load_lexicon(folder)


def test_profile_id_must_match_its_file(tmp_path: Path) -> None:
    """A profile file's id is its name: a copy under another name is refused."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    shutil.copy(folder / "profiles" / "election.yaml", folder / "profiles" / "vote.yaml")
    with pytest.raises(ConfigError, match="must be 'vote'"):
        load_lexicon(folder)


def test_act_words_map_every_form_to_the_acts_name() -> None:
    """An act's forms ('talks', 'hosted') name one act ('meeting'); the acts with one agent are among those
    whose agent is read, and a place noun ('port city of') or another occurrence ('next') is a folded word."""
    language = load_lexicon().language
    assert language.place_acts["talks"] == language.place_acts["hosted"] == "meeting"
    assert language.agent_acts["vetoed"] == "veto"
    assert language.single_agent_acts <= set(language.agent_acts)
    assert {"city", "port"} <= language.place_nouns and "next" in language.other_occurrences
    assert "lone" in language.sole_markers
