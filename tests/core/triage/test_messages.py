from actions.core.triage.messages import CRISIS_FIRST, EMERGENCY_FIRST, NOT_A_CLINICIAN, compose


def test_emergency_message_starts_with_911_and_ends_with_the_notice() -> None:
    msg = compose("emergency", False, ["Could be from the heart."], None, None, [])
    assert msg.first == EMERGENCY_FIRST
    assert msg.all[-1] == NOT_A_CLINICIAN
    assert any("Why:" in line for line in msg.details)


def test_crisis_message_starts_with_988_and_keeps_911_when_emergency() -> None:
    msg = compose("emergency", True, ["Plan and means."], None, None, [])
    assert msg.first == CRISIS_FIRST
    assert msg.details[0] == EMERGENCY_FIRST


def test_self_care_message_has_advice_and_when_to_get_help() -> None:
    msg = compose("self_care", False, ["Usually a virus."], None, "Rest and drink fluids.",
                  ["Get help if you cannot swallow."])
    text = " ".join(msg.all)
    assert "looked after at home" in msg.first
    assert "What to do now: Rest and drink fluids." in text
    assert "Get help if you cannot swallow." in text
    assert "Get help sooner if: Get help" not in text
    assert NOT_A_CLINICIAN in text


def test_routine_without_precautions_gets_the_default_911_line() -> None:
    text = " ".join(compose("routine", False, [], None, None, []).all)
    assert "Call 911 if" in text


def test_emergency_about_someone_else_gets_bystander_wording() -> None:
    from actions.core.triage.messages import (
        EMERGENCY_FIRST_OTHER,
        emergency_first_line_for_other,
        urgent_first_line,
    )

    msg = compose("emergency", False, ["Not breathing normally."], None, None, [],
                  about_other=True)
    assert msg.first == EMERGENCY_FIRST_OTHER == emergency_first_line_for_other()
    assert msg.first.startswith("Call 911")
    for words in ("speaker", "dispatcher", "stay with", "not breathing normally", "CPR"):
        assert words in msg.first
    assert "Don't drive yourself" not in " ".join(msg.all)
    assert urgent_first_line("emergency", False) == EMERGENCY_FIRST  # default unchanged
    assert urgent_first_line("urgent", False, about_other=True) is None


def test_crisis_about_someone_else_keeps_988_first_and_911() -> None:
    msg = compose("emergency", True, ["Plan and means."], None, None, [], about_other=True)
    assert "988" in msg.first and "911" in msg.first
    assert msg.details[0].startswith("Call 911")
