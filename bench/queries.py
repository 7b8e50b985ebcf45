"""The 30 searches a frontline worker would type in a day, the mix every search benchmark runs
(bench/search_mix.py in-process, bench/load.py under gunicorn): with and without words,
misspellings, plurals, joined words, stop words, a need chosen from the list, postcodes and
towns across SY and TF, radii from 1 to 20 miles, and the filters people use (open now,
free). Each is the query string of a `/directory` search.
"""

from __future__ import annotations

from urllib.parse import urlencode

# (words, need, where, radius, other filters)
MIX: list[tuple[str, str, str, int, dict[str, str]]] = [
    ("food bank", "", "SY1 1UJ", 5, {}),
    ("food", "", "TF3 4NB", 3, {}),
    ("foodbank", "", "SY11 1PW", 10, {}),
    ("lunch club", "", "SY8 1AZ", 5, {}),
    ("lunchclub", "", "TF9 3AA", 10, {}),
    ("luch club older people", "", "SY13 1AA", 10, {}),
    ("counselling", "", "TF1 1HF", 5, {}),
    ("councelling", "", "SY3 8HQ", 3, {}),
    ("carers", "", "SY4 5DA", 10, {}),
    ("help for carers", "", "SY2 5AA", 5, {}),
    ("carer support", "", "TF2 6AA", 3, {}),
    ("debt advice", "", "TF7 4AA", 5, {}),
    ("benifits advice", "", "SY5 0AA", 10, {}),
    ("walking", "", "SY7 8DX", 10, {}),
    ("walking group", "", "TF12 5AA", 5, {}),
    ("warm space", "", "TF11 8AA", 3, {}),
    ("warmspace", "", "SY12 0AA", 10, {}),
    ("befriending", "", "SY6 6AA", 20, {}),
    ("befriend", "", "Ludlow", 10, {}),
    ("dementia", "", "Oswestry", 10, {}),
    ("mentalhealth", "", "Telford", 5, {}),
    ("mental health", "", "SY1 1UJ", 1, {"when": "now"}),
    ("bereavement", "", "TF10 7AA", 20, {}),
    ("transport to hospital", "", "SY9 5AA", 20, {}),
    ("digital skills", "", "Whitchurch", 5, {"free": "yes"}),
    ("", "food", "SY1 1UJ", 10, {}),
    ("", "", "TF1 1HF", 10, {}),
    ("", "", "SY8 1BN", 1, {}),
    ("", "mental-health", "TF3 4NB", 5, {"when": "now"}),
    ("", "", "WV16 4AA", 20, {"free": "yes"}),
]


def query_string(words: str, need: str, where: str, radius: int, other: dict[str, str]) -> str:
    args = {"q": words, "need": need, "where": where, "radius": str(radius), **other}
    return urlencode({key: value for key, value in args.items() if value})


def paths() -> list[str]:
    """The 30 searches as `/directory?…` paths, in the mix's order."""
    return [f"/directory?{query_string(*search)}" for search in MIX]
