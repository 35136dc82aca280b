"""Long messages are read, not refused: only text far beyond any real message is cut."""

from bot.channels.message_limits import HARD_LIMIT_CHARS, SCREEN_CHARS, fit_message


def test_a_long_but_real_message_is_kept_whole() -> None:
    text = "word " * 3000 + "and now I can't breathe"
    assert len(text) < SCREEN_CHARS
    assert fit_message(text) == (text, False)


def test_a_huge_message_keeps_its_beginning_and_its_end() -> None:
    text = "Started with a cough. " + "blah " * 10_000 + "Right now my lips are turning blue."
    kept, cut = fit_message(text)
    assert cut
    assert len(kept) <= SCREEN_CHARS
    assert kept.startswith("Started with a cough.")
    assert kept.endswith("Right now my lips are turning blue.")


def test_the_hard_limit_is_far_beyond_the_screen() -> None:
    assert HARD_LIMIT_CHARS >= 5 * SCREEN_CHARS
