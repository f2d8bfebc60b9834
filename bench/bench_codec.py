"""Benchmark: encode + decode of real pipeline records, stdlib json against orjson, msgspec and pydantic.

Run: ``.venv/bin/python bench/bench_codec.py [--items 40] [--repeat 5] [--libs /tmp/newsmon-codecs]``.

orjson and msgspec are not project dependencies. Install them apart, not into
``.venv``: ``.venv/bin/pip install --target /tmp/newsmon-codecs orjson msgspec``.
(Faust's JSON codec, which the agents' codec extends, switches to orjson by
itself as soon as it can import it, so installing it into ``.venv`` would change
the service, and the poison-record behaviour, behind everyone's back.)

The records are made the way the service makes them: the first ``--items``
articles of the e2e bench's corpus (``bench_e2e.corpus``), enriched in this
process (``enrich_batch``, the spaCy pipeline the workers load), matched
against the demo storylines, and detected storyline by storyline. For each kind
of record that crosses a topic (``EnrichedArticle`` on ``<p>-enriched``,
``StorylineMatch`` on ``<p>-matches``, ``Development`` on ``<p>-developments``
and the outboxes, the ``StorylineState`` dict on the state changelog) it times,
per record, median of ``--repeat`` passes over all records:

* ``bytes``: dict -> bytes only (what the codec costs);
* ``model``: model -> bytes (``model_dump(mode="json")`` + codec) and bytes ->
  model (codec + ``model_validate``), i.e. what a stage pays per record today,
  and pydantic's own ``model_dump_json`` / ``model_validate_json`` (no dicts).

It also times compact variants: an enriched record without the article's text
and summary, and a match without its article's text (what a reference to the
article would save), with the codec that came out best. Every variant is checked
to give back an equal record. Results: ``bench/results/codec.json`` and a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_e2e import ROOT, corpus

from monitor.detect.developments import detect
from monitor.detect.state import StorylineState
from monitor.models import Article, Development, EnrichedArticle, StorylineMatch
from monitor.nlp.catalog import build_catalog
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import load_storylines
from monitor.storylines.match import match_storylines

OUT = ROOT / "bench" / "results" / "codec.json"
Codec = tuple[Callable[[Any], bytes], Callable[[bytes], Any]]


def records(count: int) -> dict[str, tuple[type[Any], list[Any]]]:
    """Real records of every kind, made as the pipeline makes them."""
    storylines = load_storylines(ROOT / "seeds" / "storylines.yaml")
    now = datetime.now(UTC)
    articles = [
        Article(
            id=item.guid,
            url=f"http://127.0.0.1/a/{i}",
            title=item.title,
            text=item.text,
            source="bench",
            feed_url="http://127.0.0.1/feed.xml",
            published=item.published,
            ingested_at=now,
        )
        for i, item in enumerate(corpus(count))
    ]
    enriched = enrich_batch(
        load_pipeline(storylines), articles, storylines, catalog=build_catalog(storylines)
    )
    matches = [m for e in enriched for m in match_storylines(e, storylines, min_score=0.5)]
    by_id = {s.id: s for s in storylines}
    states: dict[str, StorylineState | None] = {}
    state_dicts: list[dict[str, Any]] = []
    developments: list[Development] = []
    for found in matches:
        state, devs = detect(
            states.get(found.storyline_id), found, now=now, storyline=by_id.get(found.storyline_id)
        )
        states[found.storyline_id] = state
        state_dicts.append(state.model_dump(mode="json"))
        developments += devs
    return {
        "enriched": (EnrichedArticle, enriched),
        "match": (StorylineMatch, matches),
        "development": (Development, developments),
        "state": (StorylineState, [StorylineState.model_validate(s) for s in state_dicts]),
    }


def compact(kind: str, record: Any) -> Any:
    """The record without the article's text (and summary): what carrying a reference would leave."""
    if kind == "enriched":
        return record.model_copy(
            update={"article": record.article.model_copy(update={"text": "", "summary": ""})}
        )
    if kind == "match":
        return record.model_copy(update={"enriched": compact("enriched", record.enriched)})
    return record


