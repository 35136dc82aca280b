from bot.channels import session_tokens

SECRET = b"0123456789abcdef0123456789abcdef"


def test_issued_token_verifies_to_its_conversation_id() -> None:
    token, conv = session_tokens.issue(SECRET)
    assert session_tokens.verify(SECRET, token) == conv
    assert len(conv) == 32


def test_each_session_is_new() -> None:
    assert session_tokens.issue(SECRET)[1] != session_tokens.issue(SECRET)[1]


def test_forged_foreign_or_malformed_tokens_are_refused() -> None:
    token, conv = session_tokens.issue(SECRET)
    assert session_tokens.verify(b"another-secret-another-secret!!", token) is None
    assert session_tokens.verify(SECRET, conv) is None  # bare id, no signature
    assert session_tokens.verify(SECRET, conv + ".deadbeef") is None
    assert session_tokens.verify(SECRET, None) is None
    assert session_tokens.verify(SECRET, {"id": token}) is None
    assert session_tokens.verify(SECRET, "a.b.c") is None
