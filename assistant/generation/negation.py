"""Whether a statement and the evidence clause it restates agree on negation, both ways.

The negation that counts is the one in the clause the statement restates: "won 23 seats ... but
is not okay with" does not negate the winning. That clause is the one sharing most of the
statement's words; where none shares a word (across scripts) the whole evidence is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.generation.attachment import negation_about
from assistant.generation.common_words import ENGLISH_FUNCTION_WORDS
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import negated, negators
from index import language_of

_CLAUSES = re.compile(r"[;:]|,\s|\s(?:but|while|whereas|although)\s|\s(?:लेकिन|परंतु|जबकि|वहीं)\s")


def negation_mismatch(
    statement: str,
    evidence: Sequence[EvidenceSentence],
    coverage: Callable[[str, str], float],
) -> str:
    """Why the statement's negation disagrees with its evidence's, or "" when they agree."""
    clauses = [(part, s.text) for s in evidence for part in _CLAUSES.split(s.text)]
    anchor, restated = max(clauses, key=lambda clause: coverage(statement, clause[0]))
    if coverage(statement, anchor) == 0.0:
        anchor = " ".join(s.text for s in evidence)  # nothing to pick a clause by
    # In the statement's language, a negator counts only if it bears on the statement's words:
    # "but is not okay with the claims, citing ... 2 out of 403 MLA seats" does not negate the
    # seats. Across scripts no words can be compared: any negator counts.
    same = language_of(anchor) == language_of(statement)
    anchor_negated = negation_about(statement, anchor) if same else negated(anchor)
    # A negated English statement may restate another clause of that sentence than the one its
    # names pick ("would not put its cadres to work ... the way it had done in Gorakhpur"): what
    # follows its negator must be negated there. (Hindi's नहीं follows what it negates, so no
    # part of a Hindi statement can be told from the rest.)
    if same and negated(statement) and not anchor_negated and language_of(statement) == "en":
        negated_part = _negated_part(statement)
        anchor_negated = any(
            negation_about(negated_part, part) for part, sentence in clauses if sentence == restated
        )
    if negated(statement) == anchor_negated:
        return ""
    if negated(statement):
        return "it negates what the evidence says"
    return "the evidence says the opposite (a negation)"


def _negated_part(statement: str) -> str:
    """The statement's words after its first negator, without function words ("not", "any")."""
    after = statement[min(start for start, _ in negators(statement)) :]
    return " ".join(w for w in re.findall(r"\w+", after) if w.lower() not in ENGLISH_FUNCTION_WORDS)
