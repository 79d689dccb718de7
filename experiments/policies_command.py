"""`nieuwkomers policies`: list the policies and how their levers differ from the 2013 baseline."""

from __future__ import annotations

import argparse
import textwrap

from model.parameters import LEVERS, PARAMS
from model.policies import POLICY_INFO

HELP = "List the policies and their levers (as differences from baseline_2013)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""
    parser.add_argument("--levers", action="store_true", help="also list every lever with its default")


def main(args: argparse.Namespace) -> int:
    """Print each policy with its title, lever differences and description."""
    for policy in POLICY_INFO.values():
        print(f"{policy.name}: {policy.title}")
        diff = policy.difference()
        if diff:
            for name, value in diff.items():
                print(f"    {name} = {value!r}  (baseline {PARAMS[name].default!r}; {PARAMS[name].label})")
        else:
            print("    (the defaults: no lever changed)")
        print(textwrap.indent(textwrap.fill(policy.description, 88), "    | "))
        print()
    if args.levers:
        print("Levers:")
        for name in LEVERS:
            p = PARAMS[name]
            print(f"    {name:30s} default {p.default!r:8}  {p.allowed():28s} {p.label}")
    return 0
