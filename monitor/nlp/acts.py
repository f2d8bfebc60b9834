"""Act claims: who did a singular act, and where an act happened, read from the dependency parse.

An act is a word of the lexicon's ``place_acts`` or ``single_agent_acts`` (a verb such as "dissolved", a
noun such as "talks", an adverb such as "ashore"). Its fillers are read from the parse, not from wording:

* the agent: the subject of the act's verb (or of the verb whose object or subject the act's noun is:
  "cast the lone dissenting vote"), a person named alone (a coordination is many agents, no claim);
* the place: a place introduced by "in", "at" or "near" on the act's word or on that verb ("the talks
  were held in X", "roared ashore near X"); "the port city of X", "X, the capital" and "the X
  headquarters" resolve to X; a place written with a larger one ("X in Y", "X, Y") carries it as
  ``within``.

Each claim's value: {"act", "object", "role" ("agent" | "place"), "entity", "name", "label" ("PERSON",
"venue" or "area"), "within", "sole" (the act has one agent: a ``single_agent_acts`` word, or a sole marker
such as "the lone dissenting vote")}; its subject the act as the alert words it ("dissolved parliament"), its
qualifier "held" or "planned" (tense), or "other" when the act's noun is another occurrence ("the next
meeting").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Span, Token

from monitor.detect.text import fold
from monitor.lexicon import load_lexicon
from monitor.models import CanonicalEntity, Claim, Evidence
from monitor.nlp.phrases import PRESENT, tense

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PLACE_PREPS = frozenset({"in", "at", "near"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_CARRIERS = frozenset({"dobj", "nsubj", "nsubjpass", "attr"})  # the act's noun is what its verb is about
_MAX_PER_SENTENCE = 4
VENUE, AREA = "venue", "area"


def _entity_at(token: Token, spans: dict[int, CanonicalEntity]) -> CanonicalEntity | None:
    return spans.get(token.i)


def _resolve_place(token: Token, spans: dict[int, CanonicalEntity], venue: bool) -> Token | None:
    """The token of the named place a preposition's object stands for, or None. After 'at' (``venue``) an
    organisation's name is its premises ('at the White House')."""
    words = load_lexicon().language
    entity = _entity_at(token, spans)
    if entity is not None and (entity.label in _PLACE_LABELS or (venue and entity.label == "ORG")):
        return token
    if fold(token.text) in words.place_nouns:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                target = next((c for c in child.children if c.dep_ == "pobj"), None)
                inner = _resolve_place(target, spans, False) if target is not None else None
                if inner is not None:
                    return inner  # 'the Saudi port city of Jeddah', 'the X district of Y province'
            if child.dep_ == "appos" and _is_place(child, spans):
                return child  # 'the Thai capital, Bangkok'
    for child in token.children:
        if child.dep_ == "compound" and _is_place(child, spans):
            return child  # 'the bank's Frankfurt headquarters', 'his Mar-a-Lago estate'
    return None


def _is_place(token: Token, spans: dict[int, CanonicalEntity]) -> bool:
    entity = _entity_at(token, spans)
    return entity is not None and entity.label in _PLACE_LABELS


def _within(place: Token, spans: dict[int, CanonicalEntity]) -> CanonicalEntity | None:
    """The larger place a place is written with: 'Siesta Key in Sarasota County', 'Anchorage, Alaska'."""
    own = spans[place.i].id
    head = place.head if place.dep_ == "compound" else place  # 'his Mar-a-Lago estate in Florida'
    for node in dict.fromkeys((place, head)):
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                target = next((c for c in child.children if c.dep_ == "pobj"), child)
            elif child.dep_ in {"appos", "npadvmod"}:
                target = child
            else:
                continue
            entity = spans.get(target.i)
            if entity is not None and entity.label in _PLACE_LABELS and entity.id != own:
                return entity
    return None


def _verb_of(act: Token) -> Token:
    """The verb that carries the act: itself, or the verb its noun (or adverb) is the object or subject of."""
    node = act
    if node.pos_ in {"ADJ", "VERB"} and node.dep_ == "amod":
        node = node.head  # 'dissenting vote'
    if node.pos_ in {"NOUN", "PROPN", "ADV", "ADJ"} and (node.dep_ in _CARRIERS or node.dep_ == "advmod"):
        return node.head
    return node


def _places(act: Token, verb: Token, spans: dict[int, CanonicalEntity]) -> list[tuple[Token, str]]:
    """The places given to the act, each typed: a 'venue' named after 'at' ('at the Kremlin'), else an
    'area' ('in Moscow', 'near Siesta Key', 'at the bank's Frankfurt headquarters')."""
    found: list[tuple[Token, str]] = []
    objects = [child for child in verb.children if child.dep_ == "dobj"]  # 'met X in Y' is read as X's 'in Y'
    for node in dict.fromkeys((act, verb, *objects)):
        for prep in node.children:
            if prep.dep_ != "prep" or prep.lower_ not in _PLACE_PREPS:
                continue
            target = next((c for c in prep.children if c.dep_ == "pobj"), None)
            place = _resolve_place(target, spans, prep.lower_ == "at") if target is not None else None
            if place is not None and not any(c.dep_ == "conj" for c in place.children):
                found.append((place, VENUE if prep.lower_ == "at" and place is target else AREA))
    return found


