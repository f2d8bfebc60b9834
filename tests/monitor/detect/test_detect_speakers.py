"""A person who announces a figure speaks for it; the figure is not theirs."""

from __future__ import annotations

from detect_builders import figure

from monitor.detect.figures import figure_context
from monitor.lexicon import load_lexicon
from monitor.models import CanonicalEntity, Mention


def _entity(key: str, name: str, label: str, sentence: str) -> CanonicalEntity:
    start = sentence.index(name)
    mention = Mention(text=name, start=start, end=start + len(name), label=label)
    return CanonicalEntity(
        id=key, name=name, label=label, known=True, count=1, surface_forms=(name,), mentions=(mention,)
    )


def test_a_person_announcing_a_figure_is_not_what_it_is_of() -> None:
    """'President Lula announced a 12% levy on imported steel': the levy is not Lula's."""
    sentence = "President Lula announced a 12% levy on imported steel."
    claim = figure("percent", "12%", 12.0, sentence, unit="%", subject="President Lula announced")
    lula = _entity("lula", "Lula", "PERSON", sentence)
    assert figure_context(claim, (lula,), load_lexicon()).referents == ()


def test_an_organisation_announcing_a_figure_keeps_it() -> None:
    """'Petrobras announced a 12% rise in output': a company announcing a figure often owns it."""
    sentence = "Petrobras announced a 12% rise in output."
    claim = figure("percent", "12%", 12.0, sentence, unit="%", subject="Petrobras announced")
    company = _entity("petrobras", "Petrobras", "ORG", sentence)
    assert figure_context(claim, (company,), load_lexicon()).referents == ("petrobras",)


def test_a_person_a_figure_is_said_of_stays_its_referent() -> None:
    """'Senator Ruiz won 52% of the vote': no announcing word between them, the share is hers."""
    sentence = "Senator Ruiz won 52% of the vote."
    claim = figure("percent", "52%", 52.0, sentence, unit="%", subject="Senator Ruiz won")
    ruiz = _entity("ruiz", "Ruiz", "PERSON", sentence)
    assert figure_context(claim, (ruiz,), load_lexicon()).referents == ("ruiz",)
