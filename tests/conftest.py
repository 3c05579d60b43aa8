from __future__ import annotations

import pytest

from dossier.store import Store


@pytest.fixture
def store(tmp_path):
    return Store.open(str(tmp_path / "test.db"))
