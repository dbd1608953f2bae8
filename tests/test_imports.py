"""Importing the packages loads nothing heavy: no web UI, no torch, no model code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["gradio", "torch", "sentence_transformers", "transformers"]


@pytest.mark.parametrize("modules", ["assistant, index", "ui.cli"])
def test_importing_loads_no_heavy_module(modules: str) -> None:
    code = (
        f"import sys, json; import {modules}; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(result.stdout) == []


def test_the_check_itself_can_see_a_heavy_import() -> None:
    # Guards the test above against passing because sys.modules was read wrongly.
    code = "import sys, json, torch; print(json.dumps('torch' in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(result.stdout) is True
