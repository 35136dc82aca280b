"""The guardrails (and the LLM interface they use) import no heavy or network modules."""

from __future__ import annotations

import subprocess
import sys

from scripts.stack import ROOT


def test_guardrails_import_no_torch_httpx_or_rasa():
    code = (
        "import sys, actions.core.guardrails.pipeline, actions.core.guardrails.merge, "
        "actions.llm.fake, actions.llm.factory\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'torch', 'transformers', 'httpx', 'rasa', 'rasa_sdk', 'sanic', 'requests'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
