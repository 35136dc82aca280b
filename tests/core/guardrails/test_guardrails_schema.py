from __future__ import annotations

import pytest

from actions.core.guardrails.schema import (
    SchemaError,
    coerce_disposition,
    decide_level,
    extract_json_object,
    normalize_disposition,
    parse_llm_json,
    rank,
    validate,
)

PREFILL = '{"facts": ["'
GOOD = (
    '{"facts": ["fever", "stiff neck"], "suggested_disposition": "urgent", '
    '"explanation": "A fever with a stiff neck should be checked soon."}'
)


def test_valid_object_parses():
    out = parse_llm_json(GOOD)
    assert out.facts == ("fever", "stiff neck")
    assert out.suggested_disposition == "urgent"
    assert out.explanation.startswith("A fever")
    assert out.notes == ()


def test_continuation_of_prefill_parses():
    out = parse_llm_json(GOOD[len(PREFILL) :], prefill=PREFILL)
    assert out.facts == ("fever", "stiff neck")


def test_server_that_repeats_the_prefill_also_parses():
    assert parse_llm_json(GOOD, prefill=PREFILL).suggested_disposition == "urgent"


def test_leading_chatter_and_code_fence_are_tolerated():
    out = parse_llm_json("Sure! Here is the JSON:\n```json\n" + GOOD + "\n```\nHope it helps")
    assert out.suggested_disposition == "urgent"
    assert "leading_text" in out.notes and "trailing_text" in out.notes


def test_braces_inside_strings_do_not_confuse_the_scanner():
    text = '{"facts": ["pain {left}"], "explanation": "a } b { c"} trailing {"x": 1}'
    obj, _ = extract_json_object(text)
    assert obj["facts"] == ["pain {left}"]


def test_truncated_answer_keeps_complete_pairs_only():
    cut = (
        '{"facts": ["cough"], "suggested_disposition": "routine", "explanation": "You should be se'
    )
    out = parse_llm_json(cut)
    assert out.facts == ("cough",)
    assert out.suggested_disposition == "routine"
    assert out.explanation is None
    assert "truncated_tail_dropped" in out.notes


def test_truncated_inside_facts_is_invalid():
    with pytest.raises(SchemaError) as e:
        parse_llm_json('{"facts": ["cough", "fev')
    assert e.value.reason == "invalid_json"


def test_duplicate_keys_first_wins_and_is_noted():
    out = parse_llm_json(
        '{"facts": ["a cough"], "suggested_disposition": "emergency", '
        '"suggested_disposition": "self_care"}'
    )
    assert out.suggested_disposition == "emergency"
    assert any(n.startswith("duplicate_keys") for n in out.notes)


@pytest.mark.parametrize(
    "text,reason",
    [
        ("I'm sorry, I can't help with that.", "no_json"),
        ("", "no_json"),
        ("{not json at all}", "invalid_json"),
        ('["fever"]', "no_json"),
        ('{"facts": "fever"}', "out_of_schema"),
        ('{"facts": [1, 2]}', "out_of_schema"),
        ('{"suggested_disposition": "urgent"}', "out_of_schema"),
        ('{"facts": [], "suggested_disposition": "whenever"}', "out_of_schema"),
        ('{"facts": [], "diagnosis": "flu"}', "out_of_schema"),
        ('{"facts": ["x"], "explanation": 5}', "out_of_schema"),
        ('{"facts": [' + ", ".join(['"a"'] * 13) + "]}", "out_of_schema"),
    ],
)
def test_rejections(text, reason):
    with pytest.raises(SchemaError) as e:
        parse_llm_json(text)
    assert e.value.reason == reason


@pytest.mark.parametrize(
    "raw,want",
    [
        ("Self-care", "self_care"),
        ("self care", "self_care"),
        ("EMERGENCY", "emergency"),
        ("null", None),
        ("None", None),
        ("", None),
        (None, None),
        ("moderate", "moderate"),  # left alone, so the schema rejects it
    ],
)
def test_normalize_disposition(raw, want):
    assert normalize_disposition(raw) == want


def test_missing_optional_fields_are_null():
    out = validate({"facts": ["cough"]})
    assert out.suggested_disposition is None and out.explanation is None


def test_rank_and_coerce():
    assert rank(None) < rank("self_care") < rank("routine") < rank("urgent") < rank("emergency")

    class E:
        value = "urgent"

    assert coerce_disposition(E()) == "urgent"
    with pytest.raises(ValueError):
        coerce_disposition("soonish")


# -- the level vote (a deadline must not change the level) ---------------------
VOTE_CASES = [
    (GOOD, "urgent", None),
    ('{"facts": ["cough"], "suggested_disposition": null, "explanation": "x"}', None, None),
    ('{"facts": ["cough"], "explanation": "Rest."}', None, "no_suggestion"),
    ('{"facts": ["cough"], "suggested_disposition": "later", "explanation": "x"}', None,
     "out_of_schema"),
    ('{"facts": ["cough"], "dose": "5 mg", "suggested_disposition": "emergency"}', None,
     "out_of_schema"),
    ('{"facts": [cough], "suggested_disposition": "emergency"}', None, "invalid_json"),
]


@pytest.mark.parametrize("text,suggestion,reason", VOTE_CASES)
def test_level_vote_is_settled_once_and_never_changes_with_more_text(text, suggestion, reason):
    votes = [decide_level(text[:i]) for i in range(1, len(text) + 1)]
    settled_at = next(i for i, v in enumerate(votes) if v is not None)
    # every longer prefix (what a later deadline would have kept) gives the same vote
    assert {(v.suggestion, v.reason) for v in votes[settled_at:]} == {(suggestion, reason)}
    assert all(v is None for v in votes[:settled_at])
    assert votes[-1].prefix_chars == settled_at + 1


def test_level_vote_needs_the_whole_pair_not_just_the_value():
    # "urgent" could still be followed by a malformed pair making the answer unreadable
    # only once the pair is closed by ',' or '}' is the value final.
    assert decide_level('{"facts": ["x"], "suggested_disposition": "urgent"') is None
    vote = decide_level('{"facts": ["x"], "suggested_disposition": "urgent",')
    assert vote is not None and vote.suggestion == "urgent"


def test_level_vote_reads_a_continuation_like_the_parser():
    cont = GOOD[len(PREFILL):]
    assert decide_level(cont, PREFILL).suggestion == parse_llm_json(
        cont, prefill=PREFILL).suggested_disposition == "urgent"
    assert decide_level(GOOD, PREFILL).suggestion == "urgent"  # a server that repeats it
    assert decide_level("I'm sorry, I can't help with that.", PREFILL) is None
    assert decide_level("", PREFILL) is None
