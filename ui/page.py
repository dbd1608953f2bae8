"""What the page carries besides its components: the served Devanagari font, CSS and click script.

The font is served from this package by a fixed route, so Hindi renders on a machine without a
Devanagari font and Gradio's file routes and `allowed_paths` stay closed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansDevanagari-Regular.woff2"
FONT_ROUTE = "/fonts/noto-sans-devanagari.woff2"
FONT_FAMILY = "Noto Sans Devanagari (served)"

# unicode-range: Latin text keeps the theme's font; only Devanagari comes from the served file.
PAGE_CSS = f"""
@font-face {{
  font-family: "{FONT_FAMILY}";
  src: url("{FONT_ROUTE}") format("woff2");
  font-weight: 100 900;
  font-display: swap;
  unicode-range: U+0900-097F, U+1CD0-1CF9, U+200C-200D, U+20A8, U+20B9, U+25CC, U+A830-A839,
    U+A8E0-A8FF;
}}
body, .gradio-container, .gradio-container * {{
  font-family: "{FONT_FAMILY}", var(--font), sans-serif;
}}
.gradio-container code, .gradio-container pre {{ font-family: "{FONT_FAMILY}", var(--font-mono); }}
#chat a.cite {{ cursor: pointer; font-weight: 600; text-decoration: none; }}
#document-view mark.passage {{ background: #fde68a; color: #1f2937; }}
#document-view .document-text {{ white-space: pre-wrap; line-height: 1.6; }}
.doc-table {{ width: 100%; border-collapse: collapse; font-size: 0.9rem; }}
.doc-table th, .doc-table td {{ border-bottom: 1px solid var(--border-color-primary);
  padding: 4px 8px; text-align: left; vertical-align: top; }}
.status-skipped {{ color: #b45309; }}
"""

# Clicking [n] reveals its answer's cards and highlights card n; "view in document" asks the
# server (through the hidden #view-request box, whose change is an event) to open the document.
PAGE_HEAD = r"""
<script>
document.addEventListener("click", (event) => {
  const cite = event.target.closest("#chat a.cite");
  if (cite) {
    event.preventDefault();
    event.stopPropagation();
    // The chat's sanitizer drops data- attributes; the href carries turn and number.
    const [, turn, number] = cite.getAttribute("href").match(/^#source-(\d+)-(\d+)$/) || [];
    if (turn === undefined) return;
    document.querySelectorAll("#sources .turn-sources").forEach((section) => {
      section.hidden = section.dataset.turn !== turn;
    });
    document.querySelectorAll("#sources .source.highlighted").forEach((card) => {
      card.classList.remove("highlighted");
    });
    const card = document.getElementById(`source-${turn}-${number}`);
    if (card) {
      card.classList.add("highlighted");
      card.scrollIntoView({behavior: "smooth", block: "center"});
    }
    return;
  }
  const view = event.target.closest("#sources a.view-link");
  if (view) {
    event.preventDefault();
    const box = document.querySelector("#view-request textarea, #view-request input");
    if (!box) return;
    // The time makes each click a change, so the same passage can be opened twice.
    const request = [view.dataset.source, +view.dataset.start, +view.dataset.end, Date.now()];
    box.value = JSON.stringify(request);
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }
}, true);
</script>
"""


class FontRoute:
    """ASGI middleware that answers FONT_ROUTE with the font file and passes everything else on."""

    def __init__(self, app: Any):
        self.app = app
        self.body = FONT_FILE.read_bytes()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Serve the font on a GET of its route; hand any other request to the app."""
        if scope["type"] != "http" or scope.get("path") != FONT_ROUTE:
            return await self.app(scope, receive, send)
        headers = [
            (b"content-type", b"font/woff2"),
            (b"content-length", b"%d" % len(self.body)),
            (b"cache-control", b"public, max-age=86400"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})
