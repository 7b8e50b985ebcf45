"""Choosing a building by searching for it: the lookup (lookup.py) and its JSON for the
autocomplete (views.py). The field itself is accord/pickers.py, shared by both jobs' forms."""
