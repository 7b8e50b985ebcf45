"""Failure drills (issue 9): scripts that exit non-zero when a promise breaks."""
