"""Whether a number, date or negation is attached to what the evidence attaches it to.

"Votes will be counted on June 1" is not supported by "from April 19 to June 1. Votes will be
counted on June 4" although June 1 is in the evidence: the words around a fact must meet the
words around the same fact in some evidence sentence of the statement's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import fact_spans, negators
from index import PREFIX_CHARS, language_of, tokenize

_CLAUSE_BREAK = re.compile(r"[,;:।()]|\s(?:and|but|while|और|लेकिन)\s")
WINDOW = 2  # content words on each side of a fact: its noun or verb; wider windows reach across
PAIR_REACH = 3  # content words between two facts that are said together ("5 seats in 2009")
NEGATION_REACH = 5  # content words after "not": "not okay with the grand old party's claims"


def detached_facts(statement: str, evidence: Sequence[EvidenceSentence]) -> list[str]:
    """The statement's facts that the evidence holds only next to other words."""
    language = language_of(statement)
    detached = []
    for fact, start, end in fact_spans(statement):
        around = context(statement, start, end)
        if not around or fact in detached:
            continue  # a bare number ("34%") has nothing to attach
        places = [
            (sentence.language, context(sentence.text, place_start, place_end))
            for sentence in evidence
            for place_fact, place_start, place_end in fact_spans(sentence.text)
            if place_fact.rstrip("%") == fact.rstrip("%")
        ]
        # Another script, or a fact only the article's date gives: no words to compare.
        if not places or any(place_language != language for place_language, _ in places):
            continue
        if not any(not place or _meet(around, place) for _, place in places):
            detached.append(fact)
    return detached + [fact for fact in _unpaired(statement, evidence) if fact not in detached]


def _unpaired(statement: str, evidence: Sequence[EvidenceSentence]) -> list[str]:
    """Facts that the evidence pairs with other facts than the statement does.

    "The SP won 5 seats in 2009" against "won 23 seats in 2009, 5 in 2019": every fact is in the
    evidence and near the same words, but its 5 goes with 2019. Facts go together when a chain of
    neighbours joins them in one clause, in either order: "the 12 seats where it finished second
    in 2009" pairs as "second on around 12 seats in 2009" does. Same language only.
    """
    language = language_of(statement)
    claimed = _partners(statement)
    given: dict[str, set[str]] = {}
    for sentence in evidence:
        if sentence.language == language:
            for fact, partners in _partners(sentence.text).items():
                given.setdefault(fact, set()).update(partners)
    return [
        fact
        for fact, partners in claimed.items()
        if partners and given.get(fact) and not (partners & given[fact])
    ]


def _partners(text: str) -> dict[str, set[str]]:
    """Each fact of `text` with the other facts of its chain: neighbours a few words apart."""
    spans = fact_spans(text)
    chains: list[list[str]] = [[fact] for fact, _, _ in spans[:1]]
    for (_, _, end), (after, start, _) in zip(spans, spans[1:], strict=False):
        between = text[end:start]
        if not _CLAUSE_BREAK.search(between) and len(content_words(between)) <= PAIR_REACH:
            chains[-1].append(after)
        else:
            chains.append([after])
    partners: dict[str, set[str]] = {}
    for chain in chains:
        for fact in chain:
            partners.setdefault(fact, set()).update(other for other in chain if other != fact)
    return partners


def negation_about(statement: str, clause: str) -> bool:
    """Whether `clause` negates something the statement speaks of (same language only).

    English negates what follows ("is not okay with the party's claims"); Hindi puts नहीं
    before the verb but after its object ("सूची रद्द नहीं की"), so both sides count there.
    """
    words = content_words(statement)
    for start, end in negators(clause):
        after = content_words(clause[end:])[:NEGATION_REACH]
        before = content_words(clause[:start])[-WINDOW:] if language_of(clause) == "hi" else []
        if _meet(words, before + after):
            return True
    return False


def context(text: str, start: int, end: int) -> list[str]:
    """The content words around a fact: two on each side, or all of one side at an end."""
    # Other facts are not context: "June" next to "1" says nothing about what happened on it.
    masked = list(text)
    for _, fact_start, fact_end in fact_spans(text):
        masked[fact_start:fact_end] = " " * (fact_end - fact_start)
    plain = "".join(masked)
    before, after = content_words(plain[:start]), content_words(plain[end:])
    # A fact put first or last ("On March 23, the party withdrew..."; "... ruled it out on
    # August 30") is about the whole sentence, not its nearest words.
    if not before or not after:
        return before + after
    return before[-WINDOW:] + after[:WINDOW]


def content_words(text: str) -> list[str]:
    """The text's stemmed content words, without numbers (a lone letter is the rest of "'s")."""
    return [t for t in tokenize(text) if len(t) > 1 and not t.startswith("^") and not t.isdigit()]


def _meet(words: list[str], others: list[str]) -> bool:
    if set(words) & set(others):
        return True
    heads = {word[:PREFIX_CHARS] for word in others if len(word) >= PREFIX_CHARS}
    # Same language only (detached_facts): sounds would join "state" and "seat".
    return any(len(word) >= PREFIX_CHARS and word[:PREFIX_CHARS] in heads for word in words)
