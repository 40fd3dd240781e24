import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def every_save_is_conformant(monkeypatch):
    """Every package the engine writes, in any test, passes the conformance check
    (tests/conformance.py): the parts it changed are checked against the ECMA-376 schemas."""
    from conformance import assert_conformant

    from addin.io.package import Package

    write_zip = Package._write_zip

    def checked(self, out):
        write_zip(self, out)
        assert_conformant(Path(out).read_bytes(), original=self.data)

    monkeypatch.setattr(Package, "_write_zip", checked)
