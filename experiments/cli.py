"""The `nieuwkomers` command line.

Each subcommand lives in its own module with ``HELP``, ``add_arguments(parser)``
and ``main(args) -> int``; this file only wires them up and turns bad input
into one clear line and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from experiments.errors import UsageError

COMMANDS: dict[str, str] = {
    "policies": "experiments.policies_command",
    "run": "experiments.run",
    "compare": "experiments.compare",
    "validate": "experiments.validate",
    "sweep": "experiments.sweep",
    "sensitivity": "experiments.sensitivity",
    "stress": "experiments.stress",
    "calibrate": "experiments.calibrate",
    "app": "viz.launch",
}

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every available subcommand."""
    parser = _Parser(prog="nieuwkomers", description=__doc__.splitlines()[0].strip("."))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name == module_name:
                continue  # not built yet
            raise
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_main=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._main(args) or EXIT_OK)
    except (UsageError, ValueError) as err:
        print(f"nieuwkomers {args.command}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"nieuwkomers {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
