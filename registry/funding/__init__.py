"""The funding opportunities board (issue 22): open grants and contracts posted by members of
organisations that have signed the Accord, with the 12-week principle flagged for major
changes."""
