"""The Gradio web chat over the assistant; import ui.app to build or serve it (it loads gradio)."""
