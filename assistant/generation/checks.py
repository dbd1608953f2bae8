"""The verifier: whether a statement is supported by the evidence sentences it cites.

Lexical checks plus the bundled embedding model, no NLI model: every number, date and name must
be in the evidence, negation must agree, the content words must be covered, and the sentence
must be close enough to the evidence in embedding space (MiniLM for English, e5 for the rest).
Thresholds are fitted by benchmarks/quality/claims_report.py on the fit split of the claims set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.config import AssistantConfig, VerifierConfig
from assistant.generation.attachment import detached_facts
from assistant.generation.attribution import misattributed
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import date_facts, facts
from assistant.generation.lists import listed_apart
from assistant.generation.names import missing_names, name_lexicon, names
from assistant.generation.negation import negation_mismatch
from assistant.generation.similarity import similarity
from assistant.generation.swapped import swapped_names
from assistant.generation.together import said_apart
from assistant.retrieval import uses_multilingual
from index import PREFIX_CHARS, StoredIndex, language_of, phonetic_tokens, tokenize


@dataclass(frozen=True)
class Verdict:
    """Whether a statement holds against its evidence, why not, and the measures behind it."""

    supported: bool
    reason: str  # "" when supported
    coverage: float
    similarity: float  # cosine with the evidence; 1.0 where no model can judge (similarity.py)
    hard_failure: bool  # a number, date, name or negation failed: no threshold can rescue it
    same_language: bool  # some evidence is in the statement's language (else: cross-script)
    multilingual: bool = False  # the cosine is multilingual-e5's (Hindi or cross-script)


@dataclass(frozen=True)
class Checker:
    """What checking needs from the index: term weights, the documents' names, the model."""

    idf: dict[str, float]
    lexicon: frozenset[str]
    model_path: str
    thresholds: VerifierConfig
    multilingual: bool = False  # the index holds e5 vectors, so e5 can read Hindi statements
    articles: Mapping[str, str] = field(default_factory=dict)  # text by source: what "she" is

    def check(self, statement: str, evidence: Sequence[EvidenceSentence]) -> Verdict:
        """Check one statement against the union of `evidence` (the sentences it cites)."""
        text = " ".join(sentence.text for sentence in evidence)
        failure = self._hard_failure(statement, evidence, text)
        coverage = self.coverage(statement, text)
        measured = similarity(statement, evidence, self.model_path, self.multilingual)
        similarity_value, by_e5 = measured.cosine, measured.multilingual
        language = language_of(statement)
        same = any(sentence.language == language for sentence in evidence)
        if failure:
            return Verdict(False, failure, coverage, similarity_value, True, same, by_e5)
        needed = self.thresholds.coverage if same else self.thresholds.cross_coverage
        # Across scripts only names and numbers can be covered; e5, which reads both, stands in.
        read_across = not same and by_e5 and similarity_value >= self.thresholds.cross_rescue
        # Not one content word in common: whatever the threshold, that is not support.
        if (coverage < needed and not read_across) or coverage == 0.0:
            return Verdict(
                False, f"its words are not in the evidence (coverage {coverage:.2f})",
                coverage, similarity_value, False, same, by_e5,
            )  # fmt: skip
        bar = self.thresholds.multilingual_similarity if by_e5 else self.thresholds.similarity
        if similarity_value < bar:
            return Verdict(
                False,
                f"it says something else than the evidence (similarity {similarity_value:.2f})",
                coverage, similarity_value, False, same, by_e5,
            )  # fmt: skip
        return Verdict(True, "", coverage, similarity_value, False, same, by_e5)

    def _hard_failure(self, statement: str, evidence: Sequence[EvidenceSentence], text: str) -> str:
        known = facts(text).union(*(date_facts(sentence.date) for sentence in evidence))
        # "34%" is supported by an evidence "34" (a table, "34 in 100"), not the reverse.
        unknown = sorted(f for f in facts(statement) - known if f.rstrip("%") not in known)
        if unknown:
            return "a number or date is not in the evidence: " + ", ".join(unknown)
        detached = detached_facts(statement, evidence)
        if detached:
            return "a number or date is said of something else in the evidence: " + ", ".join(
                detached
            )
        absent = missing_names(names(statement, self.lexicon), text, statement)
        swapped = swapped_names(statement, evidence, self.lexicon, self.articles)
        absent += [w for w in swapped if w not in absent]
        if absent:
            return "a name is not in the evidence: " + ", ".join(absent)
        apart = said_apart(statement, evidence, self.lexicon)
        if apart:
            return "no one evidence sentence says these together: " + ", ".join(apart)
        listed = listed_apart(statement, evidence, self.lexicon)
        if listed:
            return "no evidence sentence names these together: " + ", ".join(listed)
        elsewhere = misattributed(statement, evidence, self.lexicon, self.articles)
        if elsewhere:
            return "a name or number is not in the sentence that says this: " + ", ".join(elsewhere)
        return negation_mismatch(statement, evidence, self.coverage)

    def coverage(self, statement: str, evidence_text: str) -> float:
        """IDF-weighted share of the statement's words found in the evidence (any script).

        Across scripts only names and numbers can match, through their phonetic tokens.
        """
        words = tokenize(statement)
        present = _with_near_matches(words, set(tokenize(evidence_text)))
        sounds = set(phonetic_tokens(evidence_text))
        unseen = max(self.idf.values(), default=1.0)
        total = found = 0.0
        for word, sound in zip(words, map(_whole_sound, words), strict=True):
            weight = self.idf.get(word, unseen)
            total += weight
            found += weight if word in present or (sound and sound in sounds) else 0.0
        return found / total if total else 0.0

    def relevance(self, statement: str, sentence: str) -> float:
        """How much a sentence is about the statement: shared words, sounds (names) and facts."""
        sounds = set(phonetic_tokens(statement))
        shared_sounds = len(sounds & set(phonetic_tokens(sentence))) / len(sounds) if sounds else 0
        claimed = facts(statement)
        shared_facts = len(claimed & facts(sentence)) / len(claimed) if claimed else 0.0
        return self.coverage(statement, sentence) + shared_sounds + shared_facts


def _whole_sound(word: str) -> str:
    whole = [token for token in phonetic_tokens(word) if token.startswith("=")]
    return whole[0] if whole else ""


def _with_near_matches(words: list[str], tokens: set[str]) -> set[str]:
    # The stemmer leaves "leads" and "leader" apart; their first letters join them (answering.py).
    heads = {token[:PREFIX_CHARS] for token in tokens if len(token) >= PREFIX_CHARS}
    return tokens | {w for w in words if len(w) >= PREFIX_CHARS and w[:PREFIX_CHARS] in heads}


_CHECKERS: dict[int, tuple[object, Checker]] = {}


def checker_for(index: StoredIndex, config: AssistantConfig) -> Checker:
    """The checker for one loaded index generation, built once (the name lexicon reads all text)."""
    cached = _CHECKERS.get(id(index))
    if cached is None or cached[0] is not index or cached[1].thresholds != config.verifier:
        lexicon = name_lexicon(document.text for document in index.documents.values())
        articles = {source: document.text for source, document in index.documents.items()}
        checker = Checker(
            index.idf, lexicon, config.index.model_path, config.verifier,
            uses_multilingual(index), articles,
        )  # fmt: skip
        _CHECKERS.clear()  # one live generation at a time: drop the previous one's
        _CHECKERS[id(index)] = (index, checker)
        return checker
    return cached[1]
