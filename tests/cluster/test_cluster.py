"""Several copies of each process behind nginx (scripts/cluster.py): any copy takes any
patient's next message. Which copy answered each request is read from nginx's access log.

The tests share one cluster and run in file order; the last one kills copies for good.
"""

from __future__ import annotations

import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg

from bot.channels import session_tokens
from scripts.cluster import Cluster
from tests.cluster.webchat_client import WebChat
from tests.e2e import test_appointments_chat as appt
from tests.e2e import test_twilio_channels as tw
from tests.e2e.console_client import ConsoleUser, new_staff
from tests.e2e.helpers import say, texts, tracker

REST = "/webhooks/rest/webhook"
ACTIONS = "/webhook"


def ports(cluster: Cluster, since: int, path: str) -> list[int]:
    return [port for _, p, _, port in cluster.requests()[since:] if p == path]


def rasa_ports(cluster: Cluster) -> set[int]:
    return {n.rasa_port for n in cluster.rasa_nodes}


def action_ports(cluster: Cluster) -> set[int]:
    return {n.action_port for n in cluster.action_nodes}


def booked(cluster: Cluster, sql: str, *args: object) -> list[tuple]:
    with psycopg.connect(cluster.scheduling_db_url) as conn:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]


def test_one_conversation_hops_between_servers_and_keeps_its_state(cluster: Cluster) -> None:
    view = cluster.console_node  # the stack helpers' view: its rasa_url is the load balancer
    mark = len(cluster.requests())
    code = appt.book(view, appt.new_sender(), "Rosa Diaz", "06/21/1981")
    turns = ports(cluster, mark, REST)
    assert len(turns) == 8 and set(turns) == rasa_ports(cluster)
    assert set(ports(cluster, mark, ACTIONS)) == action_ports(cluster)
    # The booking is in the shared PostgreSQL book, not in a file of one action server.
    assert booked(cluster, "SELECT status FROM appointments WHERE code = %s", code) == [
        ("booked",)]


def test_a_twilio_retry_on_the_other_server_gets_no_second_reply(cluster: Cluster) -> None:
    view = cluster.console_node
    address = tw.new_address(tw.SMS)
    params = tw.inbound(view, tw.SMS, address, "hello")
    mark = len(cluster.requests())
    for _ in range(2):  # Twilio retrying the same MessageSid
        response, _ = tw.post(view, tw.SMS, params)
        assert response.status_code == 200, response.text
    served = ports(cluster, mark, "/webhooks/twilio_sms/webhook")
    assert len(served) == 2 and served[0] != served[1]
    [reply] = view.twilio_recorder.wait_for(address, 1)
    assert "not a clinician" in reply["Body"]
    assert tw.quiet(view, address, 1, seconds=3)


def test_staff_reply_reaches_a_web_chat_patient_on_the_other_server(cluster: Cluster) -> None:
    view = cluster.console_node
    home, other = cluster.rasa_nodes
    # The patient's socket is held by `home` (as the load balancer may have chosen).
    chat = WebChat(home.rasa_url, origin=cluster.web_url)
    try:
        conversation = session_tokens.verify(cluster.secret().encode(), chat.token)
        assert conversation
        chat.say("can I talk to a real person please")
        chat.texts_until("asked a person from the clinic team")
        agent = ConsoleUser(view, *new_staff(view))
        agent.wait_for_entry(conversation)
        assert agent.act(conversation, "claim").status_code == 200
        chat.texts_until("from the clinic team")
        # The console reaches Rasa through the load balancer: send replies until one went
        # through the copy that does not hold the socket, and check the patient got it.
        for n in range(4):
            mark = len(cluster.requests())
            text = f"Hi, this is Dana at the front desk ({n})."
            assert agent.act(conversation, "reply", text=text).status_code == 200
            chat.texts_until(text)
            time.sleep(0.2)  # nginx logs a request as it completes
            posted = [port for method, path, _, port in cluster.requests()[mark:]
                      if method == "POST" and path.startswith("/conversations/")]
            if posted and posted[-1] == other.rasa_port:
                break
        else:
            raise AssertionError("no staff reply went through the other Rasa server")
    finally:
        chat.close()


def test_twenty_patients_racing_across_two_action_servers_one_booking(cluster: Cluster) -> None:
    view = cluster.console_node
    senders = [appt.new_sender() for _ in range(20)]

    def to_confirmation(sender: str) -> None:
        say(view, sender, "book a vaccination")
        say(view, sender, "flu shot")
        say(view, sender, "thursday at 4pm")
        say(view, sender, "1")
        letters = sender[-6:].translate(str.maketrans("0123456789", "abcdefghij"))
        say(view, sender, f"Pat {letters}")
        assert "Shall I book it?" in texts(say(view, sender, "02/02/1992"))

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(to_confirmation, senders))
    mark = len(cluster.requests())
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda s: texts(say(view, s, "yes")), senders))
    assert set(ports(cluster, mark, ACTIONS)) == action_ports(cluster)  # both raced
    winners = [r for r in results if "Confirmation code:" in r]
    losers = [r for r in results if "just taken" in r]
    assert len(winners) == 1 and len(losers) == 19, results
    assert booked(cluster, "SELECT COUNT(*) FROM appointments WHERE status = 'booked' "
                  "AND visit_type_id = 'vaccination'") == [(1,)]


def test_sigkill_of_a_rasa_and_an_action_server_mid_conversation_loses_nothing(
        cluster: Cluster) -> None:
    view = cluster.console_node
    sender = f"kill-{uuid.uuid4().hex[:10]}"
    sent = ["I'd like to book an appointment", "a follow-up visit"]
    for text in sent:
        say(view, sender, text)
    victim_rasa, survivor_rasa = cluster.rasa_nodes
    victim_actions, survivor_actions = cluster.action_nodes
    assert victim_rasa.rasa is not None and victim_actions.actions is not None
    victim_rasa.rasa.stop(sig=signal.SIGKILL)
    victim_actions.actions.stop(sig=signal.SIGKILL)

    mark = len(cluster.requests())
    reply = say(view, sender, "blood pressure review")
    sent.append("blood pressure review")
    assert texts(reply).count("When would suit you") == 1, reply  # the form went on, once
    rest = [("tomorrow morning", "Which one"), ("1", "first and last name"),
            ("Ada Lovelace", "date of birth"), ("12/10/1985", "Shall I book it?"),
            ("yes", "Confirmation code:")]
    for text, expected in rest:
        answer = texts(say(view, sender, text))
        sent.append(text)
        assert answer.count(expected) == 1, answer
    assert set(ports(cluster, mark, REST)) == {survivor_rasa.rasa_port}
    assert set(ports(cluster, mark, ACTIONS)) == {survivor_actions.action_port}
    # Nothing lost, nothing doubled: every message once, in order, in the shared tracker.
    events = tracker(view, sender)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == sent
    asked = [e for e in events if e["event"] == "bot" and "When would suit you" in (
        e.get("text") or "")]
    assert len(asked) == 1
