#!/usr/bin/env python3
"""Load benchmark: this assistant vs. a vanilla Rasa 3.6.21 project, same data, same run.

    make bench                      # 50 simulated patients, 20 client threads
    make bench ARGS="--senders 100 --threads 30"
    make bench CLUSTER=1            # cluster mode: 1 x 1 vs 2 x 2 copies behind nginx

Both Rasa servers get exactly the same conversations over the REST channel, one after the other
on this machine (never at the same time, so they don't compete for the 2 cores). The vanilla
project is `rasa init`'s default config (DIET + ResponseSelector + TED + UnexpecTED, in-memory
tracker store, 1 Sanic worker) trained on our domain, NLU data, rules and stories; it shares our
action server for the one custom action. Prints throughput, p50/p95 per turn type, RSS and time
to ready for both, then the ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import ROOT, VENVS, Proc, Stack, free_port, http_get

CACHE = ROOT / ".cache" / "bench"
RESULTS = ROOT / "bench" / "results"

# (turn type, message): one simulated patient's conversation.
CONVERSATION: list[tuple[str, str]] = [
    ("greeting", "hi"),
    ("menu", "what can you do?"),
    ("faq", "what are your opening hours on saturday?"),
    ("scheduling", "I need to book an appointment"),
    ("scheduling", "a follow-up visit"),
    ("scheduling", "blood pressure check"),
    # Parses the day in the clinic's time zone and searches the appointment book for 3 slots.
    ("scheduling_slots", "next tuesday morning"),
    ("scheduling", "stop"),
    # A red flag in the first symptom message: the 911 reply must not wait for the LLM.
    ("red_flag_emergency", "crushing chest pain going down my left arm and I'm sweating"),
    ("small_talk", "thanks"),
    ("goodbye", "bye"),
]

# Measured apart from the REST load (printed on their own lines).
SEPARATE = {"llm_prescreen", "sms_ack"}

VANILLA_CONFIG = """recipe: default.v1
assistant_id: vanilla_bench
language: en
pipeline:
policies:
"""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def tree_rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 1e6


@dataclass
class Result:
    name: str
    ready_s: float
    wall_s: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    rss_mb: float = 0.0

    @property
    def all_latencies(self) -> list[float]:
        return [x for k, v in self.latencies.items() if k not in SEPARATE for x in v]

    @property
    def throughput(self) -> float:
        return len(self.all_latencies) / self.wall_s if self.wall_s else 0.0


def drive(rasa_url: str, name: str, senders: int, threads: int, ready_s: float,
          pid: int) -> Result:
    result = Result(name=name, ready_s=ready_s)
    lock = threading.Lock()
    run_id = hashlib.sha256(f"{name}{time.time()}".encode()).hexdigest()[:6]
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=120)
        return local.client

    def patient(i: int) -> None:
        sender = f"bench-{run_id}-{i}"
        for kind, text in CONVERSATION:
            t0 = time.perf_counter()
            try:
                r = client().post(f"{rasa_url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": text})
                ok = r.status_code == 200 and bool(r.json())
            except httpx.HTTPError:
                ok = False
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    result.latencies.setdefault(kind, []).append(dt)
                else:
                    result.errors += 1

    # Warm-up (not measured): first turns load lazy parts of both servers.
    for i in range(3):
        httpx.post(f"{rasa_url}/webhooks/rest/webhook",
                   json={"sender": f"warmup-{run_id}-{i}", "message": "hello"}, timeout=120)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(patient, range(senders)))
    result.wall_s = time.perf_counter() - t0
    result.rss_mb = tree_rss_mb(pid)
    return result


# Pre-screens that end in the LLM step (no red flag): the last turn runs the local model.
LLM_COMPLAINTS = [
    "I've had a sore throat and a blocked nose for two days",
    "my lower back hurts after lifting boxes yesterday",
    "I have a rash on my arm that itches",
    "my ears feel blocked since my cold",
    "I twisted my ankle playing football, it's a bit swollen",
    "I've had heartburn after dinner most nights this week",
]


def llm_turns(rasa_url: str, rounds: int) -> list[float]:
    """Latency (ms) of the pre-screening turn that runs the LLM, one patient at a time (the
    local model serves one generation at a time; this is the latency a patient sees)."""
    out: list[float] = []
    with httpx.Client(timeout=120) as client:
        for i in range(rounds):
            sender = f"bench-llm-{time.time_ns()}-{i}"
            text = LLM_COMPLAINTS[i % len(LLM_COMPLAINTS)]
            for _ in range(10):
                t0 = time.perf_counter()
                reply = client.post(f"{rasa_url}/webhooks/rest/webhook",
                                    json={"sender": sender, "message": text}).json()
                dt = (time.perf_counter() - t0) * 1000
                asks = any(b.get("title") == "I don't know" for m in reply
                           for b in m.get("buttons", []))
                if not asks:
                    out.append(dt)
                    break
                text = "I don't know"
    return out


def sms_acks(stack: Stack, count: int, threads: int) -> list[float]:
    """Ack latency (ms) of signed Twilio SMS webhooks while their turns (incl. symptom checks)
    run in the background: Twilio needs the HTTP answer fast, the reply goes out later."""
    from twilio.request_validator import RequestValidator

    url = f"{stack.rasa_url}/webhooks/twilio_sms/webhook"
    validator = RequestValidator(stack.twilio_auth_token)
    to = stack.base_env()["TWILIO_SMS_FROM"]

    def one(i: int) -> float:
        params = {"MessageSid": f"SM{time.time_ns():x}{i:04d}", "AccountSid":
                  stack.twilio_account_sid, "From": f"+1555{9_000_000 + i:07d}", "To": to,
                  "Body": LLM_COMPLAINTS[i % len(LLM_COMPLAINTS)], "NumMedia": "0"}
        headers = {"X-Twilio-Signature": validator.compute_signature(url, params)}
        t0 = time.perf_counter()
        r = httpx.post(url, data=params, headers=headers, timeout=30)
        dt = (time.perf_counter() - t0) * 1000
        return dt if r.status_code == 200 else float("nan")

    with ThreadPoolExecutor(max_workers=threads) as pool:
        acks = list(pool.map(one, range(count)))
    # Let the background turns finish (every sender gets its reply) before anything else is
    # timed, so the next measurement does not share the CPU with them.
    recorder = stack.twilio_recorder
    deadline = time.monotonic() + 180
    while recorder and time.monotonic() < deadline:
        answered = {m["To"] for m in recorder.messages()}
        if all(f"+1555{9_000_000 + i:07d}" in answered for i in range(count)):
            break
        time.sleep(0.5)
    return acks


def vanilla_project() -> Path:
    """`rasa init`'s default config on our domain and data; trained once, cached by hash."""
    project = CACHE / "vanilla"
    h = hashlib.sha256(VANILLA_CONFIG.encode())
    for rel in ["bot/domain.yml", "data/nlu", "data/rules", "data/stories"]:
        path = ROOT / rel
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if f.is_file():
                h.update(f.read_bytes())
    key = h.hexdigest()
    model = project / "models" / "vanilla.tar.gz"
    stamp = project / ".stamp"
    if model.exists() and stamp.exists() and stamp.read_text() == key:
        return model
    if project.exists():
        shutil.rmtree(project)
    (project / "data").mkdir(parents=True)
    (project / "config.yml").write_text(VANILLA_CONFIG)
    shutil.copy(ROOT / "bot/domain.yml", project / "domain.yml")
    for sub in ("nlu", "rules", "stories"):
        shutil.copytree(ROOT / "data" / sub, project / "data" / sub)
    print("[bench] training the vanilla Rasa project (default DIET/TED config; cached after)",
          flush=True)
    log = project / "train.log"
    with log.open("w") as fh:
        subprocess.run(
            [str(VENVS / "bot/bin/rasa"), "train", "--config", "config.yml", "--domain",
             "domain.yml", "--data", "data", "--out", "models", "--fixed-model-name", "vanilla"],
            cwd=project, stdout=fh, stderr=subprocess.STDOUT, check=True,
        )
    stamp.write_text(key)
    return model


