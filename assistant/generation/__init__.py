"""Optional generated answers: an LLM writes from numbered evidence, a verifier keeps what it cites.

Data flow: evidence (numbered sentences) -> prompt -> generating (bounded stream) -> verifying
(each sentence against what it cites) -> composing (the Answer with exact quotes). The same checks
power the claim checker (`claims.py`) behind `assistant check`.
"""
