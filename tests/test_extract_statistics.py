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
            "The deserter Pavel Fedotov, 24, was sentenced to 6 years under Article 338.")
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


@pytest.mark.parametrize("language,text,value,qualifier", [
    ("es", "Los tribunales militares registraron más de 8.400 causas contra desertores en 2023.", 8400, "more_than"),
    ("uk", "У 2024 році російські суди ухвалили понад 9 тисяч вироків дезертирам.", 9000, "more_than"),
    ("pl", "Sądy skazały w 2024 r. prawie dwa razy więcej dezerterów niż rok wcześniej.", 2, "about"),
    ("ru", "Около четверти обращений дезертиров поступили от мобилизованных.", 25, "about"),
    ("de", "Seit 2023 wurden mindestens fünf Deserteure aus Armenien zurückgeholt.", 5, "more_than"),
    ("fr", "Parmi les déserteurs, une vingtaine sont en détention.", 20, "about"),
])
def test_extract_statistics_number_forms_of_each_language(language, text, value, qualifier):
    more = {"es": "Los desertores piden asilo.", "uk": "Дезертири просять притулку.", "pl": "Dezerterzy proszą o azyl.",
            "ru": "Дезертиры просят убежища.", "de": "Deserteure beantragen Asyl.", "fr": "Les déserteurs demandent l'asile."}
    stats = run(text + " " + more[language], language).statistics
    assert [(s.value, s.qualifier) for s in stats] == [(value, qualifier)], [(s.value, s.qualifier) for s in stats]


def test_extract_statistics_ages_ordinals_and_article_numbers_are_not_counts():
    de = run("Der 24-jährige Deserteur wurde von der Militärpolizei des 102. Stützpunkts entführt. Deserteure fliehen.", "de")
    pl = run("Dezerterów skazano z art. 338 kodeksu karnego. Dezerterzy uciekają.", "pl")
    uk = run("Дезертира відвезли на територію 102-ї бази. Дезертири тікають.", "uk")
    assert de.statistics == [] and pl.statistics == [] and uk.statistics == []


def test_extract_statistics_qualifier_as_stated_and_no_pieces_of_written_dates():
    text = ("Desertion cases are rising, and many deserters seek asylum. At least 14 deserters asked for asylum in "
            "Kazakhstan in 2022. The deserter was detained on 2024-03-05, a week after 12/02/2024, his lawyer said.")
    stats = {s.value: s for s in run(text).statistics}
    assert stats[14].qualifier == "more_than" and stats[14].stated.lower() == "at least"
    assert not {3, 5, 12, 2} & set(stats)  # parts of dates are not counts


@pytest.mark.parametrize("language, text", [
    ("en", "Dozens of soldiers fled"), ("en", "twenty-five men"), ("en", "No figure here at all"),
    ("fr", "une vingtaine de soldats"), ("de", "Hunderte Soldaten"), ("ru", "Более тысячи человек"),
    ("uk", "півтори тисячі"), ("pl", "kilkaset osób"), ("es", "la mitad de ellos"), ("it", "una trentina di soldati"),
    ("en", "In 2023, 9 000 cases"), ("ru", "Никто не знает"),
])
def test_the_cheap_number_test_never_hides_a_number_the_pattern_finds(language, text):
    from dossier.numbers import may_hold_number, number_pattern

    found = number_pattern(language).search(text) is not None
    assert may_hold_number(text, language) or not found
    if language == "en" and text.startswith("No figure"):
        assert not may_hold_number(text, language)  # and it does tell a sentence without one
