"""The language layer: lemmas for every language, names where no recogniser exists, dates in every language."""
from __future__ import annotations

import pytest

from dossier.dates import find_dates, relative_offsets, shift
from dossier.geo import find_places
from dossier.lemmas import lemma, participles


def test_lemmas_without_a_trained_pipeline():
    assert lemma("festgenommen", "de") == "festnehmen"
    assert lemma("Grenze", "de") == "grenze"  # a German noun keeps being a noun
    assert lemma("zatrzymana", "pl") == "zatrzymać"  # chained forms are followed to the end
    assert lemma("затримали", "uk") == "затримати"
    assert lemma("в’їзду", "uk") == lemma("в'їзду", "uk")  # the typographic apostrophe reads as "'"


def test_participles_of_an_infinitive():
    assert participles("detener", "es") == ["detenido", "detenida", "detenidos", "detenidas"]
    assert participles("arrestare", "it")[1] == "arrestata"
    assert participles("expulser", "fr") == ["expulsé", "expulsée", "expulsés", "expulsées"]
    assert participles("remettre", "fr") == ["remis", "remise", "remises"]  # "sa remise" is the handover
    assert participles("detain", "en") == []


def test_dates_relative_amounts_and_weekdays_in_several_languages():
    assert [r.offset for r in relative_offsets("Border guards detained him two days later.")] == [(2, "day")]
    assert [r.offset for r in relative_offsets("Через два дня его задержали")] == [(2, "day")]
    assert [r.offset for r in relative_offsets("Pidió asilo un mes más tarde")] == [(1, "month")]
    assert [r.offset for r in relative_offsets("He stayed for two months.")] == []
    assert [r.offset for r in relative_offsets("deux semaines plus tard")] == [(2, "week")]  # "plus tard" is later
    assert [r.offset for r in relative_offsets("A month later he was detained")] == [(1, "month")]
    few = relative_offsets("Kilka dni później opuścił jednostkę")
    assert [(r.offset, r.vague) for r in few] == [((3, "day"), True)]  # an amount not stated: only the month is known
    assert relative_offsets("a few months later") == []
    assert shift("2023-05-17", 2, "day") == "2023-05-19" and shift("2023-12", 1, "month") == "2024-01"
    assert [d.value for d in find_dates("am Dienstag wurde er", "2024-02-15")] == ["2024-02-13"]
    assert [d.value for d in find_dates("w marcu 2023 r. uciekł")] == ["2023-03"]


def test_dates_month_without_year_takes_the_story_year_and_never_the_future():
    assert [d.value for d in find_dates("in June he applied", "2024-02-13", story_year="2022")] == ["2022-06"]
    assert [d.value for d in find_dates("in June he applied", "2024-02-13")] == ["2023-06"]
    found = find_dates("in March 2023 he fled", "2024-02-13")
    assert found[0].explicit_year and found[0].value == "2023-03"


@pytest.mark.parametrize("text,values", [
    ("En marzo de 2022 desertó y en julio huyó a Georgia.", ["2022-03", "2022-07"]),
    ("у березні 2022-го він відмовився, а в квітні його звільнили", ["2022-03", "2022-04"]),
    ("In October 2022 he left and in June he was detained.", ["2022-10", "2023-06"]),  # told in order: the next June
    ("In June he was detained; he had left in October 2022.", ["2024-06", "2022-10"]),  # a year told later is not used
])
def test_dates_a_month_takes_the_year_told_before_it_in_the_same_sentence(text, values):
    assert [d.value for d in find_dates(text, "2024-06-20")] == values


