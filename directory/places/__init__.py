"""Organisations add and edit the community buildings they run or book (issue 21, the
Accord's theme 8: community buildings known and used).

A member's answers go to a draft (drafts.py), are checked on a page that shows the postcode on
a small map, then saved (buildings.py): a new building waits for the VCS Assembly coordinator;
an edit to a published building goes live at once, keeping the old values as a revision the
coordinator can revert (review.py)."""
