"""Handing the signposting list to a resident: sent once by email or text message through the
outbox, their address or number forgotten as soon as it has gone; only a count is kept."""
