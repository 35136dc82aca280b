"""Batch pre-screening: the chat's own pipeline on each case's first message, asking nothing back.

    make triage-batch IN=cases.csv OUT=results.csv
    python -m actions.triage.batch IN.csv OUT.csv [--audit OUT.audit.jsonl]
    python -m actions.triage.batch --evaluate tests/triage_eval/dev_cases.csv   # with the LLM

Input columns: case_id,age,sex,message (extra columns ignored; age/sex may be blank).
Output columns: case_id,disposition,crisis,red_flags,llm_used,reason.
Every assessment also leaves an audit record (JSON lines, default OUT + ".audit.jsonl").
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from actions.core.privacy import conversation_hash
from actions.core.triage.evaluate import Outcome, metrics, read_cases, report
from actions.core.triage.interview import InterviewState

OUT_COLUMNS = ["case_id", "disposition", "crisis", "red_flags", "llm_used", "reason"]
REQUIRED = {"case_id", "message"}


class BatchInputError(ValueError):
    pass


def _age(value: str | None) -> float | None:
    try:
        age = float((value or "").strip())
    except ValueError:
        return None
    return age if 0 <= age <= 125 else None


def _sex(value: str | None) -> str | None:
    v = (value or "").strip().lower()
    return {"f": "female", "female": "female", "w": "female", "woman": "female",
            "m": "male", "male": "male", "man": "male"}.get(v)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = {c.strip() for c in reader.fieldnames or []}
        missing = REQUIRED - columns
        if missing:
            raise BatchInputError(
                f"{path}: missing column(s) {', '.join(sorted(missing))}; expected at least "
                "case_id,age,sex,message")
        return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]


def run_batch(in_path: Path, out_path: Path, audit_path: Path | None = None,
              progress: bool = True) -> list[dict[str, str]]:
    # Loads spaCy + the LLM: only when actually running.
    from actions.triage import service as triage_service

    rows = read_rows(in_path)
    results: list[dict[str, str]] = []
    audit_path = audit_path or out_path.with_name(out_path.name + ".audit.jsonl")
    t0 = time.monotonic()
    with out_path.open("w", newline="", encoding="utf-8") as out, \
            audit_path.open("w", encoding="utf-8") as audit:
        writer = csv.DictWriter(out, fieldnames=OUT_COLUMNS)
        writer.writeheader()
        for i, row in enumerate(rows, 1):
            message = row.get("message", "").strip()
            if not message:
                result = {"case_id": row.get("case_id", ""), "disposition": "",
                          "crisis": "false", "red_flags": "", "llm_used": "false",
                          "reason": "empty message: nothing to assess"}
            else:
                # Same text normalisation as the chat's interview, so both agree exactly.
                text = InterviewState(complaint=message).narrative()
                screen = triage_service.pre_screen(text, _age(row.get("age")),
                                                   _sex(row.get("sex")))
                # The why the patient read (never the engine's reason for another level).
                reasons = screen.reason
                result = {
                    "case_id": row.get("case_id", ""),
                    "disposition": screen.disposition,
                    "crisis": "true" if screen.crisis else "false",
                    "red_flags": ";".join(screen.assessment.red_flags),
                    "llm_used": "true" if screen.llm_used else "false",
                    "reason": reasons,
                }
                record = triage_service.audit_record(
                    conversation_hash(f"batch:{row.get('case_id', i)}"), screen, channel="batch")
                audit.write(json.dumps(record, default=str) + "\n")
            writer.writerow(result)
            results.append(result)
            if progress and i % 25 == 0:
                print(f"[triage-batch] {i}/{len(rows)} ({time.monotonic() - t0:.0f}s)",
                      file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path, nargs="?")
    parser.add_argument("--audit", type=Path, default=None)
    parser.add_argument("--evaluate", action="store_true",
                        help="input is a labelled set: run the batch and print the metrics")
    args = parser.parse_args(argv)
    if not args.input.is_file():
        print(f"error: input file {args.input} not found", file=sys.stderr)
        return 2
    output = args.output or Path("test-output") / (args.input.stem + ".results.csv")
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = run_batch(args.input, output, args.audit)
    except BatchInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"[triage-batch] wrote {len(results)} rows to {output}", file=sys.stderr)
    if args.evaluate:
        by_id = {r["case_id"]: r for r in results}
        outcomes = [
            Outcome(case, by_id[case.case_id]["disposition"],
                    by_id[case.case_id]["crisis"] == "true",
                    tuple(filter(None, by_id[case.case_id]["red_flags"].split(";"))))
            for case in read_cases(str(args.input))
        ]
        print(report(metrics(outcomes), outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
