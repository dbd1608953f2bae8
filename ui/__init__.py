"""The interfaces over the assistant: the `assistant` command (cli) and the Gradio web app (app)."""