@pytest.mark.parametrize("text,value", [
    ("Ein Gericht verurteilte ihn am 22. Mai in Abwesenheit.", "2024-05-22"),
    ("El 11 de junio de 2023, el tribunal lo condenó.", "2023-06-11"),
    ("W maju konsulat odmówił mu wizy.", "2024-05"),
    ("Anfang Juni setzte ihn das Ministerium auf die Liste.", "2024-06"),
    ("в конце июня истёк срок разрешения", "2024-06"),
    ("весной 2023 года он прострелил себе руку", "2023"),
    ("in the autumn of 2022 he left", "2022"),
    ("jesienią 2023 r. wyjechał do Gruzji", "2023"),
])
def test_dates_day_month_forms_seasons_and_lone_months(text, value):
    assert [d.value for d in find_dates(text, "2024-06-20")] == [value]


def test_dates_english_verbs_are_not_months():
    assert find_dates("They may march on the capital.", "2024-06-20") == []


@pytest.mark.parametrize("line,value", [
    ("03.07.2024, 09:30 | Просмотров: 2 814", "2024-07-03"),
    ("February 13, 2024 10:42 AM GMT+5  Updated 3 hours ago", "2024-02-13"),
    ("Publié le 11/04/2025 à 17h42 · Mis à jour le 11/04/2025 à 18h05", "2025-04-11"),
    ("Białoruś · 12 listopada 2024, 08:40", "2024-11-12"),
    ("28 грудня 2024 · Олена Гнатюк", "2024-12-28"),
    ("Published 2024-04-09 08:15", "2024-04-09"),
    ("On 12 March 2023 he fled to Georgia with his wife and two children, the court heard.", None),
])
def test_publication_date_lines(line, value):
    from dossier.split import _parse_date_line

    assert _parse_date_line(line) == value


def test_places_inflected_in_polish():
    places = [(p.text, p.country) for p in find_places("uciekł do Kazachstanu, a potem mieszkał w Gruzji")]
    assert places == [("Kazachstanu", "KZ"), ("Gruzji", "GE")]


def test_a_compound_adjective_places_by_its_last_part_and_a_town_is_no_adjective():
    assert [(p.text, p.country) for p in find_places("Западно-Казахстанский областной суд", language="ru")] == \
        [("Западно-Казахстанский", "KZ")]
    # an adjective ending on a town's stem names something else (a fleet); the town's own cases still count
    assert find_places("матрос Чорноморського флоту", language="uk") == []
    assert [p.country for p in find_places("под Бахмутом, в Москве и Москвой", language="ru")] == ["UA", "RU", "RU"]


@pytest.mark.parametrize("text,country", [
    ("na ukraińskie pozycje", "UA"), ("die lettischen Grenzbeamten", "LV"), ("litewskiego konsulatu", "LT"),
    ("la policía armenia", "AM"), ("il tribunale russo", "RU"), ("las autoridades kazajas", "KZ"),
])
def test_adjectives_of_countries_inflected_in_polish_german_spanish_italian(text, country):
    assert [p.country for p in find_places(text) if p.kind == "demonym"] == [country]


def test_towns_of_the_region_in_any_spelling_and_case_but_not_surname_like_towns():
    found = [(p.text, p.country) for p in find_places("под Бахмутом, у Гюмрі, near Bakhmut, w armeńskim Giumri")
             if p.kind in ("city", "town")]
    assert found == [("Бахмутом", "UA"), ("Гюмрі", "AM"), ("Bakhmut", "UA"), ("Giumri", "AM")]
    assert find_places("Korolev said") == [] and find_places("Королёв сказал") == []  # a town, and a surname
    assert find_places("мирные жители") == []  # a town's stem ("Мирный") in a lower-case word
    assert [p.kind for p in find_places("Sokol")] == ["town"]  # a town, and a nickname: it places, names stay


