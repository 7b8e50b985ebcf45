"""The fake map-tile server (tests/fakes/tiles.py) that browser tests point TILE_URL at."""

from __future__ import annotations

import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.fakes.tiles import FakeTiles, tiles

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks (type, data), each one's CRC checked."""
    assert png.startswith(SIGNATURE)
    found, at = [], len(SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF, kind
        found.append((kind, data))
        at += 12 + length
    return found


def test_each_fixture_tile_is_a_small_256_pixel_png():
    made = tiles()
    assert len(made) == 4 and len(set(made)) == 4
    for png in made:
        assert len(png) < 4096
        parts = chunks(png)
        assert [kind for kind, _ in parts] == [b"IHDR", b"IDAT", b"IEND"]
        assert struct.unpack(">IIBB", parts[0][1][:10]) == (256, 256, 8, 2)  # 8-bit RGB
        assert len(zlib.decompress(parts[1][1])) == 256 * (1 + 256 * 3)


def test_a_tile_is_served_as_a_png_and_its_path_recorded():
    with FakeTiles() as fake:
        assert fake.tile_url == f"{fake.url}/{{z}}/{{x}}/{{y}}.png"
        answer = requests.get(f"{fake.url}/12/2023/1363.png", timeout=5)
        neighbour = requests.get(f"{fake.url}/12/2024/1363.png", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.content.startswith(SIGNATURE)
    assert answer.content == fake.tile(2023, 1363) == fake.tiles[(2023 + 1363) % 4]
    assert neighbour.content != answer.content
    assert fake.paths == ["/12/2023/1363.png", "/12/2024/1363.png"]


def test_anything_but_a_tile_is_not_found_and_recorded_too():
    asked = ["/", "/12/2023/1363.jpg", "/tiles/12/2023/1363.png", "/2/4/0.png", "/30/0/0.png"]
    with FakeTiles() as fake:
        answers = [requests.get(fake.url + path, timeout=5) for path in asked]
        posted = requests.post(f"{fake.url}/12/2023/1363.png", timeout=5)
    assert [a.status_code for a in answers] == [404] * len(asked)
    assert posted.status_code == 404
    assert fake.paths == [*asked, "/12/2023/1363.png"]


def test_tiles_asked_for_at_once_are_all_recorded():
    wanted = [f"/13/{4040 + n % 8}/{2720 + n // 8}.png" for n in range(64)]
    with FakeTiles() as fake, ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda path: requests.get(fake.url + path, timeout=5), wanted))
    assert {a.status_code for a in answers} == {200}
    assert sorted(fake.paths) == sorted(wanted)
