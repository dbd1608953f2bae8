"""The Chat tab: one Conversation per browser session, [n] links to cards, each answer's sources."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import gradio as gr

from assistant import Assistant
from assistant.config import MODES
from ui.chat_turns import PASTE_CHARS, ChatState, respond, restore
from ui.rendering import EMPTY_SOURCES, SOURCES_CSS, sources_panel

EXAMPLES = [
    "Why did Mayawati rule out an alliance with the NDA and INDIA?",
    "How many seats will the SP contest in Uttar Pradesh?",
    "मायावती ने पदाधिकारियों को किस चुनाव को लेकर निर्देश दिए?",
]
# Passes at most PASTE_CHARS of the question on; the other inputs go through untouched.
CAP_QUESTION_JS = (
    f"(q, ...rest) => [q && q.length > {PASTE_CHARS} ? q.slice(0, {PASTE_CHARS}) : q, ...rest]"
)


def build_chat_tab(app: gr.Blocks, assistant: Assistant) -> None:
    """The chat, examples, retrieval settings and the sources panel, inside the current tab."""
    state = gr.State(ChatState())
    saved = gr.BrowserState([], storage_key="doc-assistant-questions")
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = _chatbot()
            question = gr.Textbox(
                label="Question", placeholder="Ask about your documents", submit_btn=True
            )
            gr.Examples(EXAMPLES, inputs=question, label="Example questions")
            with gr.Accordion("Retrieval settings", open=False):
                top_k = gr.Slider(
                    1, 20, value=assistant.config.top_k, step=1, label="Passages (top-k)"
                )
                mode = gr.Radio(list(MODES), value=assistant.config.mode, label="Mode")
        with gr.Column(scale=2):
            gr.Markdown("### Sources")
            sources = gr.HTML(
                EMPTY_SOURCES, css_template=SOURCES_CSS, js_on_load=None, elem_id="sources"
            )

    async def ask(
        question_text: Any, top_k_value: Any, mode_value: Any, current: ChatState
    ) -> AsyncIterator[tuple]:
        # The components' own checks and conversions, run here in the answer's thread: Gradio
        # would run each in a thread hop of its own, nine per answer, and under load those hops
        # (not the answering) held the interpreter lock most (README, "Concurrent users").
        text = question.preprocess(question_text) or ""
        chosen_k, chosen_mode = top_k.preprocess(top_k_value), mode.preprocess(mode_value)
        async for update in respond(assistant, text, current, chosen_k, str(chosen_mode)):
            yield (
                chatbot.postprocess(cast(list[Any], update.state.messages)).model_dump(),
                # Not gr.skip(): for a skipped output Gradio builds a new component per event.
                sources_panel(current.turns, -1) if update.sources is None else update.sources,
                gr.skip() if update.box is None else update.box,
                update.state,
                update.state.questions,
            )

    question.submit(
        ask,
        inputs=[question, top_k, mode, state],
        outputs=[chatbot, sources, question, state, saved],
        js=CAP_QUESTION_JS,
        api_name="ask",
        preprocess=False,
        postprocess=False,
    )

    def select(current: ChatState, event: gr.SelectData) -> str:
        # The n-th assistant message is the n-th turn; a user message shows the answer after it.
        index = event.index if isinstance(event.index, int) else event.index[0]
        turn = sum(m["role"] == "assistant" for m in current.messages[:index])
        if current.messages[index]["role"] == "user":
            turn = min(turn, len(current.turns) - 1)
        return sources_panel(current.turns, turn) if current.turns else EMPTY_SOURCES

    chatbot.select(select, inputs=state, outputs=sources, api_visibility="private")

    async def clear() -> tuple:
        # Values as the page takes them, so Gradio needs no worker thread to convert them.
        return ChatState(), [], EMPTY_SOURCES, chatbot.postprocess([]).model_dump()

    chatbot.clear(
        clear,
        outputs=[state, saved, sources, chatbot],
        api_name="clear",
        postprocess=False,
    )

    async def reload(kept: Any) -> tuple:
        restored = await restore(assistant, kept)
        if not restored.messages:  # nothing kept: leave alone a question asked meanwhile
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        last = len(restored.turns) - 1
        return restored.messages, sources_panel(restored.turns, last), restored, restored.questions

    # The browser's copy is only a list of questions: they are asked again, never trusted as text.
    app.load(
        reload, inputs=saved, outputs=[chatbot, sources, state, saved], api_visibility="private"
    )


def _chatbot() -> gr.Chatbot:
    # With Markdown off Gradio inserts a message as (sanitized) HTML, so messages are escaped
    # (chat_text), and no LaTeX, tags or feedback widgets apply to text quoted from documents.
    return gr.Chatbot(
        label="Chat",
        elem_id="chat",
        height=480,
        render_markdown=False,
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        feedback_options=None,
        buttons=["copy", "copy_all"],  # not "share", which posts to Hugging Face
        placeholder="Ask a question about your documents.",
    )
