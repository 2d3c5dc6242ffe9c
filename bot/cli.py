"""Command line of the assistant: ``python -m bot <command>`` (``--help`` lists them)."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable
from functools import partial

from bot.corpus import CorpusError
from bot.corpus.cli import add_commands as add_corpus_commands
from bot.handoff.cli import add_commands as add_agent_commands
from bot.services import (
    ServiceError,
    api_token,
    start_action_server,
    start_gateway,
    start_rasa,
)
from bot.settings import load_settings
from bot.supervisor import Supervisor
from bot.tickets.cli import add_commands as add_ticket_commands
from bot.tickets.store import TicketNotFound
from bot.training import TrainingError, ensure_model


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_run(args: argparse.Namespace) -> int:
    """Start the action server, the Rasa server and the gateway until interrupted."""
    settings = load_settings()
    model = ensure_model(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    token = api_token(settings)
    supervisor = Supervisor([
        partial(start_action_server, settings),
        *(partial(start_rasa, settings, model, token, worker)
          for worker in range(settings.rasa_workers)),
        partial(start_gateway, settings, token),
    ])
    try:
        services = supervisor.start()
        print(f"Starting {settings.rasa_workers} Rasa process(es) (about 15 s)...", flush=True)
        for service in services:  # started together; the gateway is ready once Rasa is
            service.wait_ready(timeout=240)
        print(
            "\nThe assistant is ready.\n"
            f"  Demo page with the chat widget:  {settings.gateway_url}/\n"
            f"  Health:  {settings.gateway_url}/health\n"
            f"  Conversations are kept in {settings.tracker_location}\n"
            f"  Logs: {settings.data_dir / 'logs'}\n"
            "A process that stops is restarted; Ctrl+C stops them all.",
            flush=True,
        )
        supervisor.run()  # until a crash loop (CrashLoop, a ServiceError) or Ctrl+C
    except KeyboardInterrupt:
        print("Stopping...", flush=True)
    finally:
        supervisor.stop()
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    root = argparse.ArgumentParser(prog="python -m bot", description="French FAQ assistant.")
    commands = root.add_subparsers(dest="command", required=True)

    add_corpus_commands(commands)
    commands.add_parser("run", help=cmd_run.__doc__).set_defaults(handler=cmd_run)
    add_ticket_commands(commands)
    add_agent_commands(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point; operator errors become one clear line and exit code 2."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except TicketNotFound as error:
        print(f"error: no ticket with reference {error}", file=sys.stderr)
        return 2
    except (CorpusError, TrainingError, ServiceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
