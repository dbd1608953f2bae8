"""Whether what a statement says together, the evidence also says together, in one sentence.

Checked against a set of evidence sentences, every number, date and name of "Akhilesh Yadav on
August 30 ruled out an alliance" can be somewhere in the set (the date in one sentence, the name
in another) while no sentence says it. A careful reader asks of each clause that its facts and
names meet in one sentence: two of them from the same clause of the statement must both be held
by some one sentence. Values and sounds are compared, so this holds across scripts too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from assistant.generation.attachment import PAIR_REACH, content_words
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import date_facts, fact_spans, facts
from assistant.generation.names import missing_names, names

# A sentence opening with a pronoun subject, within its first three words ("Taking to X, she").
_PRONOUN_OPENING = re.compile(
    r"^\W*(?:\S+\s+){0,3}?(?:he|she|they|उन्होंने|उन्होने|उसने|वह|वे)(?![\w\u0900-\u097f])",
    re.IGNORECASE,
)
ADJACENT_GAP = 3  # characters between two sentences next to each other: spaces, a line break
# Clauses of the statement: what is joined by "and" or a comma may come from two sentences.
_CLAUSES = re.compile(r"[;:]|,\s|\s(?:and|but|while|whereas|although|और|तथा|लेकिन|परंतु|जबकि|वहीं)\s")


def said_apart(
    statement: str, evidence: Sequence[EvidenceSentence], lexicon: frozenset[str]
) -> list[str]:
    """A fact and a name or fact said next to it that no single evidence sentence holds both of.

    Next to: in one clause, a few content words apart (attachment.PAIR_REACH). A sentence that
    holds the fact but names no one has its subject elided ("Votes will be counted on June 4",
    after a sentence on Uttar Pradesh): the name is not contradicted there.
    """
    if len(evidence) < 2:
        return []  # one sentence holds all that the other checks found in it
    held_facts = [facts(s.text) | date_facts(s.date) for s in evidence]
    # "She said ... in the 2024 Lok Sabha" says what the sentence before it names.
    named = [s.text + " " + _referred(s, evidence) for s in evidence]
    naming = {i for i, sentence in enumerate(evidence) if names(sentence.text, lexicon)}
    for clause in _CLAUSES.split(statement):
        items = [(start, end, fact, True) for fact, start, end in fact_spans(clause)]
        for name in dict.fromkeys(names(clause, lexicon)):
            start = clause.find(name)
            items += [(start, start + len(name), name, False)] if start >= 0 else []
        items.sort()
        holders = [_holders(item, clause, named, held_facts) for _, _, item, _ in items]
        for first, second in itertools.combinations(range(len(items)), 2):
            (_, end, one, one_fact), (start, _, other, other_fact) = items[first], items[second]
            fact_side = second if other_fact else first
            if not (one_fact or other_fact) or len(content_words(clause[end:start])) > PAIR_REACH:
                continue
            if not holders[first] or not holders[second] or holders[first] & holders[second]:
                continue
            if holders[fact_side] & naming:
                return [one, other]
    return []


def _holders(item: str, clause: str, named: list[str], held_facts: list[set[str]]) -> set[int]:
    """The evidence sentences that hold a fact (its value) or a name (as missing_names finds)."""
    as_fact = {
        i for i, known in enumerate(held_facts) if item in known or item.rstrip("%") in known
    }
    if as_fact:
        return as_fact
    return {i for i, text in enumerate(named) if not missing_names([item], text, clause)}


def _referred(sentence: EvidenceSentence, evidence: Sequence[EvidenceSentence]) -> str:
    """The evidence sentence just before one whose subject is a pronoun ("She said"), if any.

    Only a pronoun opening the sentence, and only the sentence right before it: "the leader of
    Apna Dal" names its own subject, and an article's opening line is no one's antecedent.
    """
    if not _PRONOUN_OPENING.match(sentence.text):
        return ""
    before = [
        s
        for s in evidence
        if s.source == sentence.source and 0 <= sentence.start - s.end <= ADJACENT_GAP
    ]
    return before[0].text if before else ""
