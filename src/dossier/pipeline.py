"""The main job: ingest files, extract every new non-duplicate article, store the results."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .cases import refresh_summaries
from .codebook import load_codebook
from .extract import extract_article
from .nlp import analyse_many
from .split import masked_text
from .store import Store
from .store.extraction import save_extraction
from .store.models import ArticleRow


BATCH = 64  # articles read, analysed (nlp.pipe per language) and stored together


def extract_stored(store: Store, article_ids: list[int],
                   progress: Callable[[str], None] | None = None) -> Counter:
    """Extract the given stored articles (duplicates are skipped: their first occurrence speaks for them).
    Articles go through the NLP pipelines in batches per language; each article's result is committed on
    its own, so an interruption keeps what was done. Returns how many articles each (language, pipeline)
    pair handled, so fallbacks are visible."""
    codebook = load_codebook()
    done: Counter = Counter()
    for start in range(0, len(article_ids), BATCH):
        batch = []
        for article_id in article_ids[start:start + BATCH]:
            with store.session() as s:
                row = s.get(ArticleRow, article_id)
                duplicate = row is None or row.duplicate_of_id is not None
            if progress:
                progress(str(article_id))
            if duplicate:
                continue
            article, doc_text = store.article_text(article_id)
            article.text = masked_text(doc_text, article.start, article.end, article.boilerplate)
            batch.append((article_id, article))
        analyses = {}
        for language in {a.language or "en" for _, a in batch}:
            group = [(i, a) for i, a in batch if (a.language or "en") == language]
            for (i, _), result in zip(group, analyse_many([a.text for _, a in group], language)):
                analyses[i] = result
        for article_id, article in batch:
            result = extract_article(article, codebook, analyses[article_id])
            with store.session.begin() as s:
                touched = save_extraction(s, article_id, result)
            refresh_summaries(store, list(touched))
            done[(article.language or "unknown", result.pipeline)] += 1
    return done
