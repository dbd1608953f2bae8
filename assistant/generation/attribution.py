"""Whether each name and number of a statement is in the evidence sentence that says its content.

"The BSP expelled Om Prakash Rajbhar" is not supported by "the BSP said it had expelled Imran
Masood" together with a sentence that merely mentions Om Prakash Rajbhar: every name is in the
set, but the sentence carrying the claim's content names someone else. A careful checker looks
for each name in that content sentence (the one holding most of the claim's content words); in
what its article said before it when it refers back ("She said...", "उन्होंने कहा...") or names
no one; or in another sentence carrying a part of the content the first lacks (claims join two).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.generation.attachment import WINDOW, content_words, context
from assistant.generation.evidence import EvidenceSentence
from assistant.generation.facts import date_facts, fact_spans, facts
from assistant.generation.names import missing_names, names
from index import PREFIX_CHARS, language_of

# Pronouns and bare subjects ("The BSP chief") that refer back to someone named before. A
# person's title may take a name before it ("The BSP chief" is Mayawati); a party or alliance
# with a capitalised word before it is named there ("The INDIA alliance"), not referred to, and
# so is what "the leader of ..." or "the party led by ..." speaks of.
REFERS_BACK = re.compile(
    r"\b(?:he|she|they|his|her|their|them|him|its|it|the\s+(?:[a-z]+\s+)?(?:leader|chief|"
    r"minister|former|latter|spokesperson)|the\s+(?:(?-i:[a-z]+)\s+)?(?:party|alliance|"
    r"government|outfit|organi[sz]ation|group))\b(?!\s+(?:of|led\s+by|headed\s+by)\b)"
    r"|(?<![\u0900-\u097f])(?:उन्होंने|उन्हें|उनका|उनकी|उनके|उनको|उसने|उसे|उसका|उसकी|उसके|उन्हीं|"
    r"इन्होंने|इन्हें|वह|वे|वो|पार्टी|दल|नेता|गठबंधन)(?![\u0900-\u097f])",
    re.IGNORECASE,
)
SPAN_WORDS = 2  # content words another sentence must add for the claim to span both


def misattributed(
    statement: str,
    evidence: Sequence[EvidenceSentence],
    lexicon: frozenset[str],
    articles: Mapping[str, str],
) -> list[str]:
    """The statement's names that no sentence saying its content (or referred back to) holds."""
    claimed = list(dict.fromkeys(names(statement, lexicon)))
    language = language_of(statement)
    own = [i for i, sentence in enumerate(evidence) if sentence.language == language]
    if len(evidence) < 2 or not (claimed or facts(statement)) or not own:
        return []  # one sentence: the name and number checks already ask it for every one
    name_words = set(content_words(" ".join(claimed)))
    words = [w for w in dict.fromkeys(content_words(statement)) if w not in name_words]
    covered = {i: _covered(words, evidence[i].text) for i in own}
    main = max(own, key=lambda i: len(covered[i]))
    if not covered[main]:
        return []  # no sentence shares its content words: nothing to attribute by
    # Another script's sentences may carry any part: their words cannot be compared.
    carriers = [s for i, s in enumerate(evidence) if i not in own] + [evidence[main]]
    helpers = [evidence[i] for i in own if len(covered[i] - covered[main]) >= SPAN_WORDS]
    texts = [sentence.text for sentence in carriers]
    content = evidence[main]
    misplaced = _misplaced_facts(statement, evidence, content, name_words)
    # A sentence naming no one continues the one before it ("Votes will be counted on June 4").
    if REFERS_BACK.search(content.text) or not names(content.text, lexicon):
        # "She said": whom the article named before it, which the set may not quote (the
        # sentence just before, or the one that opened "The BSP chief ... she ... she").
        texts += [content.title, articles.get(content.source, "")[: content.start]]
        texts += [s.text for s in evidence if s.source == content.source and s.end <= content.start]
    missing = missing_names(claimed, " ".join(texts), statement)
    main_words = set(content_words(content.text))
    return [
        name
        for name in missing
        if not any(_helps(statement, name, helper, name_words | main_words) for helper in helpers)
    ] + misplaced


def _helps(statement: str, name: str, helper: EvidenceSentence, known: set[str]) -> bool:
    """Whether a sentence adding to the content holds the name with the words next to it.

    "Owaisi and Patel held a meeting in Lucknow" takes no Lucknow from "a joint press conference
    in Lucknow ... the alliance was announced" beside "Owaisi and Patel met in Hyderabad".
    """
    if missing_names([name], helper.text, statement):
        return False
    place = statement.find(name)
    before = content_words(statement[:place])[-WINDOW:] if place >= 0 else []
    after = content_words(statement[place + len(name) :])[:WINDOW] if place >= 0 else []
    return bool((set(before + after) - known) & set(content_words(helper.text)))


def _covered(words: list[str], sentence: str) -> set[str]:
    """The words the sentence holds, stems or their first letters ("leads", "leader")."""
    tokens = set(content_words(sentence))
    heads = {token[:PREFIX_CHARS] for token in tokens if len(token) >= PREFIX_CHARS}
    return {
        w for w in words if w in tokens or (len(w) >= PREFIX_CHARS and w[:PREFIX_CHARS] in heads)
    }


def _misplaced_facts(
    statement: str,
    evidence: Sequence[EvidenceSentence],
    content: EvidenceSentence,
    name_words: set[str],
) -> list[str]:
    """Numbers and dates of the statement held neither by the content sentence nor by a helper.

    A helper is a sentence adding words that stand around the number in the statement.
    "Concentrate on the 2024 Lok Sabha polls" takes no 2024 from "go it solo in the 2024 Lok
    Sabha elections" beside "concentrate on the 2019 Lok Sabha polls"; "counted on June 4,
    after polling in seven phases" takes its 4 from the sentence that adds "counted". Another
    script's sentence, whose words cannot be compared, holds one only in the content sentence's
    article: "4 महीने पहले" takes no 4 from "Votes will be counted on June 4".
    """
    language = language_of(statement)
    main_words = set(content_words(content.text))
    misplaced = []
    for fact, start, end in fact_spans(statement):
        around = set(context(statement, start, end)) - name_words - main_words
        holders = [
            s
            for s in evidence
            if s is content
            or (s.language != language and s.source == content.source)
            or (s.language == language and around & set(content_words(s.text)))
        ]
        known = set().union(*(facts(s.text) | date_facts(s.date) for s in holders))
        if fact not in known and fact.rstrip("%") not in known and fact not in misplaced:
            misplaced.append(fact)
    return misplaced
