"""The `nieuwkomers` command line.

Each subcommand lives in its own module with ``HELP``, ``add_arguments(parser)``
and ``main(args) -> int``; this file only wires them up and turns bad input
into one clear line and exit code 2.

Two things hold for every command:

- SIGTERM (``kill``, a batch system's time limit) and SIGHUP (a closed
  terminal) stop it like Ctrl-C: what is finished is written, staging is
  removed, worker processes are stopped; the exit code is 128 + the signal.
- The shipped posterior (``model/data/posterior.csv``) is checked against the
  parameter spec when the model is imported; a problem is reported here as one
  line (exit 2) before a command runs, and ``--help`` works regardless.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import signal
import sys
from pathlib import Path

from experiments.errors import UsageError

#: The distribution's top-level packages (``pyproject.toml``); docs/ODD.md says why they are not one namespace.
PACKAGES = ("model", "agents", "experiments", "viz")


def shadowed_package() -> str | None:
    """Which of our packages another installed package would be imported instead of, in one line.

    The four packages are top-level names (the fixed API is ``from model import IntegrationModel``),
    so a package of another distribution named ``model`` or ``viz`` earlier on the path would be
    imported in their place and fail deep inside a command. Said here, before anything is imported.
    """
    home = Path(__file__).resolve().parents[1]
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None or Path(origin).resolve().parents[1] != home:
            where = f"at {Path(origin).parent}" if origin else "a namespace without files"
            return (f"another package named {name!r} ({where}) is imported instead of nieuwkomers' own "
                    f"(in {home}); install nieuwkomers in a virtual environment of its own, as `make setup` does")
    return None


SHADOWED = shadowed_package()

# Before anything imports the model: a broken shipped posterior is reported by `main` as one line
# instead of failing every import (model.posterior reads this). Only for this import: the variable is not
# left for other code in this process, or its child processes, to inherit.
_DEFER = "NIEUWKOMERS_DEFER_POSTERIOR_CHECK"
_SET_HERE = _DEFER not in os.environ
os.environ.setdefault(_DEFER, "1")
try:
    if SHADOWED is None:
        import model.posterior  # noqa: F401 - imported here, with the check deferred
finally:
    if _SET_HERE:
        os.environ.pop(_DEFER, None)

COMMANDS: dict[str, str] = {
    "policies": "experiments.policies_command",
    "run": "experiments.run",
    "compare": "experiments.compare",
    "validate": "experiments.validate",
    "sweep": "experiments.sweep",
    "sensitivity": "experiments.sensitivity",
    "stress": "experiments.stress",
    "calibrate": "experiments.calibrate",
    "design": "experiments.design",
    "app": "viz.launch",
}

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2
STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # handled like Ctrl-C (SIGINT)


class Stopped(KeyboardInterrupt):
    """A stop signal, raised like Ctrl-C's KeyboardInterrupt so that every ``finally`` cleans up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def handle_stop_signals() -> dict:
    """SIGTERM and SIGHUP raise `Stopped` in the main thread (a SIGHUP that is ignored, nohup, stays ignored).

    Returns the handlers replaced, to put back when the command is done.
    """
    previous = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is None:  # pragma: no cover - not POSIX
            continue
        try:
            handler = signal.getsignal(number)
            if handler is not signal.SIG_IGN:
                signal.signal(number, _stop)
                previous[number] = handler
        except ValueError:  # not the main thread (an embedding caller): leave signals alone
            break
    return previous


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every available subcommand."""
    parser = _Parser(prog="nieuwkomers", description=__doc__.splitlines()[0].strip("."))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_main=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    if SHADOWED:
        print(f"nieuwkomers: error: {SHADOWED}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = handle_stop_signals()
    try:
        from model import posterior  # checked when the model was imported (see above)

        if posterior.PROBLEM:
            raise UsageError(posterior.PROBLEM)
        return int(args._main(args) or EXIT_OK)
    except (UsageError, ValueError) as err:
        print(f"nieuwkomers {args.command}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except Stopped as stop:
        print(f"nieuwkomers {args.command}: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print(f"nieuwkomers {args.command}: interrupted", file=sys.stderr)
        return 130
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
