"""The console JSON API with a fake Rasa: the take-over flow, validation, errors, audit."""

from __future__ import annotations

import httpx
import pytest

from actions.core.escalation.model import Reason, Summary
from console.rasa_client import CLOSING_TEXT, HANDBACK_TEXT
from tests.console.conftest import PASSWORDS, Console
from tests.console.harness import login


def signed_in(console: Console, name: str) -> tuple[httpx.Client, dict[str, str]]:
    client = console.client()
    return client, {"X-CSRF-Token": login(client, name, PASSWORDS[name])}


def audit_rows(console: Console) -> list[dict[str, str]]:
    return [fields for _id, fields in console.redis.xrange("audit:staff")]


def test_queue_lists_open_entries_in_order_with_labels(console: Console) -> None:
    client, _ = signed_in(console, "ann")
    console.queue.enqueue("normal", Summary(Reason.PATIENT_REQUEST), now=100.0)
    console.queue.enqueue("top", Summary(Reason.EMERGENCY, chief_complaint="chest pain",
                                         red_flags=["chest pain"], disposition="emergency",
                                         channel="sms"), now=200.0)
    console.queue.enqueue("done", Summary(Reason.PATIENT_REQUEST))
    console.queue.resolve("done", "bob")
    data = client.get("/api/queue").json()
    assert [e["conversation_id"] for e in data["entries"]] == ["top", "normal"]
    top = data["entries"][0]
    assert top["priority"] == 0 and top["priority_label"] == "Top priority"
    assert top["reason_label"] == "Emergency" and top["position"] == 1
    assert top["summary"]["channel"] == "sms" and top["waiting_s"] > 0
    assert data["version"] == console.queue.version()


def test_take_over_reply_hand_back_flow(console: Console) -> None:
    ann, h = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST, chief_complaint="refill"))
    console.rasa.patient_says("c1", "Can I talk to a person?")

    before = ann.get("/api/conversations/c1").json()
    assert before["permissions"]["claim"] and not before["permissions"]["reply"]
    assert before["transcript"][0]["text"] == "Can I talk to a person?"
    assert before["entry"]["position"] == 1

    # Reply before claiming is refused (the bot is not paused yet).
    assert ann.post("/api/conversations/c1/reply", headers=h,
                    json={"text": "hi"}).status_code == 403
    claim = ann.post("/api/conversations/c1/claim", headers=h)
    assert claim.status_code == 200 and claim.json()["entry"]["owner"] == "ann"
    assert console.rasa.calls_for("c1") == [[
        {"event": "pause"},
        {"event": "bot", "text": "You're now chatting with Ann Lee from the clinic team.",
         "metadata": {"agent": "ann", "agent_name": "Ann Lee"}}]]
    # Claiming again is harmless and does not repeat the greeting.
    assert ann.post("/api/conversations/c1/claim", headers=h).status_code == 200
    assert len(console.rasa.calls_for("c1")) == 1

    reply = ann.post("/api/conversations/c1/reply", headers=h,
                     json={"text": "  Hi, this is Ann. How can I help?  "})
    assert reply.status_code == 200
    assert console.rasa.calls_for("c1")[-1] == [
        {"event": "bot", "text": "Hi, this is Ann. How can I help?",
         "metadata": {"agent": "ann", "agent_name": "Ann Lee"}}]
    transcript = ann.get("/api/conversations/c1").json()["transcript"]
    assert [line["role"] for line in transcript] == ["patient", "agent", "agent"]

    back = ann.post("/api/conversations/c1/handback", headers=h)
    assert back.status_code == 200
    assert console.rasa.calls_for("c1")[-1] == [
        {"event": "resume"},
        {"event": "bot", "text": HANDBACK_TEXT, "metadata": {"handoff": "ended"}}]
    assert HANDBACK_TEXT.startswith("You're back with the clinic's automated assistant.")
    assert console.queue.get("c1").status == "handed_back"
    assert console.queue.waiting() == []
    # Closed: no more actions, but the owner can still read it.
    assert ann.post("/api/conversations/c1/reply", headers=h,
                    json={"text": "late"}).status_code == 409
    assert ann.post("/api/conversations/c1/claim", headers=h).status_code == 409
    assert ann.get("/api/conversations/c1").json()["entry"]["status"] == "handed_back"

    whats = [(r["what"], r["who"], r["conversation_id"]) for r in audit_rows(console)]
    assert ("claim", "ann", "c1") in whats and ("reply", "ann", "c1") in whats
    assert ("hand_back", "ann", "c1") in whats
    reply_row = next(r for r in audit_rows(console) if r["what"] == "reply")
    assert reply_row["chars"] == str(len("Hi, this is Ann. How can I help?"))
    assert all("How can I help" not in str(r) for r in audit_rows(console))   # no text


