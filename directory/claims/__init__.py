"""Claiming a listing: a member asks to manage a service imported from a feed or listed by
someone else; the coordinator decides, or a matching email domain decides at once."""
