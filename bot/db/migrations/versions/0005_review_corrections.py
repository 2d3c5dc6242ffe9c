"""Agents' corrections of wrong bot answers (candidate training examples).

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("given_entry", sa.String(80)),
        sa.Column("right_entry", sa.String(80), nullable=False),
        sa.Column("agent", sa.String(60), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_corrections_conversation_id", "review_corrections",
                    ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_review_corrections_conversation_id", table_name="review_corrections")
    op.drop_table("review_corrections")
