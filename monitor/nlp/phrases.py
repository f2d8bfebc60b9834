"""What a value measures: subject and qualifier phrases read from the parse.

For a value at tokens ``[start, end)`` of a sentence:

* attached to a noun ("the first formal summit in Seoul ... in a dozen
  years", "a five-year gap"), the subject is that noun's phrase, cut short of
  the value itself; a "first/last ... in N years" or a gap noun means the
  value counts time *since* the last such event;
* attached to a verb ("has tested around 100 missiles since ..."), the subject
  is "<subject> <verb> <object>";
* the qualifier is the preposition that introduces the value ("since", "for",
  "in", "before") or the gap reading, plus modality words of the clause
  ("proposed", "planned", "agreed", ...), so a later stage can tell
  "since the last summit" from "since any visit" and "proposed" from "agreed".
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

GAP_NOUNS = frozenset({"gap", "hiatus", "absence", "break", "pause", "lull", "interval"})
_ORDINAL_MARKS = frozenset({"first", "last", "only", "latest", "longest", "biggest", "largest", "highest"})
_DROP_EDGE = frozenset({"DET", "PUNCT", "CCONJ", "ADP", "PART", "SCONJ"})
_MODALITY = {
    "proposed": "proposed", "proposes": "proposed", "propose": "proposed", "proposal": "proposed",
    "agreed": "agreed", "agree": "agreed", "agrees": "agreed", "agreeing": "agreed",
    "planned": "planned", "plans": "planned", "plan": "planned", "scheduled": "planned",
    "expected": "expected", "expect": "expected", "expects": "expected",
    "reportedly": "reported", "reported": "reported", "alleged": "alleged", "allegedly": "alleged",
    "estimated": "estimated", "pledged": "pledged", "pledge": "pledged", "promised": "pledged",
    "considering": "considered", "considered": "considered", "demanded": "demanded",
    "threatened": "threatened", "could": "possible", "may": "possible", "might": "possible",
}  # fmt: skip
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "going"})
_PLAN_VERBS = frozenset({"plan", "plans", "planned", "expected", "scheduled", "due", "set", "aim", "aims"})
_REPORTING = frozenset({"says", "say", "tells", "tell", "announces", "reports", "states", "adds", "claims"})
_PAST_PREPS = frozenset({"since", "ago", "earlier", "previously", "last", "former"})
_FUTURE_WORDS = frozenset({"will", "'ll", "upcoming", "next", "scheduled", "planned", "expected", "due"})


def _text(doc: Doc, first: int, last: int, limit: int = 10, anchor_left: bool = True) -> str:
    """Text of tokens [first, last), trimmed of edge determiners/punctuation and at most ``limit`` long."""
    while first < last and doc[first].pos_ in _DROP_EDGE | {"PRON"} and doc[first].lower_ != "first":
        first += 1
    while last > first and doc[last - 1].pos_ in _DROP_EDGE:
        last -= 1
    if last - first > limit:
        first, last = (first, first + limit) if anchor_left else (last - limit, last)
        while last > first and doc[last - 1].pos_ in _DROP_EDGE:
            last -= 1
    return doc[first:last].text if last > first else ""


def noun_phrase(token: Token, start: int, end: int, limit: int = 10) -> str:
    """The phrase headed by ``token``, without the value at [start, end), at most ``limit`` tokens."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i + 1
    if left < end and start < right:  # the value sits inside the phrase: keep the side with the head
        if token.i < start:
            right = start
        else:
            left = end
    left = max(left, token.i - limit + 1)
    right = min(right, max(token.i + 1, left + limit))
    return _text(doc, left, right, limit)


def _child(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def verb_phrase(verb: Token, start: int, end: int) -> str:
    """Subject, verb and object around ``verb``, each part short."""
    subj = _child(verb, {"nsubj", "nsubjpass"})
    obj = _child(verb, {"dobj", "attr", "oprd"})
    parts = [noun_phrase(subj, start, end, 5) if subj is not None else ""]
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < verb.i]
    parts.append(" ".join([*(a.text for a in auxes), verb.text]))
    if obj is not None and not (start <= obj.i < end):
        parts.append(noun_phrase(obj, start, end, 6))
    return " ".join(p for p in parts if p)


def modality(span: Span) -> str:
    """Modality words governing ``span`` ("proposed", "agreed", "planned", ...).

    Read from the value's head chain up to the sentence root, their auxiliaries
    and modifiers (so "proposed tariffs" and "agreed to a 15 percent tariff"
    count, a "plan" elsewhere in the sentence does not).
    """
    found: list[str] = []
    node: Token = span.root
    for _ in range(10):
        words = [node, *(c for c in node.children if c.dep_ in {"aux", "amod", "advmod", "acomp", "xcomp"})]
        for word in words:
            if word.lower_ in _MODALITY and word.pos_ != "NOUN":
                found.append(_MODALITY[word.lower_])
        if node.head.i == node.i:
            break
        node = node.head
    return ", ".join(dict.fromkeys(found))


