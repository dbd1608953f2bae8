"""Answer questions about an indexed folder with checkable citations, converse, and evaluate."""

from assistant.answers import REFUSAL, Answer, Citation, QuestionError
from assistant.assistant import Assistant, Passage
from assistant.config import AssistantConfig, assistant_config_from_env

__all__ = [
    "REFUSAL",
    "Answer",
    "Assistant",
    "AssistantConfig",
    "Citation",
    "Passage",
    "QuestionError",
    "assistant_config_from_env",
]
