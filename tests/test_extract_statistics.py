from __future__ import annotations

import pytest

from dossier.records import Article
from dossier.extract import extract_article

pytestmark = pytest.mark.slow


def run(text, language="en", published="2024-04-16"):
    art = Article(source="t.txt", document=0, ordinal=0, start=0, end=len(text), title=None, published=published,
                  language=language, text=text)
    return extract_article(art)


def test_extract_statistics_values_qualifiers_and_sources():
    text = ("Desertion cases are rising, and many deserters seek asylum. "
            "Mediazona has documented more than 7,300 cases against AWOL soldiers since September 2022. "
            "Germany got 7,663 first-time asylum applications from Russian citizens in 2023, the ministry said. "
            "Around 3,400 people requested asylum in France, according to the French asylum office. "
            "The deserter Pavel Lebedev, 24, was sentenced to 6 years under Article 338.")
    stats = {s.value: s for s in run(text).statistics}
    assert stats[7300].qualifier == "more_than" and stats[7300].source_org == "Mediazona"
    assert stats[7663].qualifier == "exact" and stats[7663].period == "2023" and stats[7663].country == "DE"
    assert stats[3400].qualifier == "about" and stats[3400].country == "FR"
    assert 338 not in stats and 24 not in stats and 6 not in stats  # references, ages and durations are not counts
    assert 2022 not in stats and 2023 not in stats


def test_extract_statistics_percent_and_multipliers_in_french_and_russian():
    fr = run("Les demandes d’asile des déserteurs russes ont augmenté de plus de 50 % en 2023 selon l’Office. "
             "Les déserteurs sont nombreux.", "fr")
    assert any(s.value == 50 and s.qualifier == "more_than" and s.measure.startswith("percent") for s in fr.statistics)
    ru = run("По данным Медиазоны, число дел о дезертирстве выросло, суды рассмотрели более 7 300 дел о СОЧ. "
             "Дезертиры бегут в Казахстан.", "ru")
    assert any(s.value == 7300 and s.qualifier == "more_than" for s in ru.statistics)


def test_extract_statistics_only_in_relevant_articles():
    result = run("The council approved 120 new buses and 35 trams for the city in 2024.")
    assert not result.relevant and not result.statistics
