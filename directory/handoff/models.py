"""How many signposting lists were sent to residents: numbers a day and channel, nothing of
whom they went to or what they listed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from accord.extensions import Model


class ListsSent(Model):
    __tablename__ = "lists_sent"

    day: Mapped[date] = mapped_column(primary_key=True)  # UK date
    channel: Mapped[str] = mapped_column(String(5), primary_key=True)  # "email" or "sms"
    count: Mapped[int] = mapped_column(default=0)