def start_vanilla(model: Path, action_url: str, log_dir: Path,
                  action_token: str) -> tuple[Proc, str, float]:
    port = free_port()
    endpoints = model.parent.parent / "endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: {action_url}/webhook\n"
                         f"  headers:\n    X-Action-Token: {action_token}\n")
    (model.parent.parent / "credentials.yml").write_text("rest:\n")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env.pop("SANIC_WORKERS", None)
    proc = Proc(
        "vanilla-rasa",
        [str(VENVS / "bot/bin/rasa"), "run", "--model", str(model), "--endpoints",
         str(endpoints), "--credentials", str(model.parent.parent / "credentials.yml"),
         "--port", str(port), "--interface", "127.0.0.1", "--enable-api"],
        env, log_dir / "vanilla-rasa.log",
    ).start()
    url = f"http://127.0.0.1:{port}"
    ready = proc.wait_ready(
        lambda: http_get(f"{url}/status")[0] == 200 and b"model_file" in http_get(
            f"{url}/status")[1], timeout=300)
    return proc, url, ready


def report(results: list[Result]) -> None:
    kinds = list(dict.fromkeys(k for k, _ in CONVERSATION))  # each turn type once, in order
    ours, vanilla = results
    print("\n=== REST load: {} patients x {} turns ===".format(
        len(ours.latencies.get("greeting", [])), len(CONVERSATION)))
    header = f"{'':28}" + "".join(f"{r.name:>22}" for r in results) + f"{'ratio':>10}"
    print(header)

    def row(label: str, a: float, b: float, fmt: str, better_low: bool) -> None:
        ratio = (b / a if better_low else a / b) if a and b else float("nan")
        print(f"{label:28}{a:>22{fmt}}{b:>22{fmt}}{ratio:>9.1f}x")

    row("throughput (msg/s)", ours.throughput, vanilla.throughput, ".1f", better_low=False)
    row("p50 latency, all (ms)", percentile(ours.all_latencies, 50),
        percentile(vanilla.all_latencies, 50), ".0f", better_low=True)
    row("p95 latency, all (ms)", percentile(ours.all_latencies, 95),
        percentile(vanilla.all_latencies, 95), ".0f", better_low=True)
    for kind in kinds:
        row(f"  {kind} p50 (ms)", percentile(ours.latencies.get(kind, []), 50),
            percentile(vanilla.latencies.get(kind, []), 50), ".0f", better_low=True)
        row(f"  {kind} p95 (ms)", percentile(ours.latencies.get(kind, []), 95),
            percentile(vanilla.latencies.get(kind, []), 95), ".0f", better_low=True)
    row("Rasa server RSS (MB)", ours.rss_mb, vanilla.rss_mb, ".0f", better_low=True)
    row("time to ready (s)", ours.ready_s, vanilla.ready_s, ".1f", better_low=True)
    print(f"{'errors':28}{ours.errors:>22}{vanilla.errors:>22}")
    if ours.latencies.get("sms_ack"):
        acks = [x for x in ours.latencies["sms_ack"] if x == x]  # drop failures (NaN)
        print(f"\nSMS webhook ack (signed Twilio webhooks, turns running in the background, "
              f"n={len(acks)}/{len(ours.latencies['sms_ack'])}): p50 {percentile(acks, 50):.0f} "
              f"ms, p95 {percentile(acks, 95):.0f} ms (target < 200 ms)")
    if ours.latencies.get("llm_prescreen"):
        llm = ours.latencies["llm_prescreen"]
        print(f"\nLLM pre-screening turn (this assistant, one patient at a time, n={len(llm)}): "
              f"p50 {percentile(llm, 50):.0f} ms, p95 {percentile(llm, 95):.0f} ms "
              f"(target p95 < 4000 ms)")
    print("(ratio > 1 means this assistant is better: faster, lighter or quicker to start)")


