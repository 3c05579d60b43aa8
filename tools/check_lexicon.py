"""Check one language's lexicon: format, and every entry in lemma form as the language layer lemmatizes it.
Usage: python tools/check_lexicon.py LANG [CODEBOOK_DIR]"""
import sys
from pathlib import Path

from dossier.codebook import EVENT_TYPES
from dossier.errors import ConfigError
from dossier.lexicon import load_lexicon, not_lemma_form

lang = sys.argv[1]
folder = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[1] / "src/dossier/codebooks/war_resisters"
try:
    lex = load_lexicon(folder / f"{lang}.yaml", EVENT_TYPES)
except ConfigError as exc:
    sys.exit(f"format error: {exc}")
missing = [t for t in EVENT_TYPES if not lex.triggers.get(t) and not lex.frames.get(t)]
if missing:
    print("event types without entries:", ", ".join(missing))
bad = not_lemma_form(lex)
for where, entry, lemmas in bad:
    print(f"not lemma form: {where}: {entry!r} -> {lemmas!r}")
print(f"{sum(1 for _ in lex.entries())} entries, {len(bad)} not in lemma form")
sys.exit(1 if bad or missing else 0)
