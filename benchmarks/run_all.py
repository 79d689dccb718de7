"""Run every benchmark script in this folder (`make bench`), in name order; exit non-zero if any failed.

Every script runs, also after one has failed (a timing target missed on a busy machine must not keep the
load test of the hosted app, `bench_app_load.py`, from running); the failures are listed at the end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    """Run each ``bench_*.py`` with the current interpreter."""
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        code = subprocess.call([sys.executable, str(script)])
        if code != 0:
            print(f"{script.name} failed with exit code {code}", file=sys.stderr, flush=True)
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