def describe(span: Span) -> tuple[str, str]:
    """(subject, qualifier) for the value in ``span``."""
    root = span.root
    start, end = span.start, span.end
    qualifier = ""
    attach = root.head
    if root.dep_ == "pobj" and root.head.dep_ in {"prep", "agent"}:
        qualifier = root.head.lower_
        attach = root.head.head
    elif root.dep_ in {"npadvmod", "advmod"} and attach.pos_ in {"ADV", "ADJ"}:
        attach = attach.head
    if attach.i == root.i:
        return "", qualifier
    if attach.pos_ in {"NOUN", "PROPN", "NUM"}:
        subject = noun_phrase(attach, start, end)
        marks = {c.lower_ for c in attach.children}
        if attach.lower_ in GAP_NOUNS or (qualifier in {"in", "for"} and marks & _ORDINAL_MARKS):
            qualifier = "since"
            if attach.lower_ in GAP_NOUNS and attach.right_edge.i == attach.i:
                clause = next((c for c in attach.head.children if c.dep_ == "advcl" and c.i > attach.i), None)
                if clause is not None:
                    tail = span.doc[attach.i + 1 : min(clause.right_edge.i + 1, attach.i + 13)].text
                    subject = f"{subject} {tail}"
        return subject, qualifier
    if attach.pos_ in {"VERB", "AUX"}:
        return verb_phrase(attach, start, end), qualifier
    return noun_phrase(attach, start, end), qualifier


PAST, UNKNOWN, PRESENT, FUTURE = -1, 0, 1, 2


def tense(span: Span) -> int:
    """When the clause of ``span`` happens: PAST, PRESENT (often the near future), FUTURE or UNKNOWN."""
    node: Token = span.root
    for _ in range(8):
        if node.lower_ in _PAST_PREPS:
            return PAST
        if node.pos_ in {"VERB", "AUX"}:
            auxes = {c.lower_ for c in node.children if c.dep_ in {"aux", "auxpass"}}
            if auxes & _FUTURE_AUX or node.lower_ in _PLAN_VERBS:
                return FUTURE
            if node.tag_ == "VBD" or node.lower_ in _REPORTING:
                return PAST
            if node.tag_ == "VBN" and auxes & {"has", "have", "had", "was", "were"}:
                return PAST
            if node.tag_ == "VBN" and not auxes and node.dep_ in {"acl", "amod", "advcl"}:
                return PAST  # "the deal, signed on Sept. 5"
            if node.tag_ in {"VBZ", "VBP"} or (node.tag_ == "VBG" and auxes & {"is", "are", "am"}):
                return PRESENT
        if node.head.i == node.i:
            break
        node = node.head
    return FUTURE if any(t.lower_ in _FUTURE_WORDS for t in span.sent) else UNKNOWN


_UNIT_HEADS = frozenset({"%", "cent", "percent", "pct", "point", "points", "billion", "million", "trillion"})
_MODIFIER_DEPS = frozenset({"nummod", "compound", "amod", "quantmod", "nmod"})
_VALUE_DEPS = frozenset({"dobj", "attr", "npadvmod", "oprd"})


def measured_head(span: Span) -> str:
    """The lemma of the word a value measures, read from the parse: the noun it modifies ('a 27% duty',
    '733 voting deputies', with what it is 'of': '10 gallons of fuel'), the noun set beside its unit
    ('26 per cent "reciprocal tariff"'), the noun it is 'of' ('a fund of €491 billion'), or the verb it is
    the amount of ('they charge us 52%'). Empty when the parse does not say (the value is a verb's subject:
    '207 had expressed confidence')."""
    token: Token = span.root
    for _ in range(3):
        appos = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
        if appos is not None and token.lower_ in _UNIT_HEADS:
            return _lemma(appos)
        head = token.head
        if head.i == token.i:
            return ""
        if token.dep_ in _MODIFIER_DEPS and head.pos_ in {"NOUN", "PROPN"}:
            if head.lower_ in _UNIT_HEADS:
                token = head
                continue
            return _with_stuff(head) if head.pos_ == "NOUN" else ""
        if token.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
            return _lemma(head.head)
        if token.dep_ in _VALUE_DEPS and head.pos_ == "VERB":
            return _lemma(head)
        return ""
    return ""


def _with_stuff(noun: Token) -> str:
    """A counted noun with the stuff it is 'of' ('gallon of diesel', 'barrel of oil'): a unit of measure
    says what is measured only with its stuff."""
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    stuff = next((c for c in of.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) if of else None
    return f"{_lemma(noun)} of {_lemma(stuff)}" if stuff is not None else _lemma(noun)


def _lemma(token: Token) -> str:
    """The token's lemma; without a lemmatizer in the pipeline, a plural noun or third-person verb made
    singular ('deputies' -> 'deputy', 'charges' -> 'charge')."""
    if token.lemma_:
        return token.lemma_.casefold()
    word = token.lower_
    if token.tag_ not in {"NNS", "VBZ"} or len(word) < 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
