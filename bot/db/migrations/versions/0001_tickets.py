"""Tickets and their status history.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KINDS = ("request", "maintenance_cancellation", "licence_termination", "contract_copy")
STATUSES = ("received", "in_progress", "waiting_for_customer", "resolved", "rejected")


def upgrade() -> None:
    kind = sa.Enum(*KINDS, name="ticket_kind")
    status = sa.Enum(*STATUSES, name="ticket_status")
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("kind", kind, nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("description", sa.Text),
        sa.Column("contract_number", sa.String(40)),
        sa.Column("requested_end_date", sa.Date),
        sa.Column("reason", sa.Text),
        sa.Column("customer_name", sa.String(120), nullable=False),
        sa.Column("company", sa.String(120)),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature_name", sa.String(120)),
        sa.Column("signed_at", sa.DateTime(timezone=True)),
        sa.Column("conversation_id", sa.String(120), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("conversation_id", "idempotency_key", name="uq_tickets_submission"),
    )
    op.create_index("ix_tickets_reference", "tickets", ["reference"], unique=True)
    op.create_index("ix_tickets_email", "tickets", ["email"])
    op.create_index("ix_tickets_conversation_id", "tickets", ["conversation_id"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ticket_events_ticket_id", "ticket_events", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_events_ticket_id", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_tickets_conversation_id", table_name="tickets")
    op.drop_index("ix_tickets_email", table_name="tickets")
    op.drop_index("ix_tickets_reference", table_name="tickets")
    op.drop_table("tickets")
    sa.Enum(name="ticket_status").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="ticket_kind").drop(op.get_bind(), checkfirst=True)
