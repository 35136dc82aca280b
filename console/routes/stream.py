"""GET /api/stream: the live queue as server-sent events."""

from __future__ import annotations

import asyncio
import json
import time

from sanic import Blueprint, Request

from console.deps import Deps
from console.web import Staff, run


def blueprint(deps: Deps) -> Blueprint:
    bp = Blueprint("stream")
    settings, queue = deps.settings, deps.queue

    @bp.get("/api/stream")
    async def stream(request: Request) -> None:
        """Server-sent events: the queue snapshot on every change, a heartbeat every ~15 s.

        The session is checked on every poll (before anything is sent), not only at the
        heartbeat: after sign-out, expiry or a disabled account the stream says ``logout`` and
        ends within one poll interval, and no queue data follows."""
        staff: Staff = request.ctx.staff
        response = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        await response.send("retry: 2000\n\n")
        last_version: int | None = None
        last_beat = 0.0
        last_stats = 0.0
        while True:
            now = time.monotonic()
            if not await run(deps.sessions.alive, staff.session.digest):
                await response.send("event: logout\ndata: {}\n\n")
                break
            if now - last_beat >= settings.heartbeat_s:
                # The account may have been disabled mid-stream (its sessions end then too).
                if await deps.load_staff(staff.sid) is None:
                    await response.send("event: logout\ndata: {}\n\n")
                    break
                await run(queue.touch_agent, staff.username)
                await response.send(f"event: heartbeat\ndata: {json.dumps({'now': time.time()})}"
                                    "\n\n")
                last_beat = now
            version = await run(queue.version)
            if version != last_version or now - last_stats >= 60:
                snap = await deps.snapshot()
                snap["stats"] = await run(queue.stats)
                await response.send(f"event: queue\ndata: {json.dumps(snap)}\n\n")
                last_version = snap["version"]
                last_stats = now
            await asyncio.sleep(settings.stream_poll_s)
        await response.eof()

    return bp
