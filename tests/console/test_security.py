"""Console security: sessions, lockout, CSRF, Origin, ownership rules, cookies, secrets at rest."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

import pytest
import redis

from actions.core.escalation.model import Reason, Summary
from console.auth import PAIR_FREE_FAILURES, SESSION_COOKIE
from tests.console.conftest import PASSWORDS, Console, start_console
from tests.console.harness import login, login_form_token, post_login

PAGES = ["/"]
API_GETS = ["/api/queue", "/api/stats", "/api/agents", "/api/me", "/api/stream",
            "/api/conversations/c1"]
API_POSTS = ["/api/conversations/c1/claim", "/api/conversations/c1/reply",
             "/api/conversations/c1/notes", "/api/conversations/c1/handback",
             "/api/conversations/c1/resolve", "/api/conversations/c1/reassign"]


def set_cookie_headers(response) -> dict[str, str]:
    out = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        out[name] = header
    return out


def test_without_session_pages_redirect_and_api_answers_401(console: Console) -> None:
    c = console.client()
    for path in PAGES:
        r = c.get(path)
        assert r.status_code == 302 and r.headers["location"] == "/login", path
    for path in API_GETS:
        r = c.get(path)
        assert r.status_code == 401 and r.json() == {"error": "Not signed in."}, path
    for path in API_POSTS:
        r = c.post(path, json={"text": "hi"}, headers={"X-CSRF-Token": "guess"})
        assert r.status_code == 401, path
    assert c.get("/health").status_code == 200
    assert c.get("/login").status_code == 200
    # A forged or stale session cookie is no session either.
    c.cookies.set(SESSION_COOKIE, "not-a-real-session")
    assert c.get("/api/queue").status_code == 401


def test_login_sets_a_hardened_cookie_and_rotates_the_session(console: Console) -> None:
    c = console.client()
    c.cookies.set(SESSION_COOKIE, "planted-by-an-attacker")
    response = post_login(c, "ann", PASSWORDS["ann"])
    assert response.status_code == 303 and response.headers["location"] == "/"
    header = set_cookie_headers(response)[SESSION_COOKIE]
    parsed = SimpleCookie()
    parsed.load(header)
    morsel = parsed[SESSION_COOKIE]
    assert morsel.value != "planted-by-an-attacker" and len(morsel.value) >= 40
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert int(morsel["max-age"]) == 8 * 3600
    assert not morsel["secure"]                      # CONSOLE_SECURE_COOKIES is off here
    # Logging in again (with that session) gives a new id and ends the old session.
    first = post_login(console.client(), "ann", PASSWORDS["ann"])
    old = SimpleCookie(set_cookie_headers(first)[SESSION_COOKIE])[SESSION_COOKIE].value
    token = login_form_token(console.client())
    second = console.client().post(
        "/login", data={"username": "ann", "password": PASSWORDS["ann"], "csrf_token": token},
        headers={"Cookie": f"console_login={token}; {SESSION_COOKIE}={old}"})
    assert second.status_code == 303
    new = SimpleCookie(set_cookie_headers(second)[SESSION_COOKIE])[SESSION_COOKIE].value
    assert new != old
    other = console.client()
    other.cookies.set(SESSION_COOKIE, old)
    assert other.get("/api/me").status_code == 401
    other.cookies.clear()
    other.cookies.set(SESSION_COOKIE, new)
    assert other.get("/api/me").json()["username"] == "ann"


def test_secure_flag_when_configured(redis_url, rclient, queue, accounts) -> None:
    c = start_console(redis_url, rclient, queue, accounts, secure_cookies=True)
    try:
        client = c.client()
        page = client.get("/login")
        assert "Secure" in set_cookie_headers(page)["console_login"]
        # httpx (rightly) keeps Secure cookies off plain http, so hand the token over by hand.
        token = SimpleCookie(set_cookie_headers(page)["console_login"])["console_login"].value
        response = client.post("/login", headers={"Cookie": f"console_login={token}"},
                               data={"username": "ann", "password": PASSWORDS["ann"],
                                     "csrf_token": token})
        assert response.status_code == 303
        header = set_cookie_headers(response)[SESSION_COOKIE]
        assert "Secure" in header and "HttpOnly" in header
    finally:
        for cl in c.clients:
            cl.close()
        c.served.stop()


def test_repeated_wrong_passwords_make_the_next_attempt_wait(console: Console) -> None:
    c = console.client()
    for attempt in range(PAIR_FREE_FAILURES):
        r = post_login(c, "bob", f"wrong-password-{attempt}")
        assert r.status_code == 401 and "Sign-in failed" in r.text
    r = post_login(c, "bob", f"wrong-password-{PAIR_FREE_FAILURES}")
    assert r.status_code == 401
    waiting = post_login(c, "bob", PASSWORDS["bob"])
    assert waiting.status_code == 429 and SESSION_COOKIE not in set_cookie_headers(waiting)
    assert "wait" in waiting.text and int(waiting.headers["retry-after"]) >= 1
    # Other accounts are not affected.
    assert post_login(console.client(), "ann", PASSWORDS["ann"]).status_code == 303
    whats = [fields["what"] for _id, fields in console.redis.xrange("audit:staff")]
    assert whats.count("login_failed") == PAIR_FREE_FAILURES + 1
    assert whats.count("login_throttled") == 1
    # Unlock (what the CLI does) lets the right password in at once.
    console.accounts.unlock("bob")
    assert post_login(c, "bob", PASSWORDS["bob"]).status_code == 303


def test_login_form_needs_its_pre_session_token(console: Console) -> None:
    c = console.client()
    login_form_token(c)
    r = c.post("/login", data={"username": "ann", "password": PASSWORDS["ann"],
                               "csrf_token": "forged"})
    assert r.status_code == 403 and SESSION_COOKIE not in set_cookie_headers(r)
    fresh = console.client()   # no token cookie at all
    r = fresh.post("/login", data={"username": "ann", "password": PASSWORDS["ann"],
                                   "csrf_token": "x"})
    assert r.status_code == 403


def test_cross_origin_posts_are_refused(console: Console) -> None:
    c = console.client()
    token = login(c, "ann", PASSWORDS["ann"])
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    evil = {"X-CSRF-Token": token, "Origin": "https://evil.example"}
    assert c.post("/api/conversations/c1/claim", headers=evil).status_code == 403
    assert c.post("/api/conversations/c1/claim",
                  headers={"X-CSRF-Token": token, "Origin": "null"}).status_code == 403
    assert c.post("/api/conversations/c1/claim",
                  headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}
                  ).status_code == 403
    # Login too: a cross-site login form post never reaches the password check.
    other = console.client()
    token_form = login_form_token(other)
    r = other.post("/login", data={"username": "ann", "password": PASSWORDS["ann"],
                                   "csrf_token": token_form},
                   headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert console.queue.get("c1").status == "waiting"
    # The console's own origin passes.
    own = {"X-CSRF-Token": token, "Origin": console.base_url}
    assert c.post("/api/conversations/c1/claim", headers=own).status_code == 200


def test_state_changing_requests_need_the_csrf_token(console: Console) -> None:
    c = console.client()
    token = login(c, "ann", PASSWORDS["ann"])
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    for path in API_POSTS:
        r = c.post(path, json={"text": "hello", "agent": "bob"})
        assert r.status_code == 403, path
        r = c.post(path, json={"text": "hello", "agent": "bob"},
                   headers={"X-CSRF-Token": token[:-2] + "xx"})
        assert r.status_code == 403, path
    assert console.rasa.calls == []
    assert console.queue.get("c1").status == "waiting"
    # Logout is state-changing too: without the token the session survives.
    assert c.post("/logout").status_code == 403
    assert c.get("/api/me").status_code == 200
    # The form field works as well as the header.
    r = c.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/api/me").status_code == 401
    # The token is per session: another session's token is useless.
    c2 = console.client()
    login(c2, "bob", PASSWORDS["bob"])
    assert c2.post("/api/conversations/c1/claim",
                   headers={"X-CSRF-Token": token}).status_code == 403


def test_agents_cannot_act_on_or_read_notes_of_entries_another_agent_owns(
        console: Console) -> None:
    ann, bob, sue = console.client(), console.client(), console.client()
    tokens = {name: login(client, name, PASSWORDS[name])
              for name, client in (("ann", ann), ("bob", bob), ("sue", sue))}
    console.queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST, chief_complaint="rash"))
    console.rasa.patient_says("c1", "I have a rash")
    ann_h = {"X-CSRF-Token": tokens["ann"]}
    bob_h = {"X-CSRF-Token": tokens["bob"]}
    sue_h = {"X-CSRF-Token": tokens["sue"]}
    assert ann.post("/api/conversations/c1/claim", headers=ann_h).status_code == 200
    assert ann.post("/api/conversations/c1/notes", headers=ann_h,
                    json={"text": "patient sounds worried"}).status_code == 200

    # Bob: no claim, reply, notes, hand back, resolve, reassign; no transcript or notes.
    claim = bob.post("/api/conversations/c1/claim", headers=bob_h)
    assert claim.status_code == 409 and claim.json()["owner"] == "ann"
    for path, body in (("reply", {"text": "hi"}), ("notes", {"text": "x"}),
                       ("handback", None), ("resolve", None), ("reassign", {"agent": "bob"})):
        r = bob.post(f"/api/conversations/c1/{path}", headers=bob_h, json=body)
        assert r.status_code == 403, path
    seen_by_bob = bob.get("/api/conversations/c1").json()
    assert seen_by_bob["notes"] is None and seen_by_bob["transcript"] is None
    assert seen_by_bob["entry"]["summary"]["chief_complaint"] == "rash"
    assert bob.get("/api/agents").status_code == 403

    # Ann (owner) and Sue (supervisor) see everything.
    for client in (ann, sue):
        data = client.get("/api/conversations/c1").json()
        assert [n["text"] for n in data["notes"]] == ["patient sounds worried"]
        assert data["transcript"][0] == {"role": "patient", "text": "I have a rash",
                                         "timestamp": 1.0, "agent": None}
    assert sue.post("/api/conversations/c1/notes", headers=sue_h,
                    json={"text": "supervisor checked"}).status_code == 200
    assert sue.post("/api/conversations/c1/reply", headers=sue_h,
                    json={"text": "A supervisor here."}).status_code == 200
    assert sue.post("/api/conversations/c1/reassign", headers=sue_h,
                    json={"agent": "bob"}).status_code == 200
    # Now Bob owns it and Ann is the outsider.
    assert bob.post("/api/conversations/c1/reply", headers=bob_h,
                    json={"text": "Bob here."}).status_code == 200
    assert ann.post("/api/conversations/c1/reply", headers=ann_h,
                    json={"text": "still me?"}).status_code == 403
    assert ann.get("/api/conversations/c1").json()["notes"] is None
    replies = [events[-1]["text"] for events in console.rasa.calls_for("c1")]
    assert "still me?" not in replies and "hi" not in replies
    assert "Bob here." in replies and "A supervisor here." in replies


def test_session_expires(redis_url, rclient, queue, accounts) -> None:
    c = start_console(redis_url, rclient, queue, accounts, session_hours=1.5 / 3600)
    try:
        client = c.client()
        response = post_login(client, "ann", PASSWORDS["ann"])
        assert "Max-Age=2" in set_cookie_headers(response)[SESSION_COOKIE]
        assert client.get("/api/me").status_code == 200
        time.sleep(2.5)
        assert client.get("/api/me").status_code == 401
        assert client.get("/").status_code == 302
    finally:
        for cl in c.clients:
            cl.close()
        c.served.stop()


def test_disabled_account_loses_its_session(console: Console) -> None:
    c = console.client()
    login(c, "ann", PASSWORDS["ann"])
    console.accounts.set_disabled("ann", True)
    assert c.get("/api/me").status_code == 401
    assert post_login(console.client(), "ann", PASSWORDS["ann"]).status_code == 401


def dump_everything(client: redis.Redis) -> str:
    """Every key and value in Redis, whatever its type, as one string."""
    parts = []
    for key in client.scan_iter("*"):
        kind = client.type(key)
        if kind == "string":
            value = client.get(key)
        elif kind == "hash":
            value = client.hgetall(key)
        elif kind == "list":
            value = client.lrange(key, 0, -1)
        elif kind == "set":
            value = client.smembers(key)
        elif kind == "zset":
            value = client.zrange(key, 0, -1, withscores=True)
        elif kind == "stream":
            value = client.xrange(key)
        else:
            value = kind
        parts.append(f"{key}={value!r}")
    return "\n".join(parts)


def test_passwords_are_never_stored_in_clear(console: Console, tmp_path, caplog) -> None:
    caplog.set_level("DEBUG")
    c = console.client()
    login(c, "ann", PASSWORDS["ann"])
    # Wrong passwords, one typed into the username field (it happens), and a slow-down.
    typo = "sue-supervises-all-4"
    post_login(console.client(), "sue", typo)
    post_login(console.client(), PASSWORDS["bob"], PASSWORDS["bob"])
    for attempt in range(PAIR_FREE_FAILURES + 2):
        post_login(console.client(), "bob", f"{typo}-{attempt}")
    dump = dump_everything(console.redis)
    assert "argon2id" in dump                             # the hashes are there ...
    for secret in [*PASSWORDS.values(), typo]:
        assert secret not in dump                         # ... the passwords are not
    # The same on disk: an uncompressed RDB snapshot.
    console.redis.config_set("dir", str(tmp_path))
    console.redis.config_set("rdbcompression", "no")
    console.redis.save()
    rdb = (tmp_path / "dump.rdb").read_bytes()
    assert b"argon2id" in rdb
    for secret in [*PASSWORDS.values(), typo]:
        assert secret.encode() not in rdb
    logs = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert "login_failed" in logs
    for secret in [*PASSWORDS.values(), typo]:
        assert secret not in logs


@pytest.mark.parametrize("path", ["/api/conversations/%2E%2E", "/api/conversations/" + "x" * 300])
def test_odd_ids_are_just_not_found(console: Console, path: str) -> None:
    c = console.client()
    login(c, "sue", PASSWORDS["sue"])
    assert c.get(path).status_code == 404
