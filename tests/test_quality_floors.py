"""Quality floors on the shared dev set and the practice corpus (eight languages), so extraction quality never
drops silently. `dossier evaluate TEXTS --gold GOLD --scorer SCORE.py --by-language` prints the full tables.

The floors are the figures measured when they were last raised (README, Quality), a little below them. The dev set's
events floor was 0.80 while the codebook was surface regexes written from those five pages; with the lemma lexicons
(written from the languages, not from the pages) it was reset to what they measure, and practice floors per
language were added: see the extraction issue's note."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.evaluation import evaluate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV_FLOORS = {"events": 0.85, "events_strict": 0.73, "persons": 0.98, "statistics": 0.82, "articles": 0.95,
              "resolution": 0.99}
PRACTICE_FLOORS = {"events": 0.93, "events_strict": 0.84, "persons": 0.98, "statistics": 0.96, "articles": 0.95,
                   "resolution": 0.96}
PRACTICE_RESOLUTION_PRECISION = 0.97  # no merge of two different people (it is 1.000)
PRACTICE_PERSONS_PER_LANGUAGE = 0.90
PRACTICE_EVENTS_PER_LANGUAGE = {"de": 0.91, "en": 0.95, "es": 0.92, "fr": 0.95, "it": 0.95, "pl": 0.91, "ru": 0.94,
                                "uk": 0.92}
PRACTICE_STRICT_PER_LANGUAGE = 0.75  # the target is 0.65 in every language; the lowest measures 0.76

pytestmark = [pytest.mark.slow]


def _score(tmp_path, corpus: str) -> dict:
    if not (SHARED / corpus / "gold.json").exists():
        pytest.skip(f"shared {corpus} not present")
    out = tmp_path / f"{corpus}.json"
    assert main(["extract", str(SHARED / corpus / "texts"), "-o", str(out)]) == 0
    return evaluate(SHARED / corpus / "gold.json", json.loads(out.read_text(encoding="utf-8")),
                    SHARED / "eval" / "score.py", by_language=True)


def test_quality_floors_on_dev_set(tmp_path):
    result = _score(tmp_path, "devset")
    for measure, floor in DEV_FLOORS.items():
        assert result[measure]["f1"] >= floor, (measure, result[measure])
    assert result["relevance_accuracy"] >= 0.90


def test_quality_floors_on_practice_corpus_in_every_language(tmp_path):
    result = _score(tmp_path, "practice")
    for measure, floor in PRACTICE_FLOORS.items():
        assert result[measure]["f1"] >= floor, (measure, result[measure])
    assert result["relevance_accuracy"] >= 0.95
    assert result["resolution"]["precision"] >= PRACTICE_RESOLUTION_PRECISION, result["resolution"]
    for lang, floor in PRACTICE_EVENTS_PER_LANGUAGE.items():
        assert result["by_language"][lang]["events"]["f1"] >= floor, (lang, result["by_language"][lang]["events"])
        assert result["by_language"][lang]["persons"]["f1"] >= PRACTICE_PERSONS_PER_LANGUAGE, lang
        assert result["by_language"][lang]["events_strict"]["f1"] >= PRACTICE_STRICT_PER_LANGUAGE, \
            (lang, result["by_language"][lang]["events_strict"])
