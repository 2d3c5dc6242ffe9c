"""``python -m bot tickets ...``: the operators' view of the ticket store."""
from __future__ import annotations

import argparse

from bot.db.tables import Ticket, TicketStatus
from bot.db.tables.tickets import is_set
from bot.facts import TicketKind
from bot.settings import load_settings
from bot.tickets import open_store

TECHNICAL_COLUMNS = {"id", "idempotency_key"}  # not shown


def _row(ticket: Ticket) -> str:
    return (f"{ticket.reference:<16} {ticket.status.value:<21} {ticket.kind.value:<25} "
            f"{ticket.category:<24} {ticket.created_at:%Y-%m-%d %H:%M} {ticket.email}")


def cmd_list(args: argparse.Namespace) -> int:
    """List tickets, most recent first."""
    store = open_store(load_settings())
    tickets = store.list(status=args.status and TicketStatus(args.status),
                         kind=args.kind and TicketKind(args.kind), category=args.category,
                         limit=args.limit)
    for ticket in tickets:
        print(_row(ticket))
    if not tickets:
        print("no ticket")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Show one ticket with its history."""
    ticket = open_store(load_settings()).get(args.reference)
    for column in Ticket.__table__.columns:
        value = getattr(ticket, column.key)
        if column.key not in TECHNICAL_COLUMNS and is_set(value):
            print(f"{column.key:>18}: {getattr(value, 'value', value)}")
    print("           history:")
    for event in ticket.history:
        print(f"    {event.at:%Y-%m-%d %H:%M:%S} {event.status.value:<21} {event.actor}"
              + (f" - {event.note}" if event.note else ""))
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    """Change a ticket's status (recorded with the operator's name)."""
    ticket = open_store(load_settings()).set_status(
        args.reference, TicketStatus(args.status), args.actor, args.note)
    print(f"{ticket.reference}: {ticket.status.value}")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``tickets list|show|set-status`` on the main parser."""
    tickets = commands.add_parser("tickets", help="operators' view of the ticket store")
    sub = tickets.add_subparsers(dest="tickets_command", required=True)
    statuses = [s.value for s in TicketStatus]

    listing = sub.add_parser("list", help=cmd_list.__doc__)
    listing.add_argument("--status", choices=statuses)
    listing.add_argument("--kind", choices=[k.value for k in TicketKind])
    listing.add_argument("--category")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help=cmd_show.__doc__)
    show.add_argument("reference")
    show.set_defaults(handler=cmd_show)

    status = sub.add_parser("set-status", help=cmd_set_status.__doc__)
    status.add_argument("reference")
    status.add_argument("status", choices=statuses)
    status.add_argument("--actor", required=True, help="who makes the change (audit trail)")
    status.add_argument("--note", help="why, shown in the history")
    status.set_defaults(handler=cmd_set_status)

