"""Days things start or stop applying are facts of their own, compared only with days of the same role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from detect_builders import make_article

from monitor.detect.compare import compare
from monitor.detect.dates import FoundDate, article_dates
from monitor.detect.facts import arrival_facts, period_facts
from monitor.detect.state import EventState, HeldFact
from monitor.detect.text import Sentence
from monitor.lexicon import Slot, load_lexicon
from monitor.models import Article, CanonicalEntity, EnrichedArticle
from monitor.storylines.match import article_sentences, body_offset

Enrich = Callable[[Article], EnrichedArticle]
TRADE = "trade-measure"


def _periods(
    enrich: Enrich, article_id: str, text: str, published: str, profile: str = TRADE
) -> list[HeldFact]:
    enriched = enrich(make_article(article_id, text, published=published))
    sentences = article_sentences(enriched)
    stamp = enriched.article.published
    assert stamp is not None
    lexicon = load_lexicon()
    chosen = lexicon.profile(profile)
    dates = article_dates(enriched, sentences, body_offset(enriched), stamp.date(), lexicon, chosen)
    return period_facts([(s, dates.in_sentence(s)) for s in sentences], article_id, chosen, stamp.date())


def _event(held: list[HeldFact]) -> EventState:
    now = datetime(2026, 3, 5, tzinfo=UTC)
    return EventState(id="e", title="duties", first_published=now, last_published=now, facts=held)


def test_start_day_is_its_own_fact_not_the_event_day(enrich: Enrich) -> None:
    """'will charge the duties starting on Friday, officials said on Wednesday': Friday is a start day."""
    text = "Canada will charge the new steel duties starting on Friday, officials said on Wednesday.\n"
    facts = _periods(enrich, "a", text, "2026-03-04T09:00:00+00:00")
    assert [(fact.slot, fact.value) for fact in facts] == [(Slot.START, "2026-03-06")]
    assert facts[0].terms == ["duties"] and facts[0].quote.startswith("Canada will charge")


def test_start_days_of_one_measure_on_different_days_conflict(
    enrich: Enrich,
) -> None:
    """One report has the duties start on 6 March, another 'starting Thursday' (5 March): a conflict quoting
    the second report's sentence."""
    held = _periods(enrich, "a", "The steel duties apply from 6 March 2026, the ministry said.\n",
                    "2026-03-04T09:00:00+00:00")  # fmt: skip
    text = "New steel duties were imposed on imports starting Thursday, angering exporters.\n"
    mine = _periods(enrich, "b", text, "2026-03-06T09:00:00+00:00")
    findings = compare(_event(held), mine, profile=load_lexicon().profile(TRADE))
    assert len(findings) == 1 and findings[0].kind == "conflict" and findings[0].confidence >= 0.5
    assert findings[0].fact.quote.startswith("New steel duties") and findings[0].fact.value == "2026-03-05"


def test_end_day_and_start_day_are_not_compared(enrich: Enrich) -> None:
    """'a truce until April 22' and 'a truce from April 12': a stop day and a start day, no conflict."""
    held = _periods(enrich, "a", "Rebels declared a truce until April 22, a spokesman said.\n",
                    "2026-04-10T09:00:00+00:00", "incident")  # fmt: skip
    mine = _periods(enrich, "b", "The truce holds from April 12, the army said.\n",
                    "2026-04-11T09:00:00+00:00", "incident")  # fmt: skip
    assert [fact.slot for fact in held] == [Slot.END] and [fact.slot for fact in mine] == [Slot.START]
    assert compare(_event(held), mine, profile=load_lexicon().profile("incident")) == []


def test_a_schedule_weeks_ahead_is_not_set_against_a_report_of_the_day(enrich: Enrich) -> None:
    """Duties announced in February 'from March 20' and a March report 'starting Thursday' (19 March): the
    early date was a schedule that may move, so nothing is raised."""
    held = _periods(enrich, "a", "Ottawa announced steel duties from March 20, officials said.\n",
                    "2026-02-20T09:00:00+00:00")  # fmt: skip
    mine = _periods(enrich, "b", "Steel duties were imposed starting Thursday, officials said.\n",
                    "2026-03-20T09:00:00+00:00")  # fmt: skip
    assert held[0].qualifier == "planned" and mine[0].value == date(2026, 3, 19).isoformat()
    assert compare(_event(held), mine, profile=load_lexicon().profile(TRADE)) == []


def test_until_a_possessive_day_is_no_end_day(enrich: Enrich) -> None:
    """'refused a ceasefire until Wednesday's announcement' names when something was said, not an end day."""
    text = "The army refused a ceasefire until Wednesday's announcement, rebels said.\n"
    assert _periods(enrich, "a", text, "2026-04-02T09:00:00+00:00", "incident") == []


