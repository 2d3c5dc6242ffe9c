"""``python -m bot agents add|list``: console accounts, created by an administrator."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timezone

from bot.db import open_database
from bot.handoff.agents import AgentStore
from bot.handoff.review import ReviewLog
from bot.settings import load_settings


def cmd_add(args: argparse.Namespace) -> int:
    """Create an agent account (the password is read from stdin or asked twice)."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    try:
        settings = load_settings()
        agent = AgentStore(open_database(settings), settings.clock).add(
            args.username, args.name, password)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"agent {agent.username} ({agent.display_name}) created")
    return 0


def cmd_review_export(args: argparse.Namespace) -> int:
    """Write agents' corrections as JSON lines for `python -m bot corpus merge-review`."""
    since = (datetime.fromisoformat(args.since).replace(tzinfo=timezone.utc)
             if args.since else None)
    settings = load_settings()
    log = ReviewLog(open_database(settings), settings.clock)
    if args.out == "-":
        count = log.export(sys.stdout, since)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            count = log.export(out, since)
    print(f"{count} correction(s) exported", file=sys.stderr)
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agents = commands.add_parser("agents", help="agent console accounts")
    sub = agents.add_subparsers(dest="agents_command", required=True)
    add = sub.add_parser("add", help=cmd_add.__doc__)
    add.add_argument("username")
    add.add_argument("--name", required=True, help="name shown to colleagues, e.g. 'Léa Martin'")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(handler=cmd_add)

    review = commands.add_parser("review", help="agents' corrections of the bot's answers")
    review_sub = review.add_subparsers(dest="review_command", required=True)
    export = review_sub.add_parser("export", help=cmd_review_export.__doc__)
    export.add_argument("--out", default="-", help="file to write (default: standard output)")
    export.add_argument("--since", help="only corrections from this date (YYYY-MM-DD)")
    export.set_defaults(handler=cmd_review_export)
