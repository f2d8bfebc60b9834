"""Claims read from the seed articles and from written news paragraphs."""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language

from monitor.models import Article, Claim, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.storylines.config import Storyline


def _claims(enriched: EnrichedArticle, kind: str) -> list[Claim]:
    return [c for c in enriched.claims if c.kind == kind]


def _one(enriched: EnrichedArticle, kind: str, text: str) -> Claim:
    found = [c for c in _claims(enriched, kind) if c.text == text]
    assert len(found) == 1, [(c.kind, c.text) for c in enriched.claims]
    return found[0]


def test_dozen_years_is_twelve_years_since_the_last_summit(
    enriched_seeds: dict[str, EnrichedArticle],
) -> None:
    """ "the first formal summit in Seoul ... in a dozen years" is a 12-year gap tied to its sentence."""
    claim = _one(enriched_seeds["001"], "duration", "a dozen years")
    assert claim.value == 12.0 and claim.unit == "years"
    assert claim.qualifier == "since"
    assert "first formal summit in Seoul" in claim.subject
    assert claim.evidence.sentence.startswith("The visit marked the first formal summit in Seoul")


def test_five_year_gap(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """ "marks a five-year gap before a Japanese premier returns" is a 5-year gap, qualifier since."""
    claim = _one(enriched_seeds["000"], "duration", "five-year")
    assert claim.value == 5.0 and claim.unit == "years" and claim.qualifier == "since"
    assert "gap" in claim.subject and "returns to Seoul" in claim.subject
    assert "five-year gap" in claim.evidence.sentence


def test_percent_change_from_25_to_15(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """ "reduced proposed tariffs from 25% to 15%" is one percent_change 25 -> 15 and no loose percents."""
    claim = _one(enriched_seeds["004"], "percent_change", "from 25% to 15%")
    assert claim.value == {"from": "25", "to": "15"} and claim.unit == "%"
    assert "proposed tariffs" in claim.subject
    assert not _claims(enriched_seeds["004"], "percent")


def test_table_cell_is_an_approximate_quantity(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """The table row "| Japan | ~50,000 |" gives an approximate quantity of 50,000 personnel for Japan."""
    claim = _one(enriched_seeds["002"], "quantity", "~50,000")
    assert claim.value == 50000.0 and claim.approximate and claim.unit == "personnel"
    assert claim.subject.startswith("Japan")
    text = enriched_seeds["002"].article.text
    assert text[claim.evidence.start : claim.evidence.end] == claim.evidence.sentence


def test_approximate_quantities_in_sentences(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """ "approximately 80,000 U.S. military personnel" and "around 100 missiles" are approximate counts."""
    personnel = _one(enriched_seeds["002"], "quantity", "approximately 80,000")
    assert personnel.value == 80000.0 and personnel.approximate and personnel.unit == "personnel"
    missiles = _one(enriched_seeds["003"], "quantity", "around 100")
    assert missiles.value == 100.0 and missiles.approximate and missiles.unit == "missiles"
    assert "tested" in missiles.subject


def test_relative_dates_resolve_against_publication(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """ "on Monday ... a day earlier" (published Mon 8 May 2023) and "will host ... on Sunday" (Wed 3 May)."""
    assert _one(enriched_seeds["001"], "date", "Monday").value == "2023-05-08"
    assert _one(enriched_seeds["001"], "date", "a day earlier").value == "2023-05-07"
    sundays = [c.value for c in _claims(enriched_seeds["003"], "date") if c.text == "Sunday"]
    assert sundays == ["2023-05-07", "2023-05-07"]
    last_week = [c for c in _claims(enriched_seeds["003"], "date") if c.text == "last week"]
    assert {c.value for c in last_week} == {"2023-04-24"} and {c.unit for c in last_week} == {"week"}
    dateline = [c for c in _claims(enriched_seeds["002"], "date") if c.text == "August 23,2025"]
    assert dateline and dateline[0].value == "2025-08-23"


def test_meeting_claims_name_participants_place_and_date(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """Summits are meeting claims with canonical participant ids, place and date."""
    meetings = [c.value for c in _claims(enriched_seeds["001"], "meeting")]
    assert {
        "participants": ["fumio-kishida", "yoon-suk-yeol"],
        "place": None,
        "date": "2023-05-07",
    } in meetings
    seoul_talks = _claims(enriched_seeds["000"], "meeting")[1]
    assert seoul_talks.value == {
        "participants": ["fumio-kishida", "yoon-suk-yeol"],
        "place": "seoul",
        "date": None,
    }
    planned = [c for c in _claims(enriched_seeds["003"], "meeting") if c.text == "host"]
    assert planned and planned[0].qualifier == "planned"
    assert planned[0].value["date"] == "2023-05-07"  # type: ignore[index]


def test_money_and_percent_in_written_paragraph(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """Currency amounts with scale words become numbers in their currency; percents keep their number."""
    text = (
        "Seoul pledged $350 billion in U.S. investment, while Tokyo offered ¥1.2 trillion. "
        "Exports fell 12.5% last month, and the EU set aside €5 billion."
    )
    enriched = enrich_batch(nlp, [make_article(text, "2025-08-01T09:00:00+00:00")], storylines)[0]
    money = {(c.value, c.unit) for c in _claims(enriched, "money")}
    assert money == {(3.5e11, "USD"), (1.2e12, "JPY"), (5e9, "EUR")}
    assert [c.value for c in _claims(enriched, "percent")] == [12.5]
    assert "pledged" in _one(enriched, "money", "$350 billion").qualifier
    assert _one(enriched, "date", "last month").value == "2025-07-01"


def test_evidence_offsets_match_article_text(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """Every claim's evidence is the article text between its offsets and contains the claim text."""
    for enriched in enriched_seeds.values():
        for claim in enriched.claims:
            text = enriched.article.text
            assert text[claim.evidence.start : claim.evidence.end] == claim.evidence.sentence
            assert claim.text in claim.evidence.sentence


def _dates_of(nlp: Language, storylines: tuple[Storyline, ...], article: Article) -> list[tuple[str, object]]:
    enriched = enrich_batch(nlp, [article], storylines)[0]
    return [(claim.text, claim.value) for claim in _claims(enriched, "date")]


def test_weekday_and_its_calendar_day_are_one_claim(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """A weekday written with its calendar day, in brackets or after a comma, either order, is one date
    claim read by the calendar day; its text keeps the weekday (which may disagree with the day)."""
    text = (
        "The deposit rate will be cut by a quarter-point on Thursday (Jun 6), analysts predict.\n"
        "The two leaders met on Thursday (16 November 2023) in San Francisco.\n"
        "The final debate was held on 26 June (Wednesday) in Nottingham.\n"
        "The bank is strongly expected to cut rates tomorrow, Thursday, June 5, its first cut in years.\n"
    )
    dates = _dates_of(nlp, storylines, make_article(text, "2024-06-03T09:00:00+00:00"))
    assert ("Thursday (Jun 6)", "2024-06-06") in dates
    assert ("Thursday (16 November 2023)", "2023-11-16") in dates
    assert [text for text, _ in dates if "26 June" in text] == ["26 June (Wednesday)"]
    assert ("Thursday, June 5", "2024-06-05") in dates
    assert not [text for text, _ in dates if text in {"Thursday", "16 November 2023", "Wednesday"}]


def test_weekday_with_a_time_of_day_is_a_date_claim(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'Tuesday night' (a TIME entity for spaCy) gives the Tuesday; 'tonight' the publication day."""
    text = (
        "Rishi Sunak and Keir Starmer return to the campaign trail after clashing in their final televised "
        "head-to-head debate on Tuesday night.\n"
        "Rishi Sunak pulled the trigger on a summer election tonight in a statement in Downing Street.\n"
    )
    dates = _dates_of(nlp, storylines, make_article(text, "2024-06-26T23:00:00+00:00"))
    assert ("Tuesday", "2024-06-25") in dates
    assert ("tonight", "2024-06-26") in dates


def test_a_range_of_calendar_days_gives_both_days(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'from 2 April to 22 April' (one spaCy entity) gives a claim for each day, each over its own words, so
    detection reads the second as the day the range ends."""
    text = (
        "The truce would be in effect from 2 April to 22 April, the council said.\n"
        "The ceasefire will be in force from April 2 to April 12.\n"
    )
    dates = _dates_of(nlp, storylines, make_article(text, "2025-04-02T17:00:00+00:00"))
    assert {("2 April", "2025-04-02"), ("22 April", "2025-04-22")} <= set(dates)
    assert {("April 2", "2025-04-02"), ("April 12", "2025-04-12")} <= set(dates)


def test_measures_written_as_one_word_with_their_number(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'7.7-magnitude', 'magnitude-6.4', 'measured magnitude 6.7' and '30-story' are quantities whose unit is
    the measure word ('story' read as 'storey') and whose subject names the thing measured."""
    text = (
        "A 7.7-magnitude earthquake near Sagaing sent tremors into Bangkok, "
        "bringing down a 30-story government building.\n"
        "A magnitude-6.4 aftershock followed only 12 minutes later.\n"
        "The strongest aftershock measured magnitude 6.7 and occurred at 06:32:04 (UTC), "
        "according to the USGS.\n"
    )
    enriched = enrich_batch(nlp, [make_article(text, "2025-03-29T09:00:00+00:00")], storylines)[0]
    found = {(c.text, c.value, c.unit, c.subject) for c in _claims(enriched, "quantity")}
    assert ("7.7-magnitude", 7.7, "magnitude", "earthquake magnitude") in found
    assert ("30-story", 30.0, "storey", "building storey") in found
    assert ("magnitude-6.4", 6.4, "magnitude", "aftershock magnitude") in found
    assert ("magnitude 6.7", 6.7, "magnitude", "aftershock magnitude") in found


def test_bare_count_of_a_growing_toll_is_the_tolls(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'the official death toll ... had risen to 1,121' is a count of the toll (its verb's subject names a
    growing count of the lexicon), though no noun follows the number."""
    text = "Turkey's disaster agency said on Tuesday that the official death toll from the earthquake had risen to 1,121.\n"  # noqa: E501
    enriched = enrich_batch(nlp, [make_article(text, "2023-02-07T09:00:00+00:00")], storylines)[0]
    claim = _one(enriched, "quantity", "1,121")
    assert claim.value == 1121 and claim.unit == "toll" and "death toll" in claim.subject


def test_bare_number_after_another_subject_stays_unread(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'the index had risen to 1,121': a bare number is a count only when its subject is a growing count."""
    text = "The ministry said on Tuesday that the price index had risen to 1,121 in January.\n"
    enriched = enrich_batch(nlp, [make_article(text, "2023-02-07T09:00:00+00:00")], storylines)[0]
    assert [c.text for c in _claims(enriched, "quantity")] == []


def test_magnitude_on_the_richter_scale_is_a_magnitude(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'an earthquake measuring 6.8 on the Richter scale' is a magnitude of the earthquake (a measure word's
    form written after the number)."""
    text = "A powerful earthquake measuring 6.8 on the Richter scale hit south-eastern Turkey on Monday.\n"
    enriched = enrich_batch(nlp, [make_article(text, "2023-02-06T09:00:00+00:00")], storylines)[0]
    claim = _one(enriched, "quantity", "6.8 on the Richter scale")
    assert claim.value == 6.8 and claim.unit == "magnitude" and claim.subject == "earthquake magnitude"


def test_other_nations_dollars_are_not_us_dollars(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """'NZ$18.6 billion' is New Zealand dollars and '16.6 billion Canadian dollars' Canadian ones; only a bare
    '$' or 'US$' is the US dollar."""
    text = "Canada taxed US$12.6 billion (NZ$18.6 billion) of goods, or 16.6 billion Canadian dollars ($12.8 billion).\n"  # noqa: E501
    enriched = enrich_batch(nlp, [make_article(text, "2018-07-01T09:00:00+00:00")], storylines)[0]
    units = {c.text: c.unit for c in _claims(enriched, "money")}
    assert units["US$12.6 billion"] == "USD" and units["NZ$18.6 billion"] == "NZD"
    assert units["16.6 billion Canadian dollars"] == "CAD" and units["$12.8 billion"] == "USD"


def test_a_scale_put_at_a_value_is_a_measure_but_a_clock_time_is_not() -> None:
    """'put the magnitude of Monday's earthquake at 7.8' is a magnitude of 7.8 (quoted from the number); 'the
    magnitude of the aftershock that hit at 06:32' gives no magnitude."""
    from monitor.nlp.measures import measures

    text = "The US Geological Survey put the magnitude of Monday's earthquake in Turkey at 7.8."
    [found] = measures(text, 0, len(text))
    assert (found.value, found.unit, text[found.start : found.end]) == (7.8, "magnitude", "7.8")
    clock = "The magnitude of the aftershock that hit at 06:32 was lower, officials said."
    assert measures(clock, 0, len(clock)) == []
