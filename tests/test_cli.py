"""The command line, run in-process against real files and a real SQLite store."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.cli import app, main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_cli_usage_errors_exit_1_and_help_everywhere(capsys):
    assert main(["no-such-command"]) == 1
    assert main(["ingest", "/no/such/path"]) == 1
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        assert main([name, "--help"]) == 0, name


def test_cli_every_command_is_documented_in_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        assert f"dossier {name}" in readme, f"README does not document 'dossier {name}'"


def test_stopwatch_stages_inside_a_stage_are_not_counted_twice():
    import time

    from dossier.timing import Stopwatch

    clock = Stopwatch()
    start = time.perf_counter()
    with clock("outer"):
        time.sleep(0.02)
        for _ in range(2):
            with clock("inner"):
                time.sleep(0.03)
    wall = time.perf_counter() - start
    assert clock.seconds["inner"] >= 0.06 and clock.seconds["outer"] >= 0.02
    assert clock.seconds["outer"] < 0.07  # its own 0.02 s, not the inner stages' 0.06 s as well
    assert sum(clock.seconds.values()) <= wall


@pytest.mark.slow
def test_cli_ingest_samples_then_cases_person_and_extract(tmp_path, capsys):
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(SAMPLES), "--db", db, "--timings"]) == 0
    captured = capsys.readouterr()
    assert "1 duplicate" in captured.out
    for stage in ("read (decode, HTML, feeds)", "language", "NLP", "language layer (lemmas, names)", "extraction",
                  "resolution + store"):
        assert stage in captured.err, stage
    assert main(["cases", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "Kuznetsov" in table and "Smirnov" in table and "Petrov" in table
    # one person across English and Russian reports, found by a Cyrillic spelling
    assert main(["person", "Кузнецов", "--db", db]) == 0
    timeline = capsys.readouterr().out
    assert "Ivan Kuznetsov" in timeline and "asylum denied" in timeline and "ru_kuznetsov.txt" in timeline
    assert main(["person", "Nobody Atall", "--db", db]) == 1
    out_json = tmp_path / "x.json"
    assert main(["extract", str(SAMPLES), "-o", str(out_json)]) == 0
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["schema"] == "dossier-extraction/1"
    files = {a["file"] for a in doc["articles"]}
    assert "ru_kuznetsov.txt" in files and "feed_deserters.rss" in files
    text = (SAMPLES / "fr_petrov_france.txt").read_text(encoding="utf-8")
    for ev in doc["events"]:
        art = next(a for a in doc["articles"] if a["id"] == ev["article"])
        if art["file"] == "fr_petrov_france.txt":
            x = ev["evidence"][0]
            assert text[x["start"]:x["end"]].strip() == x["text"]  # offsets point into the original file
