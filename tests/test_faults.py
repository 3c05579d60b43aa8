"""The fault drills at full size: 10,000 generated inputs, 20 random kills."""
from __future__ import annotations

import shutil

import pytest

from dossier.faults import SAMPLES, fuzz_ingestion, kill_and_resume

pytestmark = [pytest.mark.slow, pytest.mark.drill]


def test_faults_fuzzing_ingestion_10000_inputs_no_crash_no_lost_row():
    result = fuzz_ingestion(10_000)
    assert result["tried"] >= 10_000
    assert result["rows"] == result["stored"] > 0 and result["skipped"] > 0


def test_faults_kill_and_resume_20_random_kills(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("en_kuznetsov_asylum.txt", "ru_kuznetsov.txt", "fr_petrov_france.txt", "en_news_page.txt"):
        shutil.copy(SAMPLES / name, corpus / name)
    result = kill_and_resume(20, corpus)
    assert result["kills"] == 20 and result["identical"]
