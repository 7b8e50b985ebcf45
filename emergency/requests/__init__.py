"""Requests and tasks in an incident: what a hub or CVEC needs, and who was asked to meet it."""
