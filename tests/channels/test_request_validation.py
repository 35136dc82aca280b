import pytest

from bot.channels.request_validation import (
    MAX_MESSAGE_CHARS,
    InvalidChatRequest,
    parse_chat_request,
)


def test_valid_request() -> None:
    req = parse_chat_request({"sender": "abc-1", "message": "hi"})
    assert (req.sender, req.message, req.metadata) == ("abc-1", "hi", {})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "JSON object"),
        ({"message": "hi"}, "'sender' is required"),
        ({"sender": "", "message": "hi"}, "'sender' is required"),
        ({"sender": "a b", "message": "hi"}, "letters, digits"),
        ({"sender": "x" * 200, "message": "hi"}, "at most"),
        ({"sender": "a"}, "'message' is required"),
        ({"sender": "a", "message": "   "}, "'message' is required"),
        ({"sender": "a", "message": 5}, "'message' is required"),
        ({"sender": "a", "message": "x" * (MAX_MESSAGE_CHARS + 1)}, "too long"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, "'metadata'"),
    ],
)
def test_invalid_requests_say_why(body: object, reason: str) -> None:
    with pytest.raises(InvalidChatRequest, match=reason):
        parse_chat_request(body)
