"""The JSON API over the queue: read (me, queue, stats, agents, one conversation) and the
actions (claim, reply, notes, hand back, resolve, reassign).

Every action goes through ``conversation_action`` (routes/conversation.py) for the shared
preamble; what is left here is each action's own work: Rasa first (pause, message, resume),
then the store, then the audit row.
"""

from __future__ import annotations

import time

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json as json_response

from actions.core.escalation.model import CLAIMED, WAITING
from actions.escalation.store import EntryNotFound
from console.deps import Deps
from console.rasa_client import RasaUnavailable
from console.routes.conversation import (
    NO_SUCH_CONVERSATION,
    STILL_OPEN,
    Action,
    Check,
    conversation_action,
    gone,
)
from console.web import RASA_DOWN, Staff, entry_json, error, permissions, run

OWNER_OR_SUPERVISOR_403 = ("Only the team member who claimed this conversation (or a "
                           "supervisor) can {}.")


def _may(action: str) -> Check:
    """403 unless ``permissions()`` allows ``action`` (handback, resolve)."""
    return Check(lambda staff, entry: permissions(staff, entry)[action], 403,
                 OWNER_OR_SUPERVISOR_403.format("do that"))


def blueprint(deps: Deps) -> Blueprint:
    bp = Blueprint("queue_api")
    queue, rasa = deps.queue, deps.rasa

    # ------------------------------------------------------------------ read
    @bp.get("/api/me")
    async def me(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        return json_response({**staff.account.public(), "csrf_token": staff.session.csrf_token,
                              "session_expires_at": staff.session.expires_at})

    @bp.get("/api/queue")
    async def get_queue(request: Request) -> HTTPResponse:
        return json_response(await deps.snapshot())

    @bp.get("/api/stats")
    async def get_stats(request: Request) -> HTTPResponse:
        return json_response(await run(queue.stats))

    @bp.get("/api/agents")
    async def get_agents(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        if not staff.is_supervisor:
            return error(403, "Only supervisors can list agents.")
        online = set(await run(queue.agents_online))
        listed = await run(deps.accounts.list)
        return json_response({"agents": [
            {**a.public(), "online": a.username in online} for a in listed if not a.disabled]})

    @bp.get("/api/conversations/<cid:str>")
    async def get_conversation(request: Request, cid: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        entry = await deps.find_entry(cid)
        if entry is None:
            return error(404, NO_SUCH_CONVERSATION)
        allowed = permissions(staff, entry)
        transcript, transcript_error = None, None
        if allowed["transcript"]:
            try:
                transcript = await rasa.transcript(cid)
            except RasaUnavailable:
                transcript_error = RASA_DOWN + " The transcript cannot be shown."
        notes = await run(queue.notes, cid) if allowed["notes"] else None
        position = await run(queue.position, cid) if entry.status == WAITING else None
        return json_response({
            "entry": entry_json(entry, time.time(), position),
            "transcript": transcript, "transcript_error": transcript_error,
            "notes": notes, "permissions": allowed})

    # ------------------------------------------------------------------ actions
    @bp.post("/api/conversations/<cid:str>/claim")
    @conversation_action(deps, STILL_OPEN)
    async def claim(request: Request, act: Action) -> HTTPResponse:
        cid, staff, entry = act.cid, act.staff, act.entry
        already_mine = entry.status == CLAIMED and entry.owner == staff.username
        try:
            won = await run(queue.claim, cid, staff.username)
        except EntryNotFound:
            return gone()
        if not won:
            owner = await run(queue.is_owned, cid)
            return error(409, "Another team member already claimed this conversation.",
                         owner=owner)
        if not already_mine:
            try:
                await rasa.take_over(cid, staff.username, staff.account.display_name)
            except RasaUnavailable:
                await run(queue.release, cid, staff.username)
                await deps.record("claim_failed", staff, cid, reason="rasa_unavailable")
                return error(502, RASA_DOWN + " The assistant could not be paused, so the "
                             "conversation went back to the queue. Try again.")
            await deps.record("claim", staff, cid)
        current = await run(queue.get, cid)
        return json_response({"ok": True, "entry": entry_json(current or entry, time.time())})

    @bp.post("/api/conversations/<cid:str>/reply")
    @conversation_action(
        deps,
        Check(lambda staff, entry: entry.owner == staff.username or staff.is_supervisor, 403,
              OWNER_OR_SUPERVISOR_403.format("reply")),
        Check(lambda staff, entry: entry.status == CLAIMED, 409,
              "Claim the conversation before replying."),
        with_text=True)
    async def reply(request: Request, act: Action) -> HTTPResponse:
        cid, staff, text = act.cid, act.staff, act.text
        try:
            await rasa.send_agent_message(cid, staff.username, text, staff.account.display_name)
        except RasaUnavailable:
            await deps.record("reply_failed", staff, cid, reason="rasa_unavailable")
            # The reply text comes back so the agent never loses what they typed.
            return error(502, RASA_DOWN + " Your message was NOT sent.", text=text)
        await deps.record("reply", staff, cid, chars=len(text))
        return json_response({"ok": True})

    @bp.post("/api/conversations/<cid:str>/notes")
    @conversation_action(
        deps,
        Check(lambda staff, entry: permissions(staff, entry)["notes"], 403,
              "Only the team member who owns this conversation (or a supervisor) can add "
              "notes."),
        with_text=True)
    async def add_note(request: Request, act: Action) -> HTTPResponse:
        await run(queue.add_note, act.cid, act.staff.username, act.text)
        await deps.record("note", act.staff, act.cid, chars=len(act.text))
        return json_response({"ok": True, "notes": await run(queue.notes, act.cid)})

    async def close(act: Action, how: str) -> HTTPResponse:
        """Hand back or resolve: Rasa resume + message first, then the entry closes."""
        cid, staff = act.cid, act.staff
        try:
            # Rasa first: closing the entry while the bot stays paused would strand the patient.
            if how == "handback":
                await rasa.hand_back(cid)
            else:
                await rasa.resolve(cid)
        except RasaUnavailable:
            await deps.record(f"{how}_failed", staff, cid, reason="rasa_unavailable")
            return error(502, RASA_DOWN + " Nothing changed; try again.")
        try:
            if how == "handback":
                await run(queue.hand_back, cid, staff.username)
            else:
                await run(queue.resolve, cid, staff.username)
        except EntryNotFound:
            return gone()
        await deps.record("hand_back" if how == "handback" else "resolve", staff, cid)
        return json_response({"ok": True})

    @bp.post("/api/conversations/<cid:str>/handback")
    @conversation_action(deps, STILL_OPEN, _may("handback"))
    async def hand_back(request: Request, act: Action) -> HTTPResponse:
        return await close(act, "handback")

    @bp.post("/api/conversations/<cid:str>/resolve")
    @conversation_action(deps, STILL_OPEN, _may("resolve"))
    async def resolve(request: Request, act: Action) -> HTTPResponse:
        return await close(act, "resolve")

    @bp.post("/api/conversations/<cid:str>/reassign")
    @conversation_action(deps, supervisors_only="Only supervisors can reassign conversations.")
    async def reassign(request: Request, act: Action) -> HTTPResponse:
        cid, staff, entry = act.cid, act.staff, act.entry
        target_name = act.data.get("agent")
        target = (await run(deps.accounts.get, target_name)
                  if isinstance(target_name, str) and target_name else None)
        if target is None or target.disabled:
            return error(400, "Choose an active staff account to reassign to.")
        # Open is checked after the target on purpose (STILL_OPEN would run before it): a bad
        # target is a 400 whatever the entry's state.
        if not entry.is_open:
            return gone()
        if entry.status == CLAIMED and entry.owner == target.username:
            return json_response({"ok": True, "entry": entry_json(entry, time.time())})
        try:
            await rasa.take_over(cid, target.username, target.display_name)
        except RasaUnavailable:
            await deps.record("reassign_failed", staff, cid, to=target.username,
                              reason="rasa_unavailable")
            return error(502, RASA_DOWN + " The conversation was not reassigned.")
        try:
            await run(queue.reassign, cid, target.username, staff.username)
        except EntryNotFound:
            return gone()
        await deps.record("reassign", staff, cid, to=target.username, previous=entry.owner)
        current = await run(queue.get, cid)
        return json_response({"ok": True, "entry": entry_json(current or entry, time.time())})

    return bp
