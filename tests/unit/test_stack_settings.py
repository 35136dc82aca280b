import pytest

from scripts.stack import RedisSettings


def test_redis_url_is_split_into_rasa_endpoint_settings() -> None:
    s = RedisSettings.from_url("redis://:s3cret@redis.internal:6380/2")
    assert (s.host, s.port, s.db, s.password) == ("redis.internal", 6380, 2, "s3cret")
    env = s.env()
    assert env["REDIS_PORT"] == "6380"
    assert env["REDIS_DB"] == "2"
    assert env["REDIS_URL"] == "redis://:s3cret@redis.internal:6380/2"


def test_redis_url_defaults() -> None:
    s = RedisSettings.from_url("redis://localhost")
    assert (s.host, s.port, s.db, s.password) == ("localhost", 6379, 0, "")


def test_unsupported_scheme_is_refused_with_reason() -> None:
    with pytest.raises(ValueError, match="scheme"):
        RedisSettings.from_url("http://localhost:6379")