def test_the_day_something_began_is_a_start_day_too(enrich: Enrich) -> None:
    """'the three-day exercise began Thursday' and another report's 'began Wednesday': the days the same
    exercise began are start facts and conflict; the day still counts as an event day candidate."""
    text = "The three-day exercise, called Freedom Edge, began {day} south of Jeju.\n"
    held = _periods(
        enrich, "a", text.format(day="Thursday"), "2024-06-28T20:00:00+00:00", "diplomatic-meeting"
    )
    mine = _periods(
        enrich, "b", text.format(day="Wednesday"), "2024-06-29T12:00:00+00:00", "diplomatic-meeting"
    )
    assert [(fact.slot, fact.value) for fact in held] == [(Slot.START, "2024-06-27")]
    findings = compare(_event(held), mine, profile=load_lexicon().profile("diplomatic-meeting"))
    assert len(findings) == 1 and findings[0].kind == "conflict" and findings[0].confidence >= 0.5
    assert findings[0].fact.value == "2024-06-26" and findings[0].held is not None


def _sentence(text: str, day: date, words: str) -> tuple[Sentence, list[FoundDate]]:
    return Sentence(0, 0, len(text), text), [FoundDate(day, False, words, text.index(words), role="transit")]


def test_an_arrival_day_belongs_to_the_participant_named_first() -> None:
    """'Kishida and his wife arrived in Washington on Tuesday' is Kishida's arrival day (date:arrival); a day
    after 'arrived ... for talks' is the talks' day, and a day still ahead is planned."""
    kishida = CanonicalEntity(id="fumio-kishida", name="Fumio Kishida", label="PERSON", known=True, count=1,
                              surface_forms=("Kishida",), mentions=())  # fmt: skip
    profile = load_lexicon().profile("diplomatic-meeting")
    names = {"fumio-kishida": "Kishida"}
    published = date(2024, 4, 10)
    found = [
        _sentence("Kishida and his wife arrived in Washington on Tuesday.", date(2024, 4, 9), "Tuesday"),
        _sentence(
            "Kishida arrived in Washington for talks with Biden on Wednesday.", date(2024, 4, 10), "Wednesday"
        ),
        _sentence("Kishida will arrive in Manila on Friday.", date(2024, 4, 12), "Friday"),
    ]
    facts = arrival_facts(found, "a", [kishida], names, profile, published)
    assert [(fact.slot, fact.value, fact.terms, fact.qualifier) for fact in facts] == [
        (Slot.ARRIVAL, "2024-04-09", ["fumio-kishida"], ""),
        (Slot.ARRIVAL, "2024-04-12", ["fumio-kishida"], "planned"),
    ]
    assert facts[0].subject == "Kishida"


def test_flying_into_a_city_is_arriving() -> None:
    """'Lula flew into Beijing on Monday' is Lula's arrival day, as 'arrived in Beijing' would be; in a trade
    storyline too, a negotiator's arrival day is his own slot, not the talks' day."""
    lula = CanonicalEntity(id="lula", name="Luiz Inacio Lula da Silva", label="PERSON", known=True, count=1,
                           surface_forms=("Lula",), mentions=())  # fmt: skip
    names = {"lula": "Lula"}
    found = [_sentence("Lula flew into Beijing on Monday for a state visit.", date(2025, 5, 12), "Monday")]
    for kind in ("diplomatic-meeting", "trade-measure"):
        profile = load_lexicon().profile(kind)
        facts = arrival_facts(found, "a", [lula], names, profile, date(2025, 5, 13))
        assert [(fact.slot, fact.value, fact.terms) for fact in facts] == [
            (Slot.ARRIVAL, "2025-05-12", ["lula"])
        ]


def test_a_report_giving_the_held_start_day_to_an_earlier_measure_agrees(enrich: Enrich) -> None:
    """One report: a safeguard duty 'will apply from March 20'; another: a new duty 'from March 20', 'on top
    of the duty in force from March 2'. The second report names both days, each of its own measure: its March
    2 is the earlier measure's start, not another start day for the first report's duty."""
    held = _periods(
        enrich, "a", "Mexico said a new 30% safeguard duty on steel imports will apply from March 20.\n",
        "2026-03-16T09:00:00+00:00",
    )  # fmt: skip
    text = (
        "Mexico confirmed that a new safeguard duty on steel imports will apply from March 20.\n"
        "The levy comes on top of the 10% duty in force from March 2.\n"
    )
    mine = _periods(enrich, "b", text, "2026-03-17T09:00:00+00:00")
    assert "2026-03-02" in {fact.value for fact in mine} and "2026-03-20" in {fact.value for fact in mine}
    assert compare(_event(held), mine, profile=load_lexicon().profile(TRADE)) == []
