"""How long a patient message may be (pure: no rasa / sanic imports).

Why read rather than refuse: a worried patient may paste a long history and put the important
sentence last ("... Right now I have crushing chest pain going into my left arm"). Everything up
to ``SCREEN_CHARS`` is read whole. Only text far beyond any real message is cut, keeping its
beginning and its end (where people put "and now ..."), and the patient is told.
``HARD_LIMIT_CHARS`` only stops abuse of the HTTP endpoints; no person types that much.
"""

from __future__ import annotations

SCREEN_CHARS = 20_000
HARD_LIMIT_CHARS = 200_000
_JOIN = " [...] "


def fit_message(text: str) -> tuple[str, bool]:
    """``(text to process, whether it was cut)``: the whole text up to ``SCREEN_CHARS``, else its
    first and last halves of that budget."""
    if len(text) <= SCREEN_CHARS:
        return text, False
    half = (SCREEN_CHARS - len(_JOIN)) // 2
    return text[:half] + _JOIN + text[-half:], True
