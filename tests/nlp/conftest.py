"""Build the spaCy pipeline once for all NLP tests (about a second)."""

from __future__ import annotations

import pytest

from actions.nlp.extract import Facts, extract_facts


@pytest.fixture(scope="session")
def facts_of():
    def _run(text: str, age: float | None = None, sex: str | None = None) -> Facts:
        return extract_facts(text, age=age, sex=sex)

    return _run
