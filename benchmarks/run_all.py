"""Run every benchmark script in this folder (`make bench`), in name order, and stop at the first failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    """Run each ``bench_*.py`` with the current interpreter."""
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        code = subprocess.call([sys.executable, str(script)])
        if code != 0:
            print(f"{script.name} failed with exit code {code}", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