def codecs(libs: Path | None) -> dict[str, Codec]:
    """dict <-> bytes, by library; the Faust codec's stdlib path is ``json.dumps`` with compact separators."""
    found: dict[str, Codec] = {
        "json (stdlib, as Faust)": (
            lambda obj: json.dumps(obj, separators=(",", ":")).encode(),
            lambda raw: json.loads(raw.decode()),
        )
    }
    if libs is not None:
        sys.path.insert(0, str(libs))
    try:
        import orjson

        found["orjson"] = (orjson.dumps, orjson.loads)
    except ImportError:
        print("orjson not found (see --libs)", file=sys.stderr)
    try:
        import msgspec

        found["msgspec"] = (msgspec.json.encode, msgspec.json.decode)
    except ImportError:
        print("msgspec not found (see --libs)", file=sys.stderr)
    return found


def _per_record_us(work: Callable[[], object], count: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) / count * 1e6, 1)


def _codec_times(
    model: type[Any],
    items: list[Any],
    dicts: list[Any],
    dumps: Callable[[Any], bytes],
    loads: Callable[[bytes], Any],
    repeat: int,
) -> dict[str, Any]:
    blobs = [dumps(d) for d in dicts]
    n = len(items)
    return {
        "bytes_mean": round(statistics.mean(len(b) for b in blobs)),
        "dict_encode_us": _per_record_us(lambda: [dumps(d) for d in dicts], n, repeat),
        "dict_decode_us": _per_record_us(lambda: [loads(b) for b in blobs], n, repeat),
        "model_encode_us": _per_record_us(
            lambda: [dumps(i.model_dump(mode="json")) for i in items], n, repeat
        ),
        "model_decode_us": _per_record_us(lambda: [model.model_validate(loads(b)) for b in blobs], n, repeat),
    }


def measure(model: type[Any], items: list[Any], available: dict[str, Codec], repeat: int) -> dict[str, Any]:
    """Encode and decode times per record, per codec, with and without the pydantic step."""
    dicts = [item.model_dump(mode="json") for item in items]
    result: dict[str, Any] = {"records": len(items)}
    for name, (dumps, loads) in available.items():
        result[name] = _codec_times(model, items, dicts, dumps, loads, repeat)
        assert [model.model_validate(loads(dumps(d))) for d in dicts] == items, name
    serializer = model.__pydantic_serializer__
    blobs = [serializer.to_json(item) for item in items]
    assert [model.model_validate_json(b) for b in blobs] == items
    n = len(items)
    result["pydantic json (model_dump_json / model_validate_json)"] = {
        "bytes_mean": round(statistics.mean(len(b) for b in blobs)),
        "model_encode_us": _per_record_us(lambda: [serializer.to_json(i) for i in items], n, repeat),
        "model_decode_us": _per_record_us(lambda: [model.model_validate_json(b) for b in blobs], n, repeat),
    }
    for codec in result.values():
        if isinstance(codec, dict) and "model_encode_us" in codec:
            codec["model_roundtrip_us"] = round(codec["model_encode_us"] + codec["model_decode_us"], 1)
    return result


def table(result: dict[str, Any]) -> str:
    lines = [
        "| record | codec | bytes | dict->bytes / bytes->dict (µs) | model->bytes / bytes->model (µs) "
        "| round trip (µs) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, by_codec in result["kinds"].items():
        for name, m in by_codec.items():
            if not isinstance(m, dict):
                continue
            raw = f"{m['dict_encode_us']} / {m['dict_decode_us']}" if "dict_encode_us" in m else "–"
            lines.append(
                f"| {kind} ({by_codec['records']}) | {name} | {m['bytes_mean']} | {raw} | "
                f"{m['model_encode_us']} / {m['model_decode_us']} | {m['model_roundtrip_us']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--libs", type=Path, default=Path("/tmp/newsmon-codecs"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    available = codecs(args.libs if args.libs.exists() else None)
    made = records(args.items)
    kinds: dict[str, Any] = {}
    for kind, (model, items) in made.items():
        if not items:
            continue
        kinds[kind] = measure(model, items, available, args.repeat)
        if kind in ("enriched", "match"):
            kinds[f"{kind} without article text"] = measure(
                model, [compact(kind, i) for i in items], available, args.repeat
            )
    versions = {}
    for lib in ("orjson", "msgspec", "pydantic"):
        module = sys.modules.get(lib)
        versions[lib] = getattr(module, "__version__", None) if module else None
    result = {
        "benchmark": "codec",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"python": platform.python_version(), "machine": platform.machine()},
        "versions": versions,
        "items": args.items,
        "repeat": args.repeat,
        "kinds": kinds,
        "notes": (
            "per record, median of `repeat` passes over all records; model->bytes = model_dump(mode='json') "
            "+ codec, bytes->model = codec + model_validate (what a stage pays today); the pydantic row "
            "uses model_dump_json/model_validate_json (no intermediate dicts)."
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
