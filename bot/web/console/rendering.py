"""What every console page shares: the templates (Jinja2, autoescaped: what customers
typed is shown inert) and the French labels of statuses, kinds and handoff reasons."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.db.tables import HandoffReason
from bot.facts import SERVICE_TIMEZONE

STATUS_LABELS = {
    "received": "Reçue", "in_progress": "En cours", "waiting_for_customer": "En attente du client",
    "resolved": "Traitée", "rejected": "Clôturée sans suite",
}
KIND_LABELS = {
    "request": "Demande", "maintenance_cancellation": "Résiliation maintenance",
    "licence_termination": "Résiliation licence", "contract_copy": "Copie de contrat",
}
REASON_LABELS = {
    HandoffReason.ASKED: "Demande à parler à un conseiller",
    HandoffReason.NOT_UNDERSTOOD: "Non compris deux fois",
    HandoffReason.VALIDATION: "Réponses refusées dans un formulaire",
    HandoffReason.NOT_HELPFUL: "Réponse jugée inutile",
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined)
_templates.globals.update(status_labels=STATUS_LABELS, kind_labels=KIND_LABELS,
                          reasons=REASON_LABELS)
_templates.filters["local"] = lambda moment: moment.astimezone(SERVICE_TIMEZONE)


def render(name: str, http_status: int = 200, **context: Any) -> web.Response:
    """A page from its template; never cached (it shows a live state)."""
    html = _templates.get_template(name).render(**context)
    return web.Response(text=html, content_type="text/html", status=http_status,
                        headers={"Cache-Control": "no-store"})
