"""The sign-up bench against the code before issue 16, in turns on this machine (issue 16, point 5).

    .venv/bin/python bench/registrations_before.py [--rounds 5]

Issue 16 measured ``bench/registrations.py`` on the machine of its day: "p95 2.9 s and 64
sign-ups/s (gunicorn × 2)", and asked for p95 ≤ 1 s and ≥ 150 sign-ups/s with questions. This
machine's speed drifts (the same code has given 78 and 238 sign-ups/s within an hour), so
figures from different hours do not compare. This bench runs both here, in turns, on the same
PostgreSQL and Redis:

- **before**: the last commit before issue 16 (``BEFORE``), checked out in a temporary git
  worktree (this checkout's history must hold it; it shares this virtualenv), as the issue
  measured it: two sync gunicorn workers, an event asking nothing; its own database
  (``bench_registrations_before``), since its migrations are older;
- **now**: this checkout, as production runs it (``cms/gunicorn.conf.py``), the event asking
  its four questions with workshops of 40, 40 and unlimited places.

Each is this checkout's ``bench/registrations.py`` (copied into the worktree for the code
before), so the client, the clock and the checks are the same. Prints each round, the medians,
and the ratios against the issue's own: 150 / 64 = 2.34× the sign-ups per second and
2.9 / 1.0 = 2.9× shorter p95. Exits non-zero if a run's check fails. The worktree is removed in
any case.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BEFORE = "8e5dc6e56fececda86abc4f9521d1f18128251cb"  # "Move the staff-group application …"
ISSUE_BEFORE = {"rate": 64.0, "p95": 2.9}  # what the issue measured on its day
ISSUE_TARGET = {"rate": 150.0, "p95": 1.0}


def _run(bench: Path, *options: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(  # noqa: S603 - our own bench
        [PYTHON, str(bench), *options],
        cwd=bench.parent.parent,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    text = out.stdout + out.stderr
    rate = re.search(r"sign-ups/s\s+([\d.]+)", text)
    p95 = re.search(r"latency p95\s+(\d+) ms", text)
    check = re.search(r"check\s+(.*)", text)
    if out.returncode or not (rate and p95):
        raise SystemExit(f"{bench} {' '.join(options)} failed:\n{text[-3000:]}")
    return {
        "rate": float(rate.group(1)),
        "p95": int(p95.group(1)) / 1000,
        "check": check.group(1) if check else "?",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    known = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{BEFORE}^{{commit}}"],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if known.returncode:
        raise SystemExit(f"this checkout's history does not hold {BEFORE}: clone it whole")
    place = Path(tempfile.mkdtemp(prefix="videnscenter-before-"))
    worktree = place / "before"
    subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), BEFORE],  # noqa: S607
        capture_output=True,
        check=True,
    )
    try:
        (worktree / ".venv").symlink_to(ROOT / ".venv")
        bench_before = worktree / "bench" / "registrations_now.py"
        shutil.copy(ROOT / "bench" / "registrations.py", bench_before)
        before_env = {"BENCH_DATABASE": "bench_registrations_before"}
        rounds = []
        for number in range(1, args.rounds + 1):
            before = _run(bench_before, "--no-questions", "--workers", "2", env=before_env)
            now = _run(ROOT / "bench" / "registrations.py")
            rounds.append((before, now))
            print(
                f"round {number}: before {before['rate']:.1f}/s p95 {before['p95']:.2f} s; "
                f"now {now['rate']:.1f}/s p95 {now['p95']:.2f} s; "
                f"{now['rate'] / before['rate']:.2f}× the rate, "
                f"p95 {before['p95'] / now['p95']:.2f}× shorter; check {now['check']}",
                flush=True,
            )
    finally:
        subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],  # noqa: S607
            capture_output=True,
            check=False,
        )
        shutil.rmtree(place, ignore_errors=True)

    def median(side: int, key: str) -> float:
        return statistics.median(pair[side][key] for pair in rounds)

    rate_ratios = [now["rate"] / before["rate"] for before, now in rounds]
    p95_ratios = [before["p95"] / now["p95"] for before, now in rounds]
    wanted_rate = ISSUE_TARGET["rate"] / ISSUE_BEFORE["rate"]
    wanted_p95 = ISSUE_BEFORE["p95"] / ISSUE_TARGET["p95"]
    print(
        f"\nmedians: before {median(0, 'rate'):.1f}/s p95 {median(0, 'p95'):.2f} s "
        f"(the issue's day: {ISSUE_BEFORE['rate']:.0f}/s, p95 {ISSUE_BEFORE['p95']} s); "
        f"now {median(1, 'rate'):.1f}/s p95 {median(1, 'p95'):.2f} s"
    )
    print(
        f"sign-ups/s: {statistics.median(rate_ratios):.2f}× before (median; "
        f"{min(rate_ratios):.2f}–{max(rate_ratios):.2f}), the issue asks {wanted_rate:.2f}×"
    )
    print(
        f"p95: {statistics.median(p95_ratios):.2f}× shorter than before (median; "
        f"{min(p95_ratios):.2f}–{max(p95_ratios):.2f}), the issue asks {wanted_p95:.2f}×"
    )
    scale = median(0, "rate") / ISSUE_BEFORE["rate"]
    print(
        f"this machine ran the code before at {scale:.2f}× the issue's day: the target scaled "
        f"to it is ≥ {ISSUE_TARGET['rate'] * scale:.0f}/s and p95 ≤ "
        f"{ISSUE_TARGET['p95'] * median(0, 'p95') / ISSUE_BEFORE['p95']:.2f} s"
    )
    if any(now["check"] != "OK" for _, now in rounds):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
