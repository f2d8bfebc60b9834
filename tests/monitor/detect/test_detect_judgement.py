"""The judgement set's loader refuses broken labels, and scoring counts alerts as a user judges them."""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monitor.detect.judgement import format_report, score
from monitor.detect.labels import DatasetError, load_labelled
from monitor.storylines.config import load_storylines

JUDGEMENT = Path(__file__).resolve().parents[2] / "data" / "judgement"
REPORT = "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol held a summit in Seoul on Friday and agreed to cooperate on evacuating citizens.\nThe leaders said the summit kept relations on track.\n"
MISDATED = "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol held a summit in Seoul on October 6 and agreed to cooperate on evacuating citizens.\nThe leaders said the summit kept relations on track.\n"
OTHER = (
    "The Bank of England kept its main interest rate unchanged on Thursday, Governor Andrew Bailey said.\n"
)


def _write(tmp_path: Path, **changes: object) -> Path:
    data: dict[str, object] = {
        # the storylines this small set speaks for: a storyline added to storylines.yaml later (one
        # following Yoon for other news) is outside its labels
        "labelled_for": ["japan-korea-summits", "us-alliance", "ecb-rates"],
        "events": [{"id": "jk", "storyline": "japan-korea-summits", "date": "2024-09-06", "title_must_name": ["Kishida", "Yoon", "Seoul"]}],
        "articles": [
            {"id": "r", "source": "Wire", "published": "2024-09-06T12:00:00+00:00", "title": "Kishida and Yoon hold summit in Seoul",
             "storylines": ["japan-korea-summits"], "events": {"japan-korea-summits": "jk"}, "text": REPORT},
            {"id": "x", "source": "Digest", "published": "2024-09-07T12:00:00+00:00", "title": "Kishida and Yoon hold summit in Seoul",
             "storylines": ["japan-korea-summits"], "events": {"japan-korea-summits": "jk"}, "text": MISDATED},
            {"id": "d", "source": "Markets", "published": "2024-09-05T12:00:00+00:00", "title": "BoE holds rates", "text": OTHER},
        ],
        "conflicts": [{"storyline": "japan-korea-summits", "event": "jk", "articles": ["r", "x"], "erring": "x",
                       "erring_sentence": MISDATED.splitlines()[0], "other_sentence": REPORT.splitlines()[0],
                       "what": "day of the summit", "values": {"r": "6 September", "x": "October 6"}, "kind": "date", "synthetic": True}],
    }  # fmt: skip
    data.update(changes)
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_loader_names_every_broken_reference(tmp_path: Path) -> None:
    """An erring sentence not in the erring article, or an unknown event, is refused with the reference named."""
    path = _write(tmp_path, conflicts=[{"storyline": "japan-korea-summits", "event": "nope", "articles": ["r", "x"], "erring": "x",
                                        "erring_sentence": "not in the text", "other_sentence": "neither", "what": "day",
                                        "values": {}, "kind": "date"}])  # fmt: skip
    with pytest.raises(DatasetError) as error:
        load_labelled([path], ["japan-korea-summits"])
    assert "unknown event 'nope'" in str(error.value)


def test_scoring_counts_found_conflicts_events_and_titles(tmp_path: Path) -> None:
    """The misdated report is found with its sentence quoted; one new_event for the event; the distractor matches nothing."""
    storylines = load_storylines(JUDGEMENT / "storylines.yaml")
    labelled = load_labelled([_write(tmp_path)], [storyline.id for storyline in storylines])
    result = score(labelled, storylines)
    assert result["storyline_match"]["precision"] == 1.0 and result["storyline_match"]["recall"] == 1.0
    assert result["events"]["exactly_one"] == 1 and result["events"]["spurious"] == []
    assert result["events"]["titles"]["ok"] == 1
    assert result["conflicts"]["found_with_erring_sentence"] == 1
    assert result["conflicts"]["false_alerts"] == 0
    report = format_report(result, verbose=True)
    assert "1/1 found with the erring sentence" in report


def test_dev_part_loads_whole(tmp_path: Path) -> None:
    """The dev part is sound: every reference resolves, and it is as large and varied as the issue asks of a part."""
    storylines = load_storylines(JUDGEMENT / "storylines.yaml")
    labelled = load_labelled([JUDGEMENT / "dev"], [storyline.id for storyline in storylines])
    assert len(labelled.articles) >= 150
    assert len({event.storyline for event in labelled.events}) >= 4
    assert len(labelled.conflicts) >= 25 and len(labelled.lookalikes) >= 25


def test_labels_speak_only_for_the_storylines_their_file_names(tmp_path: Path) -> None:
    """A storyline added after a file was labelled is outside its labels: a match to it is neither right nor false."""
    storylines = load_storylines(JUDGEMENT / "storylines.yaml")
    known = [storyline.id for storyline in storylines]
    plain = {"labelled_for": ["ecb-rates"], "events": [], "conflicts": []}
    articles = yaml.safe_load(_write(tmp_path).read_text("utf-8"))["articles"]
    for article in articles:
        article.update(storylines=[], events={})
    scoped = load_labelled([_write(tmp_path, articles=articles, **plain)], known)
    assert score(scoped, storylines)["storyline_errors"]["false_matches"] == []
    unscoped = load_labelled([_write(tmp_path, articles=articles, events=[], conflicts=[])], known)
    assert "r -> japan-korea-summits" in score(unscoped, storylines)["storyline_errors"]["false_matches"]


def test_an_article_in_a_storyline_its_file_leaves_out_is_refused(tmp_path: Path) -> None:
    """Labelling an article with a storyline outside its file's labelled_for is a mistake the loader names."""
    with pytest.raises(DatasetError) as error:
        load_labelled([_write(tmp_path, labelled_for=["ecb-rates"])], ["japan-korea-summits", "ecb-rates"])
    assert "which its file's labelled_for leaves out" in str(error.value)
