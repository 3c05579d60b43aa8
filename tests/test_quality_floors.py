"""Quality floors on the shared dev set, so extraction quality never drops silently.
The floors are the extraction issue's targets; `dossier evaluate` prints the full tables."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.evaluation import evaluate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FLOORS = {"events": 0.80, "events_strict": 0.65, "persons": 0.90, "statistics": 0.75, "articles": 0.90}

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (SHARED / "devset" / "gold.json").exists(), reason="shared dev set not present")]


def test_quality_floors_on_dev_set(tmp_path):
    out = tmp_path / "dev.json"
    assert main(["extract", str(SHARED / "devset" / "texts"), "-o", str(out)]) == 0
    result = evaluate(SHARED / "devset" / "gold.json", json.loads(out.read_text(encoding="utf-8")),
                      SHARED / "eval" / "score.py")
    for measure, floor in FLOORS.items():
        assert result[measure]["f1"] >= floor, (measure, result[measure])
    assert result["relevance_accuracy"] >= 0.95
