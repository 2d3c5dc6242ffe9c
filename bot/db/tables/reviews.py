"""Agents' corrections of the bot's answers (candidate training examples for maintainers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UtcDateTime


class ReviewCorrection(Base):
    """An agent's verdict that the bot answered a customer message wrongly, with the right
    FAQ entry: exported for maintainers as a candidate training example."""

    __tablename__ = "review_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    text: Mapped[str] = mapped_column(Text)
    given_entry: Mapped[str | None] = mapped_column(String(80))
    right_entry: Mapped[str] = mapped_column(String(80))
    agent: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
