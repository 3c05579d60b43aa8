"""The fault drills: generated inputs through ingestion, and real ingest processes killed at random moments.

The default suite runs them small (500 inputs, 3 kills, a few seconds to a minute); the full-size drills
(10,000 inputs, 20 kills: about six minutes here) are marked `drill` and run with `make drill`."""
from __future__ import annotations

import shutil

import pytest

from dossier.faults import SAMPLES, fuzz_ingestion, kill_and_resume

pytestmark = pytest.mark.slow


def _fuzz(examples: int) -> None:
    result = fuzz_ingestion(examples)
    assert result["tried"] >= examples
    assert result["rows"] == result["stored"] > 0 and result["skipped"] > 0


def _kills(kills: int, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("en_kuznetsov_asylum.txt", "ru_kuznetsov.txt", "fr_petrov_france.txt", "en_news_page.txt"):
        shutil.copy(SAMPLES / name, corpus / name)
    result = kill_and_resume(kills, corpus)
    assert result["kills"] == kills and result["identical"]


def test_faults_fuzzing_ingestion_500_inputs_no_crash_no_lost_row():
    _fuzz(500)


def test_faults_kill_and_resume_3_random_kills(tmp_path):
    _kills(3, tmp_path)


@pytest.mark.drill
def test_faults_fuzzing_ingestion_10000_inputs_no_crash_no_lost_row():
    _fuzz(10_000)


@pytest.mark.drill
def test_faults_kill_and_resume_20_random_kills(tmp_path):
    _kills(20, tmp_path)