def _agent(verb: Token, spans: dict[int, CanonicalEntity]) -> Token | None:
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subject is None or any(c.dep_ == "conj" for c in subject.children) or subject.dep_ == "conj":
        return None  # nobody, or several people: no single agent
    entity = _entity_at(subject, spans)
    return subject if entity is not None and entity.label == "PERSON" else None


def _object(act: Token, verb: Token, spans: dict[int, CanonicalEntity]) -> str:
    """The head of what a verb acts on, when it is a thing rather than a named person ('parliament')."""
    if act.i != verb.i:
        return ""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None or (obj.i in spans and spans[obj.i].label == "PERSON"):
        return ""
    return fold(obj.text)


def _done(verb: Token) -> bool:
    """True when the act's verb reports it done: past tense, and neither an infinitive ('projected to make
    landfall') nor under a hypothetical or tentative word up its head chain ('would meet', 'expected')."""
    if tense(verb.doc[verb.i : verb.i + 1]) >= PRESENT:
        return False
    if verb.tag_ == "VB":
        return False
    words = load_lexicon().language
    node = verb
    for _ in range(8):
        near = [node, *(c for c in node.children if c.dep_ in {"aux", "auxpass", "advmod", "neg"})]
        if any(words.hypothetical.fullmatch(t.text) or words.tentative.fullmatch(t.text) for t in near):
            return False
        if node.head.i == node.i:
            return True
        node = node.head
    return True


def _other(act: Token) -> bool:
    """The act's noun is another occurrence than the one reported ('the next meeting')."""
    words = load_lexicon().language.other_occurrences
    return act.pos_ in {"NOUN", "PROPN"} and any(fold(c.text) in words for c in act.children if c.i < act.i)


def _sole(act: Token, verb: Token) -> bool:
    markers = load_lexicon().language.sole_markers
    nodes = {act, verb, *(c for c in verb.children if c.dep_ in _CARRIERS)}
    return any(fold(c.text) in markers for node in nodes for c in node.subtree if c.i < verb.i + 6)


def act_claims(
    sent: Span,
    entities: Sequence[CanonicalEntity],
    evidence: Evidence,
    mentions: Callable[[Span, Sequence[CanonicalEntity]], list[tuple[Span, CanonicalEntity]]],
) -> list[Claim]:
    """Agent and place claims of the sentence's acts (at most a few per sentence).

    ``mentions`` finds the entities' mentions in the sentence (called only when it names an act)."""
    language = load_lexicon().language
    place_acts, agent_acts, single = language.place_acts, language.agent_acts, language.single_agent_acts
    acts = [token for token in sent if token.lower_ in place_acts or token.lower_ in agent_acts]
    if not acts:
        return []
    found = mentions(sent, entities)
    spans = {token.i: entity for span, entity in found for token in span}
    shown = {token.i: span.text for span, _ in found for token in span}  # a capital is its country's entity
    claims: list[Claim] = []
    for token in acts:
        form, verb = token.lower_, _verb_of(token)
        tensed = "held" if _done(verb) else "planned"
        obj = _object(token, verb, spans)
        fillers: list[tuple[str, str, Token, str]] = []
        if form in place_acts:
            act = place_acts[form]
            fillers += [(act, "place", place, kind) for place, kind in _places(token, verb, spans)]
        agent = _agent(verb, spans) if form in agent_acts else None
        if agent is not None:
            fillers.append((agent_acts[form], "agent", agent, "PERSON"))
        for act, role, filler, kind in fillers:
            entity = spans[filler.i]
            within = _within(filler, spans) if role == "place" else None
            sole = form in single or (role == "agent" and _sole(token, verb))
            name = shown[filler.i].removeprefix("the ") if role == "place" else entity.name
            value = {
                "act": act, "object": obj if role == "agent" else "", "role": role, "entity": entity.id,
                "label": kind, "name": name, "within": within.name if within is not None else None,
                "sole": "1" if sole else "",
            }  # fmt: skip
            what = f"{verb.text} {obj}".strip() if token.i == verb.i and role == "agent" else act
            qualifier = "other" if _other(token) else tensed
            claims.append(
                Claim(
                    kind="act",
                    text=token.text,
                    value=value,
                    subject=what,
                    qualifier=qualifier,
                    evidence=evidence,
                )
            )
        if len(claims) >= _MAX_PER_SENTENCE:
            break
    return claims
