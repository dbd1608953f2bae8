"""The Documents tab: the folder's table, drag-and-drop upload, delete with confirmation, view."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import Assistant
from assistant.library import LibraryError, delete_document, list_documents, save_upload, sync
from index import DocumentsFolderError, StorageBusyError
from ui.document_views import document_view, documents_table, sync_summary


def build_documents_tab(
    assistant: Assistant, tabs: gr.Tabs, tab: gr.Tab, request: gr.Textbox
) -> None:
    """Widgets over assistant.library; every change ends with a sync and a fresh table.

    `request` is the hidden box a citation card's "view in document" link fills.
    """
    suffixes = list(assistant.config.index.supported_suffixes)
    gr.Markdown(
        f"Files in `{html.escape(str(assistant.config.index.documents_dir))}`. Add "
        f"{', '.join(suffixes)} files up to {assistant.config.index.max_file_bytes // 2**20} MB "
        "each; the chat keeps answering from the current index while a sync runs."
    )
    table = gr.HTML(lambda: _table(assistant), elem_id="documents-table", js_on_load=None)
    # No file_types: Gradio would refuse the whole drop for one bad file, where
    # assistant.library refuses that one file with its reason and adds the rest.
    upload = gr.File(file_count="multiple", label="Add documents", elem_id="upload", height=140)
    status = gr.Textbox(label="Last change", interactive=False, elem_id="documents-status")
    with gr.Row():
        choice = gr.Dropdown(_sources(assistant), label="Document", elem_id="document-choice")
        view = gr.Button("View", elem_id="view-document")
        delete = gr.Button("Delete…", variant="stop", elem_id="delete-document")
    with gr.Row(visible=False) as confirm_row:
        confirm_text = gr.Markdown()
        confirm = gr.Button("Yes, delete it", variant="stop", elem_id="confirm-delete")
        cancel = gr.Button("Cancel", elem_id="cancel-delete")
    viewer = gr.HTML("", elem_id="document-view", js_on_load=None)

    def add(files: list[str] | None, progress: Any = gr.Progress()) -> tuple:  # noqa: B008
        added, refused = [], []
        for path in files or []:
            try:
                added.append(save_upload(assistant, Path(path).name, Path(path)))
            except (LibraryError, OSError) as problem:
                refused.append(str(problem))
            finally:
                Path(path).unlink(missing_ok=True)  # Gradio's copy; the folder has its own
        if not added:
            return _refresh(assistant, "\n".join(f"Not added: {r}" for r in refused))
        return _refresh(assistant, _synced(assistant, progress, added, refused))

    def shown() -> tuple:
        return _table(assistant), gr.Dropdown(choices=_sources(assistant))

    tab.select(shown, None, [table, choice], api_visibility="private")
    upload.upload(
        add, inputs=upload, outputs=[table, choice, status, upload], api_visibility="private"
    )

    def ask_to_delete(source: str | None) -> tuple:
        if not source:
            return gr.Row(visible=False), "", "Choose a document to delete."
        question = f"Delete **{html.escape(source)}** from the documents folder?"
        return gr.Row(visible=True), question, ""

    delete.click(
        ask_to_delete, choice, [confirm_row, confirm_text, status], api_visibility="private"
    )
    cancel.click(lambda: gr.Row(visible=False), None, confirm_row, api_visibility="private")

    def remove(source: str | None, progress: Any = gr.Progress()) -> tuple:  # noqa: B008
        try:
            delete_document(assistant, source or "")
        except (LibraryError, OSError) as problem:
            return (gr.Row(visible=False), *_refresh(assistant, str(problem)))
        summary = _synced(assistant, progress, [], [])
        return (gr.Row(visible=False), *_refresh(assistant, f"Deleted {source}.\n{summary}"))

    confirm.click(
        remove, choice, [confirm_row, table, choice, status, upload], api_visibility="private"
    ).then(lambda: "", None, viewer, api_visibility="private")
    view.click(
        lambda s: _view(assistant, s, None, None),
        choice,
        viewer,
        api_visibility="private",
        scroll_to_output=True,
    )

    def open_passage(raw: str) -> tuple:
        try:
            source, start, end, _ = json.loads(raw)
        except (ValueError, TypeError):
            return gr.skip(), gr.skip(), gr.skip()
        return _view(assistant, str(source), start, end), source, gr.Tabs(selected="documents")

    request.change(
        open_passage,
        request,
        [viewer, choice, tabs],
        api_visibility="private",
        scroll_to_output=True,
    )


def _synced(assistant: Assistant, progress: Any, added: list[str], refused: list[str]) -> str:
    def embedded(done: int, total: int) -> None:
        progress((done, total), desc="Embedding new text", unit="texts")

    progress(0, desc="Syncing the index")
    try:
        return sync_summary(sync(assistant, embedded), added, refused)
    except (DocumentsFolderError, StorageBusyError, OSError, ValueError) as problem:
        return f"The index was not synced: {problem}"


def _refresh(assistant: Assistant, message: str) -> tuple:
    return _table(assistant), gr.Dropdown(choices=_sources(assistant), value=None), message, None


def _table(assistant: Assistant) -> str:
    return documents_table(list_documents(assistant))


def _sources(assistant: Assistant) -> list[str]:
    return [row.source for row in list_documents(assistant)]


def _view(assistant: Assistant, source: str | None, start: Any, end: Any) -> str:
    documents = assistant.index.documents
    if not source or source not in documents:
        return '<p class="sources-empty">Choose an indexed document to read it.</p>'
    bounds = (start, end) if isinstance(start, int) and isinstance(end, int) else (None, None)
    return document_view(source, documents[source].text, *bounds)