@pytest.mark.slow
@pytest.mark.parametrize("lang,text,name", [
    ("de", "Der Deserteur Pawel Fedotow beantragte Asyl.", "Pawel Fedotow"),
    ("pl", "Dezerter Paweł Fiedotow złożył wniosek o azyl.", "Paweł Fiedotow"),
    ("es", "El desertor Pável Fedotov pidió asilo.", "Pável Fedotov"),
    ("uk", "Дезертира Павла Федотова затримали.", "Павла Федотова"),
])
def test_names_found_by_capitals_and_name_morphology(lang, text, name):
    from dossier.nlp import analyse

    analysis = analyse(text, lang)
    assert analysis.pipeline == "rules"
    assert [p[2] for p in analysis.persons] == [name]
    assert all(t.norm_ for t in analysis.doc if not t.is_space)


def test_sentences_do_not_end_at_abbreviations():
    from dossier.nlp import analyse

    text = "Historia zaczęła się 25 września 2022 r., gdy wręczono mu wezwanie. Skazano go z art. 338 kodeksu. Koniec."
    a = analyse(text, "pl")
    assert [text[s:e].strip()[:9] for s, e in a.sentences] == ["Historia ", "Skazano g", "Koniec."]
    q = "“Are you on the wanted list?” a border agent asked. He said no."
    assert len(analyse(q, "en").sentences) >= 2  # a question stays a question


def test_sentence_splits_without_final_punctuation_are_joined():
    from dossier.nlp import analyse

    text = ("Le tribunal militaire de garnison de Rostov-sur-le-Don a condamné mardi Pavel Fedotov, 34 ans, à cinq ans "
            "de colonie pour abandon d'unité. Ce sergent avait refusé de repartir au front.")
    assert len(analyse(text, "fr").sentences) == 2


def test_german_separable_verbs_take_their_particle():
    from dossier.nlp import analyse

    doc = analyse("Das Amt lehnte den Antrag im Januar ab. Dort nahm ihn die Polizei fest, dann reiste er aus.", "de").doc
    norms = {t.text: t.norm_ for t in doc}
    assert norms["lehnte"] == "ablehnen" and norms["nahm"] == "festnehmen" and norms["reiste"] == "ausreisen"


def test_polish_names_transliterate_and_first_names_decline():
    from dossier.names import _to_cyrillic, compatible, fold

    assert _to_cyrillic("Szelestow") == "шелестов" and _to_cyrillic("Czarny") == "чарны"
    assert compatible(fold("Ilja Szelestow"), fold("Ilji Szelestowa"))  # nominative and genitive
    assert not compatible(fold("Anna Fedotowa"), fold("Anton Fedotow"))


def test_names_after_an_organisation_word_and_guessed_surnames():
    from dossier.names import find_names
    from dossier.nlp import analyse

    text = "Raport przypomina sprawę porucznika Rosgwardii Rusłana Tagirowa, który odmówił wjazdu do Ukrainy."
    assert "Rusłana Tagirowa" in [n for _, _, n in find_names(analyse(text, "pl").doc, "pl")]


def test_dates_told_in_order_and_the_days_before_publication():
    # a story told in order: June after January 2024 is June 2024, not the year of an earlier explicit date
    assert [d.value for d in find_dates("El 11 de junio lo condenó", "2024-07-15", story_year="2023",
                                        after="2024-01")] == ["2024-06-11"]
    assert [d.value for d in find_dates("in October he fled", "2024-07-15", after="2024-01")] == ["2023-10"]
    assert [d.value for d in find_dates("a été libéré la semaine dernière", "2023-11-24")] == ["2023-11"]
    assert [d.value for d in find_dates("ha condannato ieri in contumacia", "2024-05-23")] == ["2024-05-22"]


def test_relative_amounts_earlier_and_the_following_unit():
    assert [r.offset for r in relative_offsets("annule le rejet prononcé sept mois plus tôt")] == [(-7, "month")]
    assert [r.offset for r in relative_offsets("Il mese successivo era riuscito a partire")] == [(1, "month")]
    assert [r.offset for r in relative_offsets("Il a déposé une demande le mois suivant")] == [(1, "month")]
    assert shift("2025-04-10", -7, "month") == "2024-09"


