"""The storylines file: a YAML list of tracked storylines.

Each storyline::

    - id: japan-korea-summits          # stable id, [a-z0-9-]
      title: Japan–South Korea summits
      description: Meetings between the leaders of Japan and South Korea.
      entities:                        # people, places, organisations that signal the storyline
        - name: Yoon Suk Yeol
          label: PERSON                # optional spaCy label (PERSON, GPE, ORG, NORP, EVENT, ...)
          aliases: [Yoon Suk-yeol, Yoon]
      keywords: [summit, shuttle diplomacy]
      require_any: [[japan, korea]]    # optional: groups of entity ids or keywords; each group needs a hit
      exclude_keywords: [k-pop]        # optional: an article whose text has one of these never matches
      min_score: 0.5                   # optional: overrides detect.min_match_score
      profile: policy-decision         # optional: the domain profile (monitor/lexicon/data/profiles),
                                       # diplomatic-meeting by default
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.errors import ConfigError
from monitor.lexicon import load_lexicon

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EntitySpec(_Frozen):
    """A named entity a storyline cares about, with its known spellings."""

    name: str = Field(min_length=1)
    label: str = "PERSON"
    aliases: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """A stable id from the canonical name: ``Yoon Suk Yeol`` -> ``yoon-suk-yeol``."""
        return entity_id(self.name)


class Storyline(_Frozen):
    """One tracked storyline."""

    id: str
    title: str = Field(min_length=1)
    description: str = ""
    entities: tuple[EntitySpec, ...] = ()
    keywords: tuple[str, ...] = ()
    require_any: tuple[tuple[str, ...], ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    min_score: float | None = None
    profile: str | None = None

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str | None) -> str | None:
        if value is not None and value not in load_lexicon().profiles:
            known = ", ".join(sorted(load_lexicon().profiles))
            raise ValueError(f"unknown profile {value!r} (known: {known})")
        return value

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be lower-case letters, digits and dashes")
        return value


def entity_id(name: str) -> str:
    """Slug of an entity name, the same for every romanization variant we fold."""
    folded = re.sub(r"[^0-9a-z]+", "-", name.casefold())
    return folded.strip("-")


def parse_storylines(raw: object, *, origin: str = "storylines") -> tuple[Storyline, ...]:
    """Validate the parsed YAML of a storylines file."""
    if not isinstance(raw, list):
        raise ConfigError(f"{origin}: must be a list of storylines")
    result: list[Storyline] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        try:
            storyline = Storyline.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(part) for part in (index, *err["loc"]))
            raise ConfigError(f"{origin}: {key}: {err['msg']}") from None
        if storyline.id in seen:
            raise ConfigError(f"{origin}: {index}.id: duplicate storyline id {storyline.id!r}")
        seen.add(storyline.id)
        result.append(storyline)
    return tuple(result)


def load_storylines(path: Path) -> tuple[Storyline, ...]:
    """Read and validate a storylines YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read storylines file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"storylines file {path} is not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"storylines file {path} is not valid YAML: {exc}") from None
    return parse_storylines(raw, origin=str(path))
