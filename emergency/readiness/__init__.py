"""Readiness before anything happens: each standby hub's readiness check (key-holders,
capacity, facilities), confirmed by its organisation's members from a phone; CVEC's list of
hubs whose check is out of date, and emailing their organisations; and volunteers' training."""
