#!/usr/bin/env python3
"""What the screening gate adds to a turn (issue: every message screened, < 30 ms p95).

    make bench-screen                 # or: .venvs/actions/bin/python bench/screen_latency.py

The gate costs one request from the Rasa process to the action server's
``action_safety_screen`` with a small, fixed-size tracker (``bot/safety_gate.screen_request``).
This script starts the real stack (Redis, action server, Rasa), then sends exactly that request
for a realistic mix of patient messages — answers to form questions, small talk, clinic
questions, long histories, Spanish, and emergencies — and prints p50 / p95 / max of:
- ``in-process``: the pure decision alone (``actions.core.safety.gate.decide``), baseline;
- ``round trip, idle``: the gate's real HTTP call, one at a time;
- ``round trip, loaded``: the same while 8 REST patients keep the Rasa server busy.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import ROOT, Stack

LONG_HISTORY = ("I have had a bit of a cough for a week and I'm tired after work, my knees ache on "
                "the stairs and I have not been sleeping well. ") * 25
# About 4,000 characters: a long pasted history whose last lines are an emergency.
LONG_EMERGENCY = (LONG_HISTORY
                  + "My mum says I should stop worrying, but I read that tiredness and aches "
                    "can be many things and I do not want to waste anyone's time. " * 6
                  + "Now my chest feels crushing and the pain is going into my left arm.")
MESSAGES: list[tuple[str, dict]] = [
    ("34", {"triage_complaint": "sore throat since yesterday", "triage_question": "q_age"}),
    ("no", {"triage_complaint": "sore throat since yesterday", "triage_question": "fever"}),
    ("about a 5 out of 10", {"triage_complaint": "my back hurts after lifting boxes"}),
    ("thanks", {}),
    ("what time do you open on saturday?", {}),
    ("I need to book a check-up next tuesday morning", {}),
    ("Jane Smith", {}),
    ("03/04/1985", {}),
    (LONG_HISTORY + "Anyway, can I book a visit?", {}),
    (LONG_EMERGENCY, {}),
    # A long answer typed during the interview: judged with the complaint and on its own.
    (LONG_HISTORY + "It got worse after the flu.", {"triage_complaint": "cough for a week",
                                                   "triage_question": "duration"}),
    ("hola, necesito una cita para mi hijo", {}),
    ("crushing chest pain going down my left arm and I'm sweating", {}),
    ("my dad collapsed and won't wake up", {}),
    ("I keep thinking about driving off the bridge tonight", {}),
    ("mi esposo no responde y no respira bien", {}),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(label: str, values: list[float]) -> str:
    return (f"{label:<34} n={len(values):<5} p50 {percentile(values, 50):7.1f} ms   "
            f"p95 {percentile(values, 95):7.1f} ms   max {max(values):7.1f} ms")


def request(text: str, slots: dict) -> dict:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    user = {"event": "user", "text": text, "parse_data": {"text": text, "intent": {},
                                                          "entities": []},
            "input_channel": "rest", "timestamp": time.time()}
    loop = {"name": "triage_form"} if slots.get("triage_complaint") else {}
    return {"next_action": "action_safety_screen", "sender_id": sender, "domain": {},
            "tracker": {"sender_id": sender, "slots": slots, "latest_message": user["parse_data"],
                        "events": [user], "paused": False, "followup_action": None,
                        "active_loop": loop, "latest_action_name": "action_listen"}}


LONG_CHARS = 1000  # a pasted history, not a chat message


def in_process(rounds: int) -> tuple[tuple[list[float], list[float]],
                                     tuple[list[float], list[float]]]:
    """Wall-clock and CPU times (each: chat-length messages, long pasted histories). CPU time does
    not count waiting for a core, so it compares runs on a busy machine fairly."""
    from actions.core.safety.gate import decide

    decide("warm up: mild cough")
    wall: tuple[list[float], list[float]] = ([], [])
    cpu: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for text, slots in MESSAGES:
            start, start_cpu = time.perf_counter(), time.process_time()
            decide(text, context=slots.get("triage_complaint", ""))
            bucket = 1 if len(text) > LONG_CHARS else 0
            wall[bucket].append((time.perf_counter() - start) * 1000)
            cpu[bucket].append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def round_trips(action_url: str, rounds: int,
                token: str) -> tuple[list[float], list[float]]:
    """(times for chat-length messages, times for long pasted histories)."""
    short: list[float] = []
    long: list[float] = []
    with httpx.Client(timeout=30, headers={"X-Action-Token": token}) as client:
        for _ in range(rounds):
            for text, slots in MESSAGES:
                body = request(text, slots)
                start = time.perf_counter()
                r = client.post(f"{action_url}/webhook", json=body)
                (long if len(text) > LONG_CHARS else short).append(
                    (time.perf_counter() - start) * 1000)
                r.raise_for_status()
    return short, long


def print_split(label: str, times: tuple[list[float], list[float]]) -> None:
    short, long = times
    print(summary(f"{label}, whole mix", short + long), flush=True)
    print(summary(f"{label}, <= {LONG_CHARS} chars", short), flush=True)
    print(summary(f"{label}, > {LONG_CHARS} chars", long), flush=True)


def background_load(stack: Stack, stop: threading.Event, patients: int) -> None:
    def patient(i: int) -> None:
        turns = ["hi", "what are your hours?", "I need an appointment", "a follow-up visit",
                 "stop", "thanks", "bye"]
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                sender = f"load-{i}-{uuid.uuid4().hex[:6]}"
                for text in turns:
                    if stop.is_set():
                        return
                    client.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                json={"sender": sender, "message": text})

    with ThreadPoolExecutor(patients) as pool:
        for i in range(patients):
            pool.submit(patient, i)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--patients", type=int, default=8)
    args = parser.parse_args(argv)
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    wall, cpu = in_process(args.rounds)
    print_split("in-process", wall)
    print_split("in-process CPU time", cpu)
    log_dir = ROOT / ".cache" / "bench-screen"
    log_dir.mkdir(parents=True, exist_ok=True)
    # The background load sends from one address faster than any patient: no rate limits here.
    stack = Stack(log_dir=log_dir,
                  extra_env={"RATE_LIMIT_PER_SENDER": "0", "RATE_LIMIT_PER_IP": "0"})
    stack.start(with_site=False)
    try:
        round_trips(stack.action_url, 1, stack.action_token)  # warm connections and caches
        print(f"load average (1 min) {os.getloadavg()[0]:.1f}", flush=True)
        print_split("round trip, idle", round_trips(stack.action_url, args.rounds,
                                                    stack.action_token))
        stop = threading.Event()
        loader = threading.Thread(target=background_load, args=(stack, stop, args.patients),
                                  daemon=True)
        loader.start()
        time.sleep(2)
        loaded = round_trips(stack.action_url, args.rounds, stack.action_token)
        stop.set()
        loader.join(timeout=60)
        print_split(f"loaded ({args.patients} pts)", loaded)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
