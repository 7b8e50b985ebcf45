"""The register-import bench builds an extract the importer reads as the real one: linked
charities left out, every main charity written once, the re-import changing nothing."""

from __future__ import annotations

from bench import register_import
from registry.signatories import registers


def test_the_bench_extract_imports_every_main_charity_once(app, tmp_path):
    path = tmp_path / "publicextract.charity.txt"
    register_import.extract(path, 300)
    assert registers.import_file("charity-commission", path)[0] == 300
    assert registers.import_file("charity-commission", path)[0] == 300
    found = registers.check("GB-CHC-200000", "")
    assert found is not None and found.state in {"active", "removed"}
    assert registers.check("GB-CHC-200300", "").state == "not_found"
