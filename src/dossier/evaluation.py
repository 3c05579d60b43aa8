"""Quality evaluation against a gold annotation (spec/formats.md): extract, score, print tables.

The scorer is the project's shared one when given (`--scorer`), so figures are those the
issue tracker reports; the per-type table comes from the same run.
"""
from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

from . import __version__

MEASURES = ("events", "events_strict", "persons", "resolution", "statistics", "articles")


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("dossier_scorer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def evaluate(gold_path: Path, pred: dict, scorer_path: Path, by_language: bool = False) -> dict:
    """The scorer's measures; with `by_language`, also each language's files alone (`result["by_language"]`)."""
    scorer = load_scorer(scorer_path)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = scorer.score(gold, pred, verbose=True)
    if by_language:
        result["by_language"] = scorer.by_language(gold, pred)
    return result


def header() -> str:
    return f"dossier {__version__}, {date.today().isoformat()}"
