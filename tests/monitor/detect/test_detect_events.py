"""Grouping reports into events and naming them (monitor/detect/events.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from monitor.detect.events import absorb, as_institution, new_event, note_applies_to
from monitor.detect.extract import Signature
from monitor.lexicon import load_lexicon
from monitor.models import ArticleRef


def _report(article: str, noun: str, day: int) -> Signature:
    published = datetime(2026, 3, day, 9, tzinfo=UTC)
    ref = ArticleRef(id=article, url=f"https://example.org/{article}", title=article, source="Wire",
                     published=published)  # fmt: skip
    return Signature(
        ref=ref, published=published, participants=["narendra-modi", "shehbaz-sharif"],
        names={"narendra-modi": "Modi", "shehbaz-sharif": "Sharif"}, weights={}, people=[], place="Doha",
        place_explicit=True, place_quote="", date=date(2026, 3, 4), date_explicit=True,
        date_quote="The envoys meet in Doha on March 4.", status=None, misdated=False, status_quote="",
        noun=noun,
    )  # fmt: skip


def test_the_profiles_own_kind_names_the_event_before_a_kind_it_only_mentions() -> None:
    """A preview dwelling on the sanctions at stake ('sanctions', a kind the meeting profile only
    mentions) starts the event; a later report of the 'talks', of equal weight but the profile's own kind of
    event, renames it: 'Modi–Sharif talks in Doha', not 'Modi–Sharif sanctions'. A mentioned kind never
    replaces an own one."""
    profile = load_lexicon().profile("diplomatic-meeting")
    event = new_event("pair", _report("preview", "sanctions", 2))
    assert event.noun == "sanctions"
    absorb(
        event, _report("report", "talks", 4), [], now=datetime(2026, 3, 4, 12, tzinfo=UTC), profile=profile
    )
    assert event.noun == "talks"
    assert event.title.startswith("Modi–Sharif talks in Doha")
    absorb(
        event, _report("later", "sanctions", 5), [], now=datetime(2026, 3, 5, 12, tzinfo=UTC), profile=profile
    )
    assert event.noun == "talks"


def test_a_decision_is_titled_with_the_institution_not_its_committee() -> None:
    """A central bank storyline listing the bank first and its committee after: a report naming the
    committee most ('the Monetary Policy Committee voted ...') is titled with the bank's name, once. The
    storyline's bodies stay participants; another organisation named beside them ('UK') is no party."""
    assert load_lexicon().profile("policy-decision").single_actor
    report = _report("mpc", "rate decision", 4)
    report.participants = ["monetary-policy-committee", "bank-of-england", "united-kingdom"]
    report.names = {
        "monetary-policy-committee": "MPC",
        "bank-of-england": "Bank of England",
        "united-kingdom": "UK",
    }
    listed = [("bank-of-england", ("Bank of England", "BoE")), ("monetary-policy-committee", ("MPC",))]
    as_institution(report, listed)
    assert report.participants == ["monetary-policy-committee", "bank-of-england"]
    assert new_event("boe", report).title.startswith("BoE rate decision in Doha")


def test_a_measures_title_names_what_it_applies_to_as_most_reports_say() -> None:
    """'Modi–Sharif duties on textiles': what the reports most often say a measure applies to joins the
    title after the event's noun; an event with none keeps the plain title."""
    event = new_event("trade", _report("first", "duties", 2))
    assert event.title.startswith("Modi–Sharif duties in Doha")
    for applies in ("on cotton", "on textiles", "on textiles", ""):
        note_applies_to(event, applies)
    assert event.title.startswith("Modi–Sharif duties on textiles in Doha")


def test_a_third_participant_as_salient_as_the_second_is_named() -> None:
    """Three leaders at a trilateral summit, the host in most reports and the two guests about equally in
    the rest: all three are named ('Albanese–Modi–Sharif summit'), while a third far behind the second is
    not."""
    profile = load_lexicon().profile("diplomatic-meeting")
    host = _report("host", "summit", 2)
    host.participants, host.weights = ["anthony-albanese"], {"anthony-albanese": 1.0}
    host.names = {"anthony-albanese": "Albanese"}
    event = new_event("trio", host)
    for day in (3, 4):
        absorb(
            event,
            _report(f"host{day}", "summit", day),
            [],
            now=datetime(2026, 3, day, tzinfo=UTC),
            profile=profile,
        )
        event.votes["anthony-albanese"] += 1.0
        event.names["anthony-albanese"] = "Albanese"
    event.votes["anthony-albanese"] += 2.0  # the host leads: the guests are each under 0.75 of his votes
    absorb(event, _report("last", "summit", 5), [], now=datetime(2026, 3, 5, tzinfo=UTC), profile=profile)
    assert event.title.startswith("Albanese–Modi–Sharif summit in Doha")
    event.votes["shehbaz-sharif"] = 0.5
    absorb(
        event,
        replace(_report("solo", "summit", 6), participants=[]),
        [],
        now=datetime(2026, 3, 6, tzinfo=UTC),
        profile=profile,
    )
    assert event.title.startswith("Albanese–Modi summit in Doha")


def test_an_event_is_titled_after_its_organiser_once_two_reports_say_so() -> None:
    """'Modi–Sharif CBC debate': the organisation the event is named after joins the title once two reports
    name it so; one report alone does not rename the event."""
    event = new_event("debate", _report("first", "debate", 2))
    note_applies_to(event, "", "CBC")
    assert event.title.startswith("Modi–Sharif debate in Doha")
    note_applies_to(event, "", "CBC")
    assert event.title.startswith("Modi–Sharif CBC debate in Doha")


def test_an_event_without_participants_is_titled_by_the_name_reports_give_it() -> None:
    """A storm without participants is titled by the name most of its reports give it ('Cyclone Freddy in
    Doha', not 'Storm in Doha'); an event with participants keeps its participants' title."""
    storm = new_event("storm", replace(_report("first", "storm", 2), participants=[], names={}))
    assert storm.title.startswith("Storm in Doha")
    note_applies_to(storm, "", "", "Cyclone Freddy")
    assert storm.title == "Cyclone Freddy in Doha, 4 March 2026"
    talks = new_event("talks", _report("first", "talks", 2))
    note_applies_to(talks, "", "", "Cyclone Freddy")
    assert talks.title.startswith("Modi–Sharif talks in Doha")
