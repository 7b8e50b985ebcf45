"""schedule: an index that holds each row's days and hours, for "open now" and "open on a day"

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-05 11:40:00

A search for services open now (or on a day) asks of each match whether one of its schedule
rows could open it then (directory/search/opening.py). With only the index on `service_id`,
each such row was read from the table for its days and hours. This index holds the columns
the question reads, so the rows are not visited; it leads with `service_id`, so it serves
every lookup of a service's rows as the old one did, which it replaces.

Measured at 50,000 services (bench/results.md, stop 37), with opening.py's plain LIKE on
SQLite and its EXISTS selecting a constant: SQLite's test of "mental health" open now, 3,722
matches, 16.4 -> 7.4 ms (the fastest of 5 replays); the need "mental-health" open now, its
fill 16.4 -> 6.9 ms. PostgreSQL's fill for the need (EXPLAIN ANALYZE, old and new in turn
three times): 27.9, 28.6, 19.9 -> 24.9, 20.6, 15.8 ms, an index-only scan.
"""

from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

HOURS = ["service_id", "byday", "bymonthday", "opens_at", "closes_at"]


def upgrade():
    op.create_index("ix_schedule_hours", "schedule", HOURS)
    op.drop_index("ix_schedule_service_id", table_name="schedule")


def downgrade():
    op.create_index("ix_schedule_service_id", "schedule", ["service_id"])
    op.drop_index("ix_schedule_hours", table_name="schedule")
