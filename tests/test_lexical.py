"""The numpy BM25 build scores exactly as bm25s' own index does, for any documents and queries."""

from __future__ import annotations

import bm25s
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from index.lexical.bm25 import BM25_B, BM25_K1, bag, bm25_from_bags, lexical_index
from index.text.tokenizing import tokenize

_TOKENS = st.lists(st.sampled_from("ab bc cd de ef fg gh नम ^नम x".split()), max_size=30)


@settings(max_examples=60, deadline=None)
# bm25s itself fails when no document has a token, so the reference needs one somewhere.
@given(
    st.lists(_TOKENS, min_size=1, max_size=12).filter(any),
    st.lists(_TOKENS.filter(bool), max_size=5),
)
def test_scores_match_bm25s(documents: list[list[str]], queries: list[list[str]]) -> None:
    reference = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    reference.index(documents, show_progress=False)
    built, frequency = bm25_from_bags([bag(tokens) for tokens in documents])
    assert set(built.vocab_dict) == set(reference.vocab_dict)
    assert frequency == {t: sum(t in d for d in documents) for d in documents for t in d}
    for query in queries:
        expected = reference.get_scores(query)
        assert np.allclose(built.get_scores(query), expected, rtol=1e-5, atol=1e-6)


def test_a_second_build_over_the_same_texts_gives_the_same_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    texts = ["The monsoon reached Kerala.", "मानसून केरल पहुंचा।", "Budget for schools."]
    first, phonetic, idf = lexical_index(texts)
    again, phonetic_again, idf_again = lexical_index(texts[::-1][::-1])
    assert idf == idf_again
    query = tokenize("monsoon Kerala")
    assert np.array_equal(first.get_scores(query), again.get_scores(query))
    first.save(str(tmp_path / "bm25"))
    loaded = bm25s.BM25.load(str(tmp_path / "bm25"), allow_pickle=False)
    assert np.array_equal(loaded.get_scores(query), first.get_scores(query))
    assert loaded.get_scores(query).argmax() == 0
