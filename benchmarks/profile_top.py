"""Where a default run spends its time: the model's top functions over 5 runs, building included.

Run: ``.venv/bin/python benchmarks/profile_top.py [--runs N] [--top K]`` (pyinstrument).
Prints each top-level function of ``model/`` and ``agents/`` (the mechanisms a
month calls, and the pieces of building a model) with its seconds and share.
The tables in ``benchmarks/README.md`` come from this script.
"""

from __future__ import annotations

import argparse

from pyinstrument import Profiler

from model import IntegrationModel

SKIP = {"step", "run_for", "__init__", "<module>", "_do_step"}  # containers, not mechanisms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args()
    IntegrationModel(rng=99).run_for(12)  # imports and first-call costs out of the way
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for seed in range(args.runs):
        IntegrationModel(rng=seed).run_for(120)
    profiler.stop()
    root = profiler.last_session.root_frame()
    seconds: dict[str, float] = {}

    def walk(frame) -> None:
        path = frame.file_path or ""
        if ("/model/" in path or "/agents/" in path) and frame.function not in SKIP:
            seconds[frame.function] = seconds.get(frame.function, 0.0) + frame.time
            return
        for child in frame.children:
            walk(child)

    walk(root)
    print(f"{args.runs} default runs, building included: {root.time:.2f} s")
    for name, t in sorted(seconds.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {name:28s} {t:6.3f} s {100 * t / root.time:4.0f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