def test_resolve_sends_resume_and_a_closing_message(console: Console) -> None:
    ann, h = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.FAQ_UNANSWERED))
    ann.post("/api/conversations/c1/claim", headers=h)
    assert ann.post("/api/conversations/c1/resolve", headers=h).status_code == 200
    assert console.rasa.calls_for("c1")[-1] == [
        {"event": "resume"},
        {"event": "bot", "text": CLOSING_TEXT, "metadata": {"handoff": "ended"}}]
    assert "911" in CLOSING_TEXT
    assert console.queue.get("c1").status == "resolved"
    assert [r["what"] for r in audit_rows(console)][-1] == "resolve"


@pytest.mark.parametrize(("body", "message"), [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b"{}", "'text' string is required"),
    (b'{"text": 5}', "'text' string is required"),
    (b'{"text": "   "}', "empty"),
    (('{"text": "' + "x" * 1001 + '"}').encode(), "longer than 1000"),
])
def test_reply_and_note_validation(console: Console, body: bytes, message: str) -> None:
    ann, h = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    ann.post("/api/conversations/c1/claim", headers=h)
    sent_before = len(console.rasa.calls)
    for path in ("reply", "notes"):
        r = ann.post(f"/api/conversations/c1/{path}", content=body,
                     headers={**h, "Content-Type": "application/json"})
        assert r.status_code == 400, path
        assert message in r.json()["error"]
    assert len(console.rasa.calls) == sent_before
    assert console.queue.notes("c1") == []


def test_exactly_1000_characters_is_accepted(console: Console) -> None:
    ann, h = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    ann.post("/api/conversations/c1/claim", headers=h)
    assert ann.post("/api/conversations/c1/reply", headers=h,
                    json={"text": "y" * 1000}).status_code == 200


def test_unknown_conversation_is_404(console: Console) -> None:
    sue, h = signed_in(console, "sue")
    assert sue.get("/api/conversations/nope").status_code == 404
    for path in ("claim", "reply", "notes", "handback", "resolve", "reassign"):
        r = sue.post(f"/api/conversations/nope/{path}", headers=h,
                     json={"text": "x", "agent": "ann"})
        assert r.status_code == 404, path
    assert console.rasa.calls == []


def test_rasa_down_gives_502_and_keeps_the_reply_text(console: Console) -> None:
    ann, h = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    console.rasa.down = True
    # Claim: the bot could not be paused, so the entry goes back to the queue.
    claim = ann.post("/api/conversations/c1/claim", headers=h)
    assert claim.status_code == 502 and "not reachable" in claim.json()["error"]
    assert console.queue.get("c1").status == "waiting"
    console.rasa.down = False
    assert ann.post("/api/conversations/c1/claim", headers=h).status_code == 200
    console.rasa.down = True
    text = "Please hold on, I am checking with the nurse."
    reply = ann.post("/api/conversations/c1/reply", headers=h, json={"text": text})
    assert reply.status_code == 502
    assert reply.json()["text"] == text and "NOT sent" in reply.json()["error"]
    # Hand back fails without closing the entry (the patient is not stranded while paused).
    assert ann.post("/api/conversations/c1/handback", headers=h).status_code == 502
    assert console.queue.get("c1").status == "claimed"
    # The conversation view still works, with the transcript marked unavailable.
    view = ann.get("/api/conversations/c1").json()
    assert view["transcript"] is None and "not reachable" in view["transcript_error"]
    whats = [r["what"] for r in audit_rows(console)]
    assert {"claim_failed", "reply_failed", "handback_failed"} <= set(whats)