def test_a_month_of_that_year_keeps_the_year_named_before():
    assert [d.value for d in find_dates("In July of that year he crossed into Kyrgyzstan.", "2024-10-11",
                                        story_year="2023", after="2024-03")] == ["2023-07"]
    assert [d.value for d in find_dates("а в июле того же года уехал", "2024-12-02", story_year="2023",
                                        after="2024-03")] == ["2023-07"]


def test_dates_open_no_slavic_lemma_table_for_words_that_cannot_be_months(monkeypatch):
    import simplemma

    from dossier import dates

    def refuse(*args, **kwargs):
        raise AssertionError("a lemma table was opened")

    dates._inflected_month.cache_clear()
    monkeypatch.setattr(simplemma, "lemmatize", refuse)
    assert [d.value for d in find_dates("in Almaty in May 2023, says Marseille's list", "2024-06-20")] == ["2023-05"]
    dates._inflected_month.cache_clear()


@pytest.mark.parametrize("text,value", [
    ("Er wurde am 12.05.2024 in Astana festgenommen.", "2024-05-12"),
    ("Его задержали 05.12.2024 г. в Астане.", "2024-12-05"),
    ("Затримали 3.04.2024 року.", "2024-04-03"),
    ("He was detained on 2024-03-05 in Almaty.", "2024-03-05"),
    ("arrêté le 12/05/2024 à Erevan", "2024-05-12"),
    ("detained on 5/23/2024 in Almaty", "2024-05-23"),  # only the month-first reading is a date
])
def test_dates_written_in_figures(text, value):
    assert [d.value for d in find_dates(text, "2024-12-31")] == [value]


def test_dates_in_figures_must_be_real_days():
    assert find_dates("on 31.02.2024 and 45.13.2024", "2024-12-31") == []
    assert [d.value for d in find_dates("version 3.5.2024.1 was released", "2024-12-31")] == []


@pytest.mark.parametrize("text,value", [
    ("L'Office lui avait refusé l'asile en septembre dernier.", "2024-09"),  # the last September before April 2025
    ("last March he crossed into Georgia", "2025-03"),
    ("В мае прошлого года он отказался идти в атаку", "2024-05"),
    ("we wrześniu ubiegłego roku uciekł", "2024-09"),
    ("im vergangenen November floh er", "2024-11"),
    ("lo arrestaron en marzo del año pasado", "2024-03"),
])
def test_dates_a_month_named_as_the_last_one_counts_back_from_the_report(text, value):
    # a year told before in the same text does not move it ("été 2023 ... septembre dernier")
    found = find_dates("à l'été 2023, " + text, "2025-04-11")
    assert [d.value for d in found][-1] == value


