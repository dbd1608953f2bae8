"""The Gradio app: Chat, Documents and Evaluation tabs over one assistant."""

from __future__ import annotations

import gradio as gr

from assistant import Assistant
from ui.chat_tab import build_chat_tab
from ui.documents_tab import build_documents_tab
from ui.evaluation_tab import build_evaluation_tab


def build_app(assistant: Assistant) -> gr.Blocks:
    """The three tabs; the page's CSS, font and script are added at launch (ui.server)."""
    # delete_cache: uploaded files wait in Gradio's cache; clear out those over an hour old.
    with gr.Blocks(
        title="Document assistant", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as app:
        gr.Markdown("# Document assistant\nEvery sentence of an answer cites its passage.")
        # Outside the tabs, so it is on the page whichever tab is shown: the page script fills
        # it when a citation card's "view in document" is clicked (ui.page).
        view_request = gr.Textbox(visible="hidden", elem_id="view-request")
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat", elem_id="chat-tab"):
                build_chat_tab(app, assistant)
            with gr.Tab("Documents", id="documents", elem_id="documents-tab") as documents:
                build_documents_tab(assistant, tabs, documents, view_request)
            with gr.Tab("Evaluation", id="evaluation", elem_id="evaluation-tab"):
                build_evaluation_tab(assistant)
    return app