def cluster_report(results: list[Result], sizes: list[tuple[int, int]]) -> None:
    print(f"\n=== Cluster mode: the same REST load through nginx "
          f"({len(results[0].latencies.get('greeting', []))} patients x {len(CONVERSATION)} "
          f"turns), one size after the other ===")
    names = [f"{k} Rasa x {m} actions" for k, m in sizes]
    print(f"{'':28}" + "".join(f"{n:>24}" for n in names))
    rows = [
        ("throughput (msg/s)", [r.throughput for r in results], ".1f"),
        ("p50 latency, all (ms)", [percentile(r.all_latencies, 50) for r in results], ".0f"),
        ("p95 latency, all (ms)", [percentile(r.all_latencies, 95) for r in results], ".0f"),
        ("RSS, all copies (MB)", [r.rss_mb for r in results], ".0f"),
        ("time to ready (s)", [r.ready_s for r in results], ".1f"),
    ]
    for label, values, fmt in rows:
        print(f"{label:28}" + "".join(f"{v:>24{fmt}}" for v in values))
    print(f"{'errors':28}" + "".join(f"{r.errors:>24}" for r in results))
    print("(on a 2-core machine more copies share the same cores: the point is no loss and no "
          "errors, not a speed-up)")


def run_cluster_mode(args: argparse.Namespace) -> int:
    """1 x 1 and then 2 x 2 copies behind the same nginx set-up (scripts/cluster.py), each
    driven with the same conversations; never both at once."""
    from scripts.cluster import Cluster

    sizes = [(1, 1), (2, 2)]
    results: list[Result] = []
    for rasa_count, action_count in sizes:
        name = f"{rasa_count}x{action_count}"
        print(f"[bench] cluster {name}: starting", flush=True)
        t0 = time.monotonic()
        cluster = Cluster(base_dir=RESULTS / f"cluster-{name}", rasa_count=rasa_count,
                          action_count=action_count, keep_data=False, durable_db=False,
                          with_console=False, with_site=False)
        cluster.start()
        try:
            ready = time.monotonic() - t0
            print(f"[bench] cluster {name}: {args.senders} patients, {args.threads} threads",
                  flush=True)
            result = drive(cluster.lb_url, name, args.senders, args.threads, ready,
                           os.getpid())
            procs = [n.rasa for n in cluster.rasa_nodes] + [n.actions for n in
                                                           cluster.action_nodes]
            result.rss_mb = sum(tree_rss_mb(p.pid) for p in procs if p is not None)
            results.append(result)
        finally:
            cluster.stop()
    cluster_report(results, sizes)
    return 0 if all(r.errors == 0 for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--llm-rounds", type=int, default=12)
    parser.add_argument("--sms", type=int, default=60, help="signed SMS webhooks for the ack test")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SANIC_WORKERS", 2)),
                        help="Sanic workers for this assistant's Rasa server")
    parser.add_argument("--cluster", action="store_true",
                        help="cluster mode: 1 x 1 vs 2 x 2 copies behind nginx, nothing else")
    args = parser.parse_args(argv)
    if args.cluster:
        RESULTS.mkdir(parents=True, exist_ok=True)
        return run_cluster_mode(args)

    RESULTS.mkdir(parents=True, exist_ok=True)
    log_dir = RESULTS / "logs"
    model = vanilla_project()
    # A load test sends from one address faster than any patient: no rate limits here.
    stack = Stack(log_dir=log_dir, rasa_workers=args.workers,
                  extra_env={"RATE_LIMIT_PER_SENDER": "0", "RATE_LIMIT_PER_IP": "0"})
    stack.start(with_site=False)
    assert stack.rasa is not None  # start() launched it (or raised)
    results: list[Result] = []
    try:
        print(f"[bench] this assistant: {args.senders} patients, {args.threads} threads, "
              f"{args.workers} Sanic workers", flush=True)
        results.append(drive(stack.rasa_url, "this assistant", args.senders, args.threads,
                             stack.ready_seconds["rasa"], stack.rasa.pid))
        print(f"[bench] SMS webhook acks ({args.sms}, {min(args.threads, 10)} threads)",
              flush=True)
        results[0].latencies["sms_ack"] = sms_acks(stack, args.sms, min(args.threads, 10))
        print(f"[bench] LLM pre-screening turns ({args.llm_rounds}, sequential)", flush=True)
        results[0].latencies["llm_prescreen"] = llm_turns(stack.rasa_url, args.llm_rounds)
        stack.rasa.stop()
        print("[bench] vanilla Rasa 3.6.21 (default config)", flush=True)
        vproc, vurl, vready = start_vanilla(model, stack.action_url, log_dir,
                                              stack.action_token)
        try:
            results.append(drive(vurl, "vanilla Rasa 3.6", args.senders, args.threads, vready,
                                 vproc.pid))
        finally:
            vproc.stop()
    finally:
        stack.stop()
    report(results)
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
