"""Where a service's text sits in the search's place-ordered index (migration 0044).

Each service is indexed once for each small cell of a grid its buildings stand in (about an
eighth of a mile square), under a key that puts near cells near each other: the cell's
Z-order (its row and column bits interleaved), then the service's id,

    key = zorder(row, column) << 31 | service_id

so the services of any square of cells sit in one run of keys, and a search with a place
reads the runs of the few squares covering its circle, not every match in the county.
Online-only services sit in one run after every cell, area-wide ones (no building) in a run
for each postcode district they cover: a search reads the online run always, and its
district's run when it has one. On PostgreSQL each row also names the squares it lies in, one
of each size a search's box is covered with (squares(), migration 0053), which its full-text
index holds beside its words.

The grid and the keys are computed the same way here and in the migration's SQL (its
triggers keep the index as buildings move and services change; PostgreSQL alone): tests check
that the two agree.
"""

from __future__ import annotations

from accord import geo

# The grid's corner, south-west of Great Britain, and its steps: 0.0018° of latitude (0.124
# miles) by 0.003° of longitude (0.125 miles at the county's latitude). Rows and columns are
# 15 bits each, so every Z-order is below 2**30.
SOUTH, WEST = 49.0, -9.0
LAT_STEP, LON_STEP = 0.0018, 0.003
BITS = 15
LAST = (1 << BITS) - 1
ID_BITS = 31  # service ids below 2**31, as the column's INTEGER
ID_MASK = (1 << ID_BITS) - 1
ONLINE = 1 << (2 * BITS)  # the online-only services' run, after every cell's
DISTRICTS = ONLINE << 1  # the area-wide services' runs, one per postcode district, from here
# Squares read for a circle: at most this many, each a run of keys, joined to at most RUNS
# runs (the closest runs first joined), so every search reads a fixed number of ranges.
SQUARES = 16
RUNS = 8
# PostgreSQL's `search_site` says the square of each of these levels its row lies in
# (migration 0053): a search's box is covered at the smallest level of SQUARES or fewer,
# kept within them (half a mile to about 40 miles across), and its cell itself (level 0).
SQUARE_LEVELS = (2, 3, 4, 5, 6, 7, 8)
LEVEL_SHIFT = 40  # a square's number: its level above these bits (square())


def cell(latitude: float, longitude: float) -> tuple[int, int]:
    """The grid's (row, column) of a point (as the migration's SQL rounds it: down)."""
    row = int((latitude - SOUTH) / LAT_STEP)
    column = int((longitude - WEST) / LON_STEP)
    return min(max(row, 0), LAST), min(max(column, 0), LAST)


def _spread(value: int) -> int:
    """The bits of a 15-bit number with a 0 before each: 0b111 → 0b10101."""
    value &= 0xFFFF
    value = (value | (value << 8)) & 0x00FF00FF
    value = (value | (value << 4)) & 0x0F0F0F0F
    value = (value | (value << 2)) & 0x33333333
    return (value | (value << 1)) & 0x55555555


def zorder(row: int, column: int) -> int:
    return (_spread(row) << 1) | _spread(column)


def key(latitude: float, longitude: float, service_id: int) -> int:
    """A service's key at a building."""
    return zorder(*cell(latitude, longitude)) << ID_BITS | service_id


def run_of(z: int) -> tuple[int, int]:
    """The keys of one Z-order (every service in one cell, or area-wide, or online)."""
    return z << ID_BITS, (z << ID_BITS) | ID_MASK


def district(outcode: str) -> int:
    """The Z-order of the area-wide services covering a postcode district: past DISTRICTS by
    its number, its first four characters' bytes, padded with spaces (31 bits of them)."""
    return DISTRICTS + (int.from_bytes(outcode[:4].ljust(4).encode(), "big") & ID_MASK)


def district_run(outcode: str) -> tuple[int, int]:
    """The keys of the area-wide services covering a postcode district."""
    return run_of(district(outcode))


def _cells(box: geo.Box) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) of the cells a (south, north, west,
    east) box touches, and one cell more each way (a point on a cell's edge may round either
    way)."""
    south, north, west, east = box
    row0, col0 = cell(south, west)
    row1, col1 = cell(north, east)
    return max(row0 - 1, 0), max(col0 - 1, 0), min(row1 + 1, LAST), min(col1 + 1, LAST)


def _firsts(bounds: tuple[int, int, int, int], level: int) -> list[int]:
    """The first Z-orders of the squares of `level` (4**level cells each) that hold the cells
    within `bounds` (_cells), sorted."""
    row0, col0, row1, col1 = bounds
    return sorted(
        zorder(row << level, col << level)
        for row in range(row0 >> level, (row1 >> level) + 1)
        for col in range(col0 >> level, (col1 >> level) + 1)
    )


def _level(bounds: tuple[int, int, int, int]) -> int:
    """The level of the smallest squares of which SQUARES or fewer hold the cells within
    `bounds` (_cells)."""
    row0, col0, row1, col1 = bounds
    level = 0
    while ((row1 >> level) - (row0 >> level) + 1) * (
        (col1 >> level) - (col0 >> level) + 1
    ) > SQUARES:
        level += 1
    return level


def ranges(box: geo.Box) -> list[tuple[int, int]]:
    """The runs of keys that hold every cell a box touches: the squares of _level, each a
    run of Z-orders, runs next to each other joined, then the runs with the smallest gaps
    between them joined until RUNS are left. Sorted; as keys (first, last), inclusive."""
    bounds = _cells(box)
    level = _level(bounds)
    firsts = _firsts(bounds, level)
    size = 1 << (2 * level)  # Z-orders in one square of this level
    runs: list[list[int]] = []
    for first in firsts:
        if runs and runs[-1][1] + 1 == first:
            runs[-1][1] = first + size - 1
        else:
            runs.append([first, first + size - 1])
    while len(runs) > RUNS:
        gap = min(range(len(runs) - 1), key=lambda i: runs[i + 1][0] - runs[i][1])
        runs[gap][1] = runs.pop(gap + 1)[1]
    return [(run_of(first)[0], run_of(last)[1]) for first, last in runs]


def square(z: int, level: int) -> int:
    """The number of the square of `level` that holds the Z-order `z` (its cell's, or the
    online run's or a district's at level 0), as PostgreSQL's `search_site.squares` holds
    it (migration 0053): the level above LEVEL_SHIFT bits, the square's own Z-order below."""
    return level << LEVEL_SHIFT | z >> (2 * level)


def squares(box: geo.Box, outcode: str = "") -> list[int]:
    """The squares a search reads round its place (PostgreSQL, migration 0053): those that
    cover the box, at one level (_level, within SQUARE_LEVELS), the online-only services'
    run, and the area-wide services' run of the place's district when it has one."""
    bounds = _cells(box)
    level = min(max(_level(bounds), SQUARE_LEVELS[0]), SQUARE_LEVELS[-1])
    found = [square(first, level) for first in _firsts(bounds, level)]
    found.append(square(ONLINE, 0))
    if outcode:
        found.append(square(district(outcode), 0))
    return found