def test_supervisor_reassigns_and_lists_agents(console: Console) -> None:
    sue, sh = signed_in(console, "sue")
    ann, ah = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.URGENT_CALLBACK))
    agents = sue.get("/api/agents").json()["agents"]
    assert {a["username"] for a in agents} == {"ann", "bob", "sue"}
    assert all("password_hash" not in a for a in agents)
    # Reassign straight from waiting: the bot is paused in the new owner's name.
    r = sue.post("/api/conversations/c1/reassign", headers=sh, json={"agent": "bob"})
    assert r.status_code == 200 and r.json()["entry"]["owner"] == "bob"
    assert console.rasa.calls_for("c1")[-1][0] == {"event": "pause"}
    assert console.rasa.calls_for("c1")[-1][1]["metadata"] == {"agent": "bob",
                                                               "agent_name": "Bob Diaz"}
    assert "Bob Diaz" in console.rasa.calls_for("c1")[-1][1]["text"]
    bad = sue.post("/api/conversations/c1/reassign", headers=sh, json={"agent": "ghost"})
    assert bad.status_code == 400
    assert ann.post("/api/conversations/c1/reassign", headers=ah,
                    json={"agent": "ann"}).status_code == 403
    row = [r for r in audit_rows(console) if r["what"] == "reassign"][-1]
    assert row["who"] == "sue" and row["to"] == "bob" and row["conversation_id"] == "c1"


def test_stats_endpoint(console: Console) -> None:
    ann, _ = signed_in(console, "ann")
    console.queue.enqueue("c1", Summary(Reason.CRISIS))
    stats = ann.get("/api/stats").json()
    assert stats["waiting"] == 1 and stats["by_priority"]["0"] == 1
    assert isinstance(stats["history"], list) and stats["history"]


def test_console_page_and_static_assets(console: Console) -> None:
    ann, h = signed_in(console, "ann")
    page = ann.get("/")
    assert page.status_code == 200
    assert f'name="csrf-token" content="{h["X-CSRF-Token"]}"' in page.text
    assert "Ann Lee" in page.text and 'aria-live="assertive"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text      # no inline script (CSP)
    js = console.client().get("/static/console.js")
    css = console.client().get("/static/console.css")
    assert js.status_code == 200 and "EventSource" in js.text and "innerHTML" not in js.text
    assert css.status_code == 200


def test_health(console: Console) -> None:
    r = console.client().get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "redis": True}


def test_action_checks_run_in_a_fixed_order(console: Console) -> None:
    """The shared preamble (routes/conversation.py): body, supervisor-only, entry, own rules."""
    ann, ah = signed_in(console, "ann")
    sue, sh = signed_in(console, "sue")
    console.queue.enqueue("done", Summary(Reason.PATIENT_REQUEST))
    console.queue.claim("done", "ann")
    console.queue.hand_back("done", "ann")

    def post(client: httpx.Client, headers: dict[str, str], path: str,
             body: bytes) -> tuple[int, dict[str, str]]:
        r = client.post(path, content=body,
                        headers={**headers, "Content-Type": "application/json"})
        return r.status_code, r.json()

    # Bad JSON beats an unknown conversation; supervisor-only (reassign) beats it too.
    assert post(ann, ah, "/api/conversations/nope/claim", b"{bad") == (
        400, {"error": "The request body is not valid JSON."})
    assert post(ann, ah, "/api/conversations/nope/reassign", b"{}") == (
        403, {"error": "Only supervisors can reassign conversations."})
    # A closed entry: claim, hand back, resolve say it left the queue ...
    for action in ("claim", "handback", "resolve"):
        assert post(ann, ah, f"/api/conversations/done/{action}", b"") == (
            409, {"error": "This conversation is no longer in the queue."}), action
    # ... reply checks the owner first, then the state, then the text.
    assert post(ann, ah, "/api/conversations/done/reply", b'{"text": ""}') == (
        409, {"error": "Claim the conversation before replying."})
    # Notes on a closed entry still work for the owner (follow-up), validated like a reply.
    assert post(ann, ah, "/api/conversations/done/notes", b'{"text": " "}') == (
        400, {"error": "The text is empty."})
    # Reassign: the target is checked before the state.
    assert post(sue, sh, "/api/conversations/done/reassign", b'{"agent": "ghost"}') == (
        400, {"error": "Choose an active staff account to reassign to."})
    assert post(sue, sh, "/api/conversations/done/reassign", b'{"agent": "bob"}') == (
        409, {"error": "This conversation is no longer in the queue."})
    assert console.rasa.calls == []
