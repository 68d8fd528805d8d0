"""`make bench`: every benchmark of the project, then one table of the ratios they printed.

    .venv/bin/python bench/run_all.py [--quick]

Each script seeds what it needs once (see bench/common.py) and prints its own table; the lines
with a ratio (×) are gathered here, per script, with the goal beside each. --quick runs the
scripts on fewer events, to try the machinery.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("api.py", ["--events", "2000"], ["--events", "300", "--runs", "3"]),
    ("feeds.py", ["--events", "2000"], ["--events", "300"]),
    ("registrations.py", [], []),
    ("registrations_before.py", ["--rounds", "5"], ["--rounds", "1"]),
    ("capacity.py", [], ["--steps", "20", "--seconds", "10"]),
    ("pipeline.py", [], ["--registrants", "200"]),
    ("webhooks.py", [], []),
    (
        "webhooks.py",
        ["--redis", "redis://127.0.0.1:6379/5"],
        ["--redis", "redis://127.0.0.1:6379/5"],
    ),
    ("growth.py", [], ["--sizes", "100", "300"]),
    ("widget.py", ["--events", "2000"], ["--events", "300", "--runs", "3"]),
    ("webinar.py", [], ["--registrants", "200"]),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    summary: list[tuple[str, str]] = []
    failed: list[str] = []
    started = time.monotonic()
    for script, full, quick in SCRIPTS:
        path = HERE / script
        if not path.exists():
            continue
        print(f"\n=== {script}", flush=True)
        result = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, str(path), *(quick if args.quick else full)],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=False,
        )
        print(result.stdout, end="")
        if result.returncode != 0:
            failed.append(script)
            print(result.stderr[-3000:], file=sys.stderr)
        summary += [(script, line.strip()) for line in result.stdout.splitlines() if "×" in line]

    print(
        f"\n=== Summary ({platform.node()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {time.monotonic() - started:.0f} s)"
    )
    for script, line in summary:
        print(f"{script:<18} {line}")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
