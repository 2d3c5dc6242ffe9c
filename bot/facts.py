"""The service's facts, stated once: who customers can call and when, where to write, the
kinds of request they can file and their references.

Everything here comes from the seed FAQ page (``../shared/seed``); actions, the gateway, the
opening hours and the templates read it from here, and a test pins ``domain.yml``'s static
replies to it.
"""
from __future__ import annotations

import enum
import re
from zoneinfo import ZoneInfo

SERVICE_TIMEZONE = ZoneInfo("Europe/Brussels")


class TicketKind(str, enum.Enum):
    """What a customer can file through the assistant; each has its reference prefix."""

    REQUEST = "request"                                    # "Mes demandes en ligne"
    MAINTENANCE_CANCELLATION = "maintenance_cancellation"  # maintenance contract notice
    LICENCE_TERMINATION = "licence_termination"            # monthly licence termination
    CONTRACT_COPY = "contract_copy"                        # copy of a contract

    @property
    def prefix(self) -> str:
        return REFERENCE_PREFIXES[self]


REFERENCE_PREFIXES = {
    TicketKind.REQUEST: "DEM",
    TicketKind.MAINTENANCE_CANCELLATION: "RES",
    TicketKind.LICENCE_TERMINATION: "LIC",
    TicketKind.CONTRACT_COPY: "COP",
}
# "DEM-2026-000042": prefix of the kind, year of filing, six-digit number.
REFERENCE = re.compile(
    rf"\b(?P<prefix>{'|'.join(REFERENCE_PREFIXES.values())})[\s-]?(?P<year>\d{{4}})[\s-]?"
    r"(?P<number>\d{6})\b", re.IGNORECASE)


def format_reference(kind: TicketKind, year: int, number: int) -> str:
    """``DEM-2026-000042``."""
    return f"{kind.prefix}-{year}-{number:06d}"


def find_reference(text: str) -> str | None:
    """``DEM-2026-000042`` from whatever surrounds it ("ma demande dem 2026 000042 svp")."""
    match = REFERENCE.search(text or "")
    if not match:
        return None
    return f"{match['prefix'].upper()}-{match['year']}-{match['number']}"