def test_models_multiply_with_numpy_and_annotate_as_with_blis(monkeypatch):
    """The default matrix library changes the speed, not one annotation; a wrong choice is a clear error."""
    import spacy
    from thinc.api import use_ops

    from dossier.errors import ConfigError
    from dossier.nlp import DEFAULT_MODELS, _matmul, _spacy

    nlp = _spacy(DEFAULT_MODELS["en"], "en")
    assert nlp.get_pipe("tok2vec").model.ops.use_blis is False
    with use_ops("numpy", use_blis=True):
        reference = spacy.load(DEFAULT_MODELS["en"])
    assert reference.get_pipe("tok2vec").model.ops.use_blis is True
    text = ("The Moscow garrison court sentenced a contract soldier to six years in a penal colony for leaving his "
            "unit in March 2023. He had fled to Armenia, was detained at the border and handed over to the police.")

    def annotations(doc):
        return [(t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc]

    assert annotations(nlp(text)) == annotations(reference(text))
    monkeypatch.setenv("DOSSIER_MATMUL", "gpu")
    with pytest.raises(ConfigError, match="DOSSIER_MATMUL"):
        _matmul()


def test_latin_words_in_a_cyrillic_language_are_not_names_and_a_name_keeps_one_script():
    from dossier.codebook import load_codebook
    from dossier.extract.persons import find_mentions
    from dossier.extract.triggers import matcher_for
    from dossier.nlp import analyse

    text = ("Відео з'явилося у Facebook і на каналі Telegram. Про затримання розповів адвокат Open Door "
            "Андрій Бондар.\n")  # a role word, then an organisation in Latin letters, then the person
    analysis = analyse(text, "uk")
    assert not [p for p in analysis.persons if "Facebook" in p[2] or "Telegram" in p[2]]
    codebook = load_codebook()
    places = find_places(text, language="uk")
    found = matcher_for(codebook, "uk")(analysis.doc, analysis.sentences, places, codebook.home_country, text)
    names = [m.name for m in find_mentions(text, analysis, codebook, places, found)]
    assert "Андрій Бондар" in names
    assert not [n for n in names if "Open" in n or "Facebook" in n]


def test_an_english_organisation_after_a_role_word_a_rank_alone_and_a_town_alone_are_not_persons():
    from dossier.codebook import load_codebook
    from dossier.extract.persons import find_mentions
    from dossier.extract.triggers import matcher_for
    from dossier.nlp import analyse

    codebook = load_codebook()

    def names(text: str, language: str) -> list[str]:
        analysis = analyse(text, language)
        places = find_places(text, language=language)
        found = matcher_for(codebook, language)(analysis.doc, analysis.sentences, places, codebook.home_country, text)
        return [m.name for m in find_mentions(text, analysis, codebook, places, found)]

    # a role word ("wolontariusz") followed by an organisation's English name: no person; the person after it is one
    found = names("Rozmawialiśmy z wolontariuszem Safe Harbour oraz z dezerterem Iwanem Sołowiowem.\n", "pl")
    assert not [n for n in found if "Safe" in n or "Harbour" in n]
    assert any("Sołowiow" in n for n in found)
    # a rank opening a sentence is capitalised, and no name of its own
    found = names("Майор поліції Іван Сорокін відмовився виконати наказ.\n", "uk")  # "Майор" is a surname too
    assert "Іван Сорокін" in found and not [n for n in found if "Майор" in n]
    # a town of the region said alone, in an accented Spanish spelling, is the town, not a person
    assert not [n for n in names("El soldado fue detenido en una calle de Melitópol el martes.\n", "es")
                if "Melit" in n]


def test_transliterations_with_accents_are_found_without_them():
    assert [(p.text, p.country) for p in find_places("cerca de Melitópol", language="es")] == [("Melitópol", "UA")]
    assert find_places("Según él, más de", language="es") == []  # accented common words stay words


def test_a_word_in_brackets_after_a_noun_glosses_it_and_is_no_person():
    from dossier.codebook import load_codebook
    from dossier.extract.persons import find_mentions
    from dossier.nlp import analyse

    text = "Iwan Sorokin diente beim Inlandsgeheimdienst (Federalka). Später floh Sorokin nach Georgien.\n"
    analysis = analyse(text, "de")
    assert any(p[2] == "Federalka" for p in analysis.persons)  # capitalised and unknown: the rules take it
    names = [m.name for m in find_mentions(text, analysis, load_codebook())]
    assert "Federalka" not in names and "Iwan Sorokin" in names


def test_a_city_read_into_the_name_after_it_is_cut_off():
    from dossier.codebook import load_codebook
    from dossier.extract.persons import find_mentions
    from dossier.nlp import analyse

    text = "La polizia ha arrestato all'aeroporto di Podgorica Ivan Sorokin, 40 anni, disertore.\n"
    analysis = analyse(text, "it")
    assert any(p[2].startswith("Podgorica") for p in analysis.persons)  # the capitals rule reads one run
    names = [m.name for m in find_mentions(text, analysis, load_codebook())]
    assert "Ivan Sorokin" in names and not [n for n in names if "Podgorica" in n]
