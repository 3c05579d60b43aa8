"""Each event type and each language on sentences written for the tests (fictional people)."""
from __future__ import annotations

import pytest

from dossier.codebook import EVENT_TYPES, load_codebook
from dossier.extract import extract_article
from dossier.records import Article

pytestmark = pytest.mark.slow


def run(text: str, language: str, published: str | None = "2024-06-15"):
    art = Article(source="t.txt", document=0, ordinal=0, start=0, end=len(text), title=None, published=published,
                  language=language, text=text)
    return extract_article(art)


def events_of(result, name_part: str):
    keys = {p.key for p in result.persons if name_part in p.name}
    return [e for e in result.events if e.person in keys]


def types(result, name_part: str) -> set[str]:
    return {e.type for e in events_of(result, name_part)}


EN = {
    "refused_to_fight": "Sergeant Pavel Fedotov refused to fight in Ukraine in March 2023.",
    "deserted": "Private Pavel Fedotov deserted from his unit near Belgorod in May 2023.",
    "mobilised": "Pavel Fedotov, a soldier, was mobilised in September 2022.",
    "fled_country": "The deserter Pavel Fedotov fled to Kazakhstan in October 2022.",
    "criminal_case": "Investigators opened a criminal case against the deserter Pavel Fedotov in Russia.",
    "wanted": "The deserter Pavel Fedotov was put on the federal wanted list in Russia.",
    "detained": "The deserter Pavel Fedotov was detained in Almaty on Tuesday.",
    "released": "The deserter Pavel Fedotov was released from custody in Almaty.",
    "extradition": "Russia requested the extradition of the deserter Pavel Fedotov from Kazakhstan.",
    "deported": "The deserter Pavel Fedotov was deported from Kazakhstan to Russia.",
    "abducted": "The deserter Pavel Fedotov was abducted in Yerevan by Russian military police.",
    "asylum_applied": "The deserter Pavel Fedotov applied for asylum in Germany.",
    "asylum_granted": "The deserter Pavel Fedotov was granted asylum in France.",
    "asylum_denied": "Kazakhstan denied asylum to the deserter Pavel Fedotov.",
    "appeal": "The deserter Pavel Fedotov appealed the decision in Astana.",
    "sentenced": "The deserter Pavel Fedotov was sentenced in absentia to six years in prison in Russia.",
    "residence_permit": "The deserter Pavel Fedotov obtained a residence permit in Serbia.",
    "travel_denied": "The deserter Pavel Fedotov was blocked from boarding a flight in Almaty.",
    "dismissed": "The officer Pavel Fedotov was dismissed from the army after he refused to fight.",
    "killed": "The deserter Pavel Fedotov was found dead in Spain.",
}


CORPUS_LANGUAGES = ("en", "fr", "ru", "uk", "de", "pl", "es", "it")


def test_codebook_covers_all_event_types_in_every_language():
    cb = load_codebook()
    assert set(cb.events) == set(EVENT_TYPES)
    assert set(CORPUS_LANGUAGES) <= set(cb.lexicons)
    for lang in CORPUS_LANGUAGES:
        lex = cb.lexicons[lang]
        for etype in EVENT_TYPES:
            assert lex.triggers.get(etype) or lex.frames.get(etype), (lang, etype)
        for key in ("pronouns", "resister_nouns", "other_nouns", "relevance"):
            assert lex.words[key], (lang, key)
        assert lex.modality["negation"], lang


@pytest.mark.parametrize("word", ["Ivanov", "aa", "ab ab", "_x", "x_", "1990", "’s", "-ov", "O'Neil"])
def test_word_search_finds_what_a_word_boundary_pattern_finds(word):
    import re

    from dossier.extract.persons import _word_at

    text = ("Ivanov, Ivanova and Ivanov_ met IVANOV; aaaa aa aa_ aa. ab ab ab x_x _x x_ 1990s 1990 it’s ’s "
            "Petr-ov -ov O'Neil O'Neils")
    assert list(_word_at(text, word)) == [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text)]


def test_service_patterns_read_lowered_text_in_any_case():
    from dossier.codebook import _compile_lowered
    from dossier.extract.persons import detect_service

    pattern = _compile_lowered([r"\bFSB\b", r"Air Force\S*"], "t")
    assert pattern.findall("the fsb and the air  force's men") == ["fsb", "air  force's"]
    assert pattern.findall("fsbx") == []  # \b kept, not lowered into something else
    assert pattern.findall("air force is") == ["air force"]  # \S stays \S, not \s
    assert _compile_lowered([r"\x46SB"], "t").search("fsb")  # a character by its code: matched ignoring case
    cb = load_codebook()
    assert detect_service("HE SERVED IN THE FSB, NOT THE ARMY. THE FSB CHARGED HIM.", cb) == "fsb"
    assert detect_service("Он служил в Росгвардии", cb) == "national_guard"
    assert detect_service("He was a teacher.", cb) is None


@pytest.mark.parametrize("lang", CORPUS_LANGUAGES)
def test_codebook_entries_are_in_lemma_form(lang):
    """Every lexicon entry is what the language layer makes of it (a word or phrase in lemma form)."""
    from dossier.lexicon import not_lemma_form

    assert not_lemma_form(load_codebook().lexicons[lang]) == []


@pytest.mark.parametrize("etype", EVENT_TYPES)
def test_extract_events_each_type_in_english(etype):
    result = run(EN[etype], "en")
    assert etype in types(result, "Fedotov"), [e.type for e in result.events]


def test_extract_events_arguments_english():
    result = run("The deserter Pavel Fedotov fled to Kazakhstan in October 2022. "
                 "In March 2023, a Russian court sentenced Fedotov in absentia to six and a half years in prison "
                 "under Article 338 of the Criminal Code.", "en")
    by_type = {e.type: e for e in events_of(result, "Fedotov")}
    fled = by_type["fled_country"]
    assert (fled.country, fled.date, fled.attributes["from_country"]) == ("KZ", "2022-10", "RU")
    sentenced = by_type["sentenced"]
    assert (sentenced.country, sentenced.date) == ("RU", "2023-03")
    assert sentenced.attributes["years"] == 6.5 and sentenced.attributes["in_absentia"] is True
    evidence = sentenced.evidence[0]
    assert "sentenced Fedotov" in evidence.text


def test_extract_events_modality_not_events_except_planned_and_pending():
    result = run("The deserter Pavel Fedotov faces up to 15 years in prison if he is deported to Russia. "
                 "He could be extradited, his lawyer said. He was not detained. "
                 "His lawyer said Fedotov would appeal the decision.", "en")
    found = types(result, "Fedotov")
    assert "deported" not in found and "detained" not in found
    assert "extradition" not in found
    appeals = [e for e in events_of(result, "Fedotov") if e.type == "appeal"]
    assert appeals and appeals[0].attributes["outcome"] == "planned"


def test_extract_events_pronoun_resolution_and_lawyers_kept_apart():
    result = run("Pavel Fedotov, a 24-year-old soldier, deserted in May 2023. His lawyer, Anna Morozova, said "
                 "he was detained in Almaty a week ago. Morozova has represented many deserters.", "en")
    assert {"deserted", "detained"} <= types(result, "Fedotov")
    lawyer = next(p for p in result.persons if "Morozova" in p.name)
    assert lawyer.role == "other" and not events_of(result, "Morozova")
    assert next(p for p in result.persons if "Fedotov" in p.name).role == "resister"


def test_extract_events_french():
    text = ("Le déserteur russe Pavel Fedotov a fui au Kazakhstan en octobre 2022. "
            "Une procédure pénale a été engagée contre lui en vertu de l’article 338 du Code pénal russe. "
            "Le 5 février 2024, le tribunal d’Astana a refusé d’accorder le statut de réfugié à M. Fedotov. "
            "Son avocat a déclaré qu’il ferait appel. En cas d’expulsion, il risque quinze ans de prison.")
    result = run(text, "fr")
    by_type = {e.type: e for e in events_of(result, "Fedotov")}
    assert {"fled_country", "criminal_case", "asylum_denied", "appeal"} <= set(by_type)
    assert "deported" not in by_type
    assert by_type["fled_country"].country == "KZ"
    assert by_type["criminal_case"].attributes["article"] == "RU-338"
    assert (by_type["asylum_denied"].date, by_type["asylum_denied"].country) == ("2024-02-05", "KZ")
    assert by_type["appeal"].attributes["outcome"] == "planned"


def test_extract_events_russian_inflected_names_and_places():
    text = ("Сержант Павел Федотов дезертировал из части в мае 2023 года. В июне 2023 года он бежал в Казахстан. "
            "Против Федотова возбудили уголовное дело, он объявлен в федеральный розыск. "
            "В марте 2024 года суд в Астане отказал ему в предоставлении статуса беженца.")
    result = run(text, "ru")
    person = next(p for p in result.persons if "Федотов" in p.name)
    assert person.name == "Павел Федотов" and person.role == "resister"
    by_type = {e.type: e for e in events_of(result, "Федотов")}
    assert {"deserted", "fled_country", "criminal_case", "wanted", "asylum_denied"} <= set(by_type)
    assert (by_type["fled_country"].country, by_type["fled_country"].date) == ("KZ", "2023-06")
    assert by_type["wanted"].attributes["scope"] == "federal"
    assert (by_type["asylum_denied"].country, by_type["asylum_denied"].date) == ("KZ", "2024-03")


def test_extract_events_fallback_language_is_processed_not_dropped():
    text = ("Der Deserteur Pavel Fedotov floh nach Kasachstan. Pavel Fedotov wurde in Almaty festgenommen. "
            "Fedotov hat Asyl beantragt.")
    result = run(text, "de")
    assert result.pipeline == "rules"
    assert {"fled_country", "detained"} <= types(result, "Fedotov")


def test_extract_events_group_statements_are_not_person_events():
    result = run("Thousands of Russian soldiers deserted in 2023, and many fled to Kazakhstan. "
                 "The deserter Pavel Fedotov gave an interview.", "en")
    assert not events_of(result, "Fedotov")


# Other languages: sentences written for the tests, fictional people, each language's own word order and inflection.
OTHER = {
    "de": ("Der Deserteur Pawel Fedotow floh im Oktober 2022 nach Kasachstan. Dort beantragte Fedotow Asyl. "
           "Im März 2023 wurde er in Almaty festgenommen.",
           "Fedotow", {"fled_country", "asylum_applied", "detained"}),
    "es": ("El desertor ruso Pável Fedotov huyó a Kazajistán en octubre de 2022. Pidió asilo un mes más tarde. "
           "En marzo de 2023 fue detenido en Almaty.",
           "Fedotov", {"fled_country", "asylum_applied", "detained"}),
    "it": ("Il disertore russo Pavel Fedotov è fuggito in Kazakistan nell'ottobre 2022. Ha chiesto asilo un mese dopo. "
           "A marzo 2023 è stato arrestato ad Almaty.",
           "Fedotov", {"fled_country", "asylum_applied", "detained"}),
    "pl": ("Rosyjski dezerter Paweł Fiedotow uciekł do Kazachstanu w październiku 2022 r. "
           "Miesiąc później złożył wniosek o azyl. W marcu 2023 r. został zatrzymany w Ałmaty.",
           "Fiedotow", {"fled_country", "asylum_applied", "detained"}),
    "uk": ("Російський дезертир Павло Федотов утік до Казахстану в жовтні 2022 року. "
           "Через місяць він попросив притулку. У березні 2023 року його затримали в Алмати.",
           "Федотов", {"fled_country", "asylum_applied", "detained"}),
}


@pytest.mark.parametrize("lang", sorted(OTHER))
def test_extract_events_in_languages_without_a_parser(lang):
    text, name, expected = OTHER[lang]
    result = run(text, lang)
    assert result.pipeline == "rules"
    person = next(p for p in result.persons if name in p.name)
    assert person.role == "resister"
    found = {e.type: e for e in events_of(result, name)}
    assert expected <= set(found), sorted(found)
    assert found["fled_country"].country == "KZ"
    assert found["detained"].date == "2023-03"


def test_extract_events_relative_dates_and_story_year():
    result = run("Pavel Fedotov, a deserter, crossed into Kazakhstan on May 17, 2023. Border guards detained him "
                 "two days later. He applied for asylum in June.", "en", published="2024-02-13")
    by_type = {e.type: e for e in events_of(result, "Fedotov")}
    assert by_type["detained"].date == "2023-05-19"
    assert by_type["asylum_applied"].date == "2023-06"


def test_extract_events_negation_after_the_verb_and_questions():
    result = run("Der Deserteur Pawel Fedotow floh nach Kasachstan. Einen Asylantrag hat er dort nicht gestellt. "
                 "Wurde er festgenommen?", "de")
    found = types(result, "Fedotow")
    assert "fled_country" in found
    assert "asylum_applied" not in found and "detained" not in found


def test_extract_events_follow_the_gender_of_pronouns():
    """A woman quoted after the man's story does not take his events, and "she" is not him."""
    ru = run("Рядовой Павел Федотов дезертировал из части в мае 2023 года. «Мы боялись за него», — рассказала "
             "Людмила Федотова. В июне его задержали в Казахстане.", "ru")
    assert "detained" in types(ru, "Павел"), [(p.name, p.role) for p in ru.persons]
    assert not [e for e in ru.events if e.person in {p.key for p in ru.persons if p.name.startswith("Людмил")}]
    en = run("The deserter Pavel Fedotov fled to Kazakhstan in October 2022. His sister Anna Fedotova stayed in "
             "Omsk. She was detained in June.", "en")
    assert "fled_country" in types(en, "Pavel")
    assert "detained" not in types(en, "Pavel")


def test_organisations_named_in_english_and_places_are_not_persons():
    it = run("Il disertore Pavel Fedotov è fuggito in Kazakistan nel 2023 con l'aiuto di Safe Harbour. Fedotov si era "
             "rifiutato di combattere vicino a Bachmut. Secondo Safe Harbour, Bachmut resta sotto attacco; lo ha "
             "scritto su Telegram.", "it")
    names = {p.name for p in it.persons}
    assert any("Fedotov" in n for n in names)
    assert not names & {"Safe Harbour", "Bachmut", "Telegram"}, names


def test_frames_across_an_infinitive_comma_in_german_and_lexicon_gaps():
    de = run("Der Deserteur Pawel Fedotow hatte sich im Mai 2023 bei Bachmut geweigert, einen Befehl auszuführen.", "de")
    assert "refused_to_fight" in types(de, "Fedotow")
    ru = run("Дезертира Павла Федотова задержали в Казахстане в мае. На следующий день Федотова освободили из "
             "следственного изолятора.", "ru")
    assert "released" in types(ru, "Федотов")


def test_plural_people_and_whether_clauses_are_not_person_events():
    ru = run("Дезертир Павел Федотов бежал в Казахстан в мае 2023 года. Проект получил сотни обращений от "
             "мобилизованных. Будет ли Федотов обжаловать решение, адвокат не уточнила.", "ru")
    assert "fled_country" in types(ru, "Федотов")
    assert not types(ru, "Федотов") & {"mobilised", "appeal"}, types(ru, "Федотов")


def test_relative_clause_dates_and_measures_against_groups():
    en = run("A court on Monday upheld a decision to deny asylum to Pavel Fedotov, a soldier who deserted from his "
             "unit. Fedotov was mobilised on Sept. 28, 2022, a week after the president ordered the call-up of "
             "reservists.", "en", published="2024-02-14")
    deserted = [e for e in events_of(en, "Fedotov") if e.type == "deserted"]
    assert deserted and deserted[0].date is None  # Monday is the court's day, not the desertion's
    mobilised = [e for e in events_of(en, "Fedotov") if e.type == "mobilised"]
    assert [e.date for e in mobilised] == ["2022-09-28"]


def test_a_maximum_penalty_is_not_a_sentence():
    uk = run("Проти дезертира Павла Федотова порушили кримінальну справу, за яку загрожує до 10 років позбавлення "
             "волі. 2 грудня Федотов вилетів до Єревана.", "uk")
    assert "criminal_case" in types(uk, "Федотов") and "sentenced" not in types(uk, "Федотов")
    flights = [e for e in events_of(uk, "Федотов") if e.type == "fled_country"]
    assert flights and flights[0].date and flights[0].date.endswith("-12-02")  # its own sentence, its own date


def test_an_institution_with_an_indefinite_article_before_a_name_is_no_apposition():
    de = run("Anders lief es bei dem Deserteur Artur Fedotow. Er war im Juni nach Kasachstan ausgereist. Im Januar 2024 "
             "verurteilte ein russisches Gericht Fedotow zu sechs Jahren Haft.", "de")
    assert {"fled_country", "sentenced"} <= types(de, "Fedotow"), [(p.name, p.role) for p in de.persons]


def test_quoted_first_names_of_anonymous_people_are_pseudonyms():
    es = run('"Pável" —pide que no se publique su apellido— era soldado profesional. En abril de 2023 desertó del '
             'frente y en julio huyó a Kirguistán.', "es")
    pav = [p for p in es.persons if p.name == "Pável"]
    assert pav and pav[0].pseudonym and {"deserted", "fled_country"} <= types(es, "Pável")


def test_a_definite_description_of_a_man_is_the_person_in_focus():
    fr = run("Le déserteur Pavel Fedotov a quitté son unité en décembre 2022. En mai 2023, le jeune homme demande "
             "l'asile à la frontière. Le tribunal a rejeté la demande.", "fr")
    assert {"deserted", "asylum_applied"} <= types(fr, "Fedotov")
    en = run("Pavel Fedotov deserted in 2022. The court concluded that the military refused to pay him.", "en")
    assert "refused_to_fight" not in types(en, "Fedotov")


def test_topic_first_negations_and_groups_after_the_trigger():
    uk = run("Дезертира Павла Федотова засудили до шести років. Апеляцію, за нашими даними, захист не подавав. "
             "У 2023 році Казахстан депортував до Росії громадян, які відмовилися воювати.", "uk")
    assert "sentenced" in types(uk, "Федотов")
    assert not types(uk, "Федотов") & {"appeal", "deported"}, types(uk, "Федотов")


def test_refusing_entry_to_the_war_zone_is_refusing_to_fight():
    pl = run("Porucznik Paweł Fedotow w lutym 2022 r. odmówił wjazdu do Ukrainy i został za to zwolniony ze służby. "
             "Dezerterzy i odmowcy uciekają z Rosji.", "pl")
    assert "refused_to_fight" in types(pl, "Fedotow") and "travel_denied" not in types(pl, "Fedotow")
    en = run("The deserter Pavel Fedotov was refused entry to Georgia at the border in 2023.", "en")
    assert "refused_to_fight" not in types(en, "Fedotov")


def test_events_away_from_the_front_are_not_placed_in_the_war_zone():
    en = run("Kazakhstan denied asylum to the deserter Pavel Fedotov, who had refused to fight in Ukraine.", "en")
    denied = [e for e in events_of(en, "Fedotov") if e.type == "asylum_denied"]
    assert denied and denied[0].country == "KZ"


def test_a_relative_date_counts_from_the_date_told_just_before_it_in_the_sentence():
    es = run("En marzo de 2023 el capitán Pavel Fedotov se negó a combatir y, un mes después, fue expulsado del cuerpo.",
             "es", published="2025-04-09")
    dismissed = [e for e in events_of(es, "Fedotov") if e.type == "dismissed"]
    assert dismissed and dismissed[0].date == "2023-04"


def test_extract_long_article_is_read_in_parts_and_keeps_one_person_per_name():
    """A page far longer than any article (here one line of 90,000 characters without a full stop) is read in
    bounded parts (time linear in length, it was quadratic); a person named in several parts is one person, and
    every offset still points into the document."""
    from dossier.extract import LONG

    lead = "The deserter Pavel Grinkov fled to Kazakhstan in May 2023, "
    filler = "and the weather in the region stayed mild and dry for many weeks, " * (3 * LONG // 66)
    tail = "and in June 2024 Pavel Grinkov was detained in Almaty at the request of Russia"
    text = lead + filler + tail
    assert len(text) > 3 * LONG and "." not in text
    art = Article(source="long.txt", document=0, ordinal=0, start=10, end=10 + len(text), title=None,
                  language="en", text=text)
    result = extract_article(art)
    named = [p for p in result.persons if "Grinkov" in p.name]
    assert len(named) == 1
    person = named[0]
    assert {m.start for m in person.mentions} == {10 + text.index("Pavel"), 10 + text.rindex("Pavel")}
    types = {e.type for e in result.events if e.person == person.key}
    assert {"fled_country", "detained"} <= types
    for e in result.events:
        for x in e.evidence:
            assert text[x.start - 10:x.end - 10] == x.text


def test_no_break_spaces_of_french_typography_do_not_cut_phrases():
    text = "Le déserteur Pavel Fedotov vit au Kazakhstan. En cas d’expulsion, Fedotov risque 15 ans de prison."
    assert "deported" not in types(run(text, "fr"), "Fedotov")  # "en cas de": a condition
    nbsp = text.replace("En cas", "En\u00a0cas").replace("risque 15", "risque\u00a015")
    result = run(nbsp, "fr")
    assert "deported" not in types(result, "Fedotov")


def test_a_purpose_clause_reaches_only_to_the_turn_of_the_sentence():
    text = ("Le déserteur Pavel Fedotov vit au Kazakhstan. Pour éviter l'expulsion, Fedotov a tenté de prendre "
            "l'avion pour l'Arménie, mais a été détenu à l'aéroport.")
    found = types(run(text, "fr"), "Fedotov")
    assert "detained" in found and "deported" not in found
    assert "detained" not in types(run("Le déserteur Pavel Fedotov vit au Kazakhstan. S'il rentre en Russie, Fedotov "
                                       "sera détenu à l'aéroport.", "fr"), "Fedotov")


def test_a_negated_verb_far_from_its_noun_trigger_negates_it():
    text = ("Le déserteur Pavel Fedotov vit en Géorgie. Il n'est pas visé, à sa connaissance, par un avis de "
            "recherche russe.")
    assert "wanted" not in types(run(text, "fr"), "Fedotov")
    assert "wanted" in types(run("Le déserteur Pavel Fedotov vit en Géorgie. Il est visé, selon son avocat, par un "
                                 "avis de recherche russe.", "fr"), "Fedotov")


def test_german_expectation_is_no_event():
    text = ("Der Deserteur Pawel Fedotow lebt in Berlin. Bei einer Rückkehr müsse Fedotow allenfalls mit einer "
            "Geldstrafe rechnen, argumentierte die Behörde.")
    assert "sentenced" not in types(run(text, "de"), "Fedotow")


def test_a_negation_in_a_clause_the_trigger_governs_is_not_its_own():
    """"rejected his application, finding that he had not shown ...": the "not" belongs to the complement clause."""
    es = run("El desertor Pável Fedótov pidió asilo en Francia. La oficina rechazó su solicitud en septiembre al "
             "considerar que no había probado el riesgo de persecución.", "es")
    assert "asylum_denied" in types(es, "Fedótov"), types(es, "Fedótov")
    en = run("The deserter Pavel Fedotov applied for asylum. The office did not reject his application, which "
             "was still pending.", "en")
    assert "asylum_denied" not in types(en, "Fedotov")


def test_a_lexicon_word_that_yaml_reads_as_a_boolean_is_refused(tmp_path):
    """Polish "on" (he) unquoted is YAML's true: the lexicon says so instead of matching the word "true"."""
    from dossier.errors import ConfigError
    from dossier.lexicon import load_lexicon

    path = tmp_path / "pl.yaml"
    path.write_text("language: pl\npronouns:\n  - on\n  - jego\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="quote"):
        load_lexicon(path, EVENT_TYPES)
    path.write_text('language: pl\npronouns:\n  - "on"\n  - jego\n', encoding="utf-8")
    assert "on" in load_lexicon(path, EVENT_TYPES).words["pronouns"]


def test_a_decision_with_a_pronoun_for_its_object_answers_the_application_just_told():
    """"applied for asylum ... turned him down": a refusal of the application; without an application told just
    before, the same words decide on nothing the codebook knows."""
    en = run("The deserter Pavel Fedotov applied for refugee status in Oral in June 2023. The city's migration "
             "department turned him down on November 3.", "en")
    denied = [e for e in events_of(en, "Fedotov") if e.type == "asylum_denied"]
    assert denied and denied[0].date == "2023-11-03", [(e.type, e.date) for e in en.events]
    pl = run("Dezerter Paweł Fedotow złożył w lutym wniosek o azyl we Francji. Urząd oddalił go we wrześniu.", "pl")
    assert "asylum_denied" in types(pl, "Fedotow"), types(pl, "Fedotow")
    none = run("The deserter Pavel Fedotov fled to Kazakhstan in 2022. The local club turned him down in May.", "en")
    assert "asylum_denied" not in types(none, "Fedotov")


def test_a_refusal_of_the_application_just_told_is_the_applicants():
    de = run("Der Deserteur Pawel Fedotow stellte im Februar 2023 einen Asylantrag. Das Bundesamt lehnte den Antrag "
             "im Januar 2024 ab.", "de")
    denied = [e for e in events_of(de, "Fedotow") if e.type == "asylum_denied"]
    assert denied and denied[0].date == "2024-01", [(e.type, e.person) for e in de.events]


def test_a_happening_told_after_what_ended_it_is_a_new_one():
    """detained, deported, detained at the airport: two detentions; detained, then told again: one."""
    fr = run("Le déserteur Pavel Fedotov a été arrêté par la police kazakhe. Il a été expulsé vers la Russie. "
             "Plus tard, Fedotov a été détenu à l'aéroport d'Almaty.", "fr")
    assert [e.type for e in events_of(fr, "Fedotov")].count("detained") == 2, [e.type for e in fr.events]
    en = run("The deserter Pavel Fedotov was detained by Kazakh police. Police detained him at the airport in Almaty.",
             "en")
    assert [e.type for e in events_of(en, "Fedotov")].count("detained") == 1, [e.type for e in en.events]


def test_things_and_other_people_in_the_clause_are_not_the_person():
    """"it was free" speaks of a thing; "a boy who was executed" and "a guy ... died" of somebody unnamed."""
    en = run("The deserter Pavel Fedotov went to military school because it was free. Fedotov cannot forget a boy "
             "who seemed to be making bombs and was executed near Kherson. Later, a guy fell asleep under a truck and died when it drove over him.",
             "en")
    assert not types(en, "Fedotov") & {"released", "killed"}, types(en, "Fedotov")


def test_charges_faced_are_a_case_and_a_negation_inside_their_reason_is_not_theirs():
    en = run("The deserter Pavel Fedotov faced criminal charges in Russia for not reporting to his unit.", "en")
    assert "criminal_case" in types(en, "Fedotov"), types(en, "Fedotov")
    en = run("The deserter Pavel Fedotov did not face charges in Russia.", "en")
    assert "criminal_case" not in types(en, "Fedotov")
    en = run("The deserter Pavel Fedotov could face charges in Russia.", "en")
    assert "criminal_case" not in types(en, "Fedotov")


def test_protection_a_court_grants_is_an_appeal_won():
    fr = run("La Cour nationale du droit d'asile a accordé le statut de réfugié au déserteur Pavel Fedotov le 10 avril.",
             "fr")
    won = [e for e in events_of(fr, "Fedotov") if e.type == "appeal"]
    assert won and won[0].attributes.get("outcome") == "granted", [(e.type, e.attributes) for e in fr.events]
    en = run("France granted refugee status to the deserter Pavel Fedotov on April 10.", "en")
    assert "asylum_granted" in types(en, "Fedotov") and "appeal" not in types(en, "Fedotov")


def test_the_place_a_trigger_takes_says_where_even_at_home():
    fr = run("Le déserteur Mikhaïl Jiline s’est vu interdire de quitter la Russie et il est entré illégalement au "
             "Kazakhstan en septembre.", "fr")
    banned = [e for e in events_of(fr, "Jiline") if e.type == "travel_denied"]
    assert banned and banned[0].country == "RU", [(e.type, e.country) for e in fr.events]
    en = run("The deserter Pavel Fedotov was detained in Russia in May, then fled to Kazakhstan.", "en")
    assert [e.country for e in events_of(en, "Fedotov") if e.type == "detained"] == ["RU"]


def test_an_application_with_its_owner_named_survives_its_refusal():
    """"le Kazakhstan, qui a rejeté sa demande de statut de réfugié": he applied, and was refused."""
    fr = run("Le déserteur Mikhaïl Jiline est au Kazakhstan. Le Kazakhstan, une ancienne république soviétique qui a "
             "rejeté sa demande de statut de réfugié, ne soutient pas la guerre.", "fr")
    assert {"asylum_applied", "asylum_denied"} <= types(fr, "Jiline"), types(fr, "Jiline")
    en = run("The deserter Pavel Fedotov is in Kazakhstan. Kazakhstan denied asylum to him in May.", "en")
    assert "asylum_applied" not in types(en, "Fedotov")


def test_a_happening_told_as_happening_again_is_a_new_one():
    """"detained again" after a detention: two detentions; "may be detained again": no new one."""
    en = run("The deserter Pavel Fedotov was detained in Almaty in March 2023. Later he was detained again.", "en")
    assert [e.type for e in events_of(en, "Fedotov")].count("detained") == 2, [e.type for e in en.events]
    fr = run("Le déserteur Pavel Fedotov a demandé l'asile en France en mars 2023. Il a déposé à deux reprises une "
             "demande d'asile.", "fr")
    assert [e.type for e in events_of(fr, "Fedotov")].count("asylum_applied") == 2, [e.type for e in fr.events]
    de = run("Der Deserteur Pawel Fedotow wurde im März 2023 in Almaty festgenommen. Er könnte erneut festgenommen "
             "werden.", "de")
    assert [e.type for e in events_of(de, "Fedotow")].count("detained") == 1, [e.type for e in de.events]


def test_a_phrasal_verb_takes_its_particle_one_word_on():
    """"locked him up", "sent the deserter back": the particle one word after the verb; two words on, none."""
    en = run("The deserter Pavel Fedotov came to Almaty. Police locked him up in May 2023.", "en")
    assert "detained" in types(en, "Fedotov"), [(e.type, e.person) for e in en.events]
    en = run("The deserter Pavel Fedotov came to Almaty. Police locked his house and went up the road in May 2023.",
             "en")
    assert "detained" not in types(en, "Fedotov"), [(e.type, e.person) for e in en.events]


def test_what_is_only_planned_takes_no_date_from_the_story():
    en = run("The deserter Pavel Fedotov was refused asylum in Almaty in March 2024. \"We will appeal,\" his lawyer "
             "said.", "en")
    planned = [e for e in events_of(en, "Fedotov") if e.type == "appeal"]
    assert planned and planned[0].date is None, [(e.type, e.date, e.attributes) for e in en.events]


def test_an_application_for_something_else_is_no_asylum_decision():
    """"turned down his application for a visa" is no asylum refusal (a visa refused is travel_denied); the
    same words with asylum, or asylum and a permit, are."""
    en = run("The deserter Pavel Fedotov applied for asylum in Lithuania in March 2024. In May, Lithuania turned down "
             "his application for a visa.", "en")
    assert "asylum_denied" not in types(en, "Fedotov"), [(e.type, e.evidence[0].text) for e in en.events]
    it = run("Il disertore Pavel Fedotov ha chiesto asilo in Lituania a marzo. A maggio la questura respinse la sua "
             "domanda di permesso di soggiorno.", "it")
    assert "asylum_denied" not in types(it, "Fedotov"), [(e.type, e.evidence[0].text) for e in it.events]
    en = run("The deserter Pavel Fedotov applied for asylum in Lithuania in March 2024. In May, Lithuania turned down "
             "his application for asylum and a residence permit.", "en")
    assert "asylum_denied" in types(en, "Fedotov"), [(e.type, e.evidence[0].text) for e in en.events]


def test_a_predicate_joined_to_a_possible_one_is_only_possible_too():
    """"can be detained and deported": neither happened; "was detained and deported": both did."""
    en = run("The deserter Pavel Fedotov lives in Almaty. He can be detained and deported at any moment.", "en")
    assert not types(en, "Fedotov") & {"detained", "deported"}, types(en, "Fedotov")
    fr = run("Le déserteur Pavel Fedotov vit à Almaty. Il peut être arrêté et expulsé à tout moment.", "fr")
    assert not types(fr, "Fedotov") & {"detained", "deported"}, types(fr, "Fedotov")
    en = run("The deserter Pavel Fedotov lived in Almaty. He was detained and deported in May.", "en")
    assert {"detained", "deported"} <= types(en, "Fedotov"), types(en, "Fedotov")
    # without a parse, a conjunction alone between the two
    de = run("Der Deserteur Pawel Fedotow lebt in Almaty. Er kann jederzeit festgenommen und abgeschoben werden.", "de")
    assert not types(de, "Fedotow") & {"detained", "deported"}, types(de, "Fedotow")
    de = run("Der Deserteur Pawel Fedotow lebte in Almaty. Im Mai wurde er festgenommen und abgeschoben.", "de")
    assert {"detained", "deported"} <= types(de, "Fedotow"), types(de, "Fedotow")


def test_a_definite_deserter_in_a_first_clause_is_the_subject_of_the_next():
    """"le déserteur a gagné le Kazakhstan, puis s'est envolé pour la Géorgie": he flew to Georgia too."""
    fr = run("Pavel Fedotov a quitté son unité en mars 2023. Après quelques semaines, le déserteur a gagné le "
             "Kazakhstan en septembre, puis s'est envolé pour la Géorgie.", "fr")
    legs = {e.country for e in events_of(fr, "Fedotov") if e.type == "fled_country"}
    assert {"KZ", "GE"} <= legs, [(e.type, e.country) for e in fr.events]


def test_two_names_side_by_side_in_different_cases_are_two_people():
    """"с матерью Павла Наилёй" is Pavel's mother Nailya: the lone "Павла" later is still Pavel Fedotov."""
    ru = run("Дезертир Павел Федотов дезертировал из армии в 2023 году. Мы поговорили с матерью Павла Наилёй. В "
             "августе Павла задержала казахстанская полиция.", "ru")
    assert not any("Наил" in p.name and "Павл" in p.name for p in ru.persons), [p.name for p in ru.persons]
    pavel = [p for p in ru.persons if "Федотов" in p.name]
    assert pavel and sum(m.text == "Павла" for m in pavel[0].mentions) == 2, [(p.name, p.mentions) for p in ru.persons]


def test_a_subject_in_the_headline_is_not_replaced_by_the_next_clause_s():
    """A parse that joins the headline to the lead gives "detained" the headline's subject; discarded across the
    line break, it must not make "his lawyer said" the detained person's clause."""
    title = "Russian deserter detained in Almaty"
    text = (f"{title}\n\nKirill Danchenko, a 24-year-old Russian soldier who deserted from his unit in March 2024, "
            "was detained in Almaty on 12 May 2024, his lawyer said.")
    art = Article(source="t.txt", document=0, ordinal=0, start=0, end=len(text), title=title, published="2024-05-14",
                  language="en", text=text)
    assert "detained" in types(extract_article(art), "Danchenko")


def test_a_date_set_off_by_commas_after_the_clause_dates_it():
    fr = run("Le sergent Pavel Fedotov avait refusé de repartir au front à l'issue d'une permission, à l'automne 2023, "
             "avant de s'envoler pour Erevan.", "fr", published="2024-06-12")
    refused = [e for e in events_of(fr, "Fedotov") if e.type == "refused_to_fight"]
    assert refused and refused[0].date == "2023"
    # "that year" is no relative clause: the month is dated by the year told before
    en = run("The deserter Pavel Fedotov left his unit in May 2023. In July of that year he crossed into Kyrgyzstan.",
             "en", published="2024-11-09")
    fled = [e for e in events_of(en, "Fedotov") if e.type == "fled_country"]
    assert fled and fled[0].date == "2023-07"


def test_a_place_after_a_dash_is_not_the_place_the_trigger_takes():
    ru = run("Дезертира Павла Федотова задержала казахстанская полиция — по запросу России.", "ru")
    detained = [e for e in events_of(ru, "Федотов") if e.type == "detained"]
    assert detained and detained[0].country == "KZ"


def test_the_undated_news_a_report_opens_with_happened_as_it_was_reported():
    text = ("La Serbie a refusé d'extrader le déserteur russe Pavel Fedotov, qui avait quitté son unité en juin 2023. "
            "Il avait été arrêté à Belgrade.")
    fr = run(text, "fr", published="2024-06-12")
    by_type = {e.type: e for e in events_of(fr, "Fedotov")}
    assert by_type["extradition"].date == "2024-06" and by_type["extradition"].attributes.get("date_inferred")
    assert by_type["deserted"].date == "2023-06"  # its own date, in its own clause
    assert by_type["detained"].date != "2024-06"  # told later, not the news itself


def test_several_days_later_is_a_time_not_a_group():
    pl = run("W lutym 2024 r. szeregowy Paweł Fedotow odmówił udziału w szturmie. Kilka dni później żołnierz opuścił "
             "jednostkę bez zezwolenia.", "pl", published="2024-11-12")
    deserted = [e for e in events_of(pl, "Fedotow") if e.type == "deserted"]
    assert deserted and deserted[0].date == "2024-02"


def test_who_asks_at_home_is_not_where_it_is_decided():
    en = run("The deserter Pavel Fedotov fled to Kazakhstan in October 2022. On December 10, Moscow sent a formal "
             "extradition request for Pavel Fedotov.", "en", published="2023-02-16")
    extradition = [e for e in events_of(en, "Fedotov") if e.type == "extradition"]
    assert extradition and extradition[0].country == "KZ"
    # a destination that a relative clause goes on to tell of is where that happens
    pl = run("Dezerter Paweł Fedotow przez Kazachstan i Gruzję dotarł w styczniu 2024 r. do Francji, gdzie w lutym "
             "złożył wniosek o azyl.", "pl", published="2025-04-11")
    applied = [e for e in events_of(pl, "Fedotow") if e.type == "asylum_applied"]
    assert applied and applied[0].country == "FR"
    # "до Стамбула" is where he was going, not where he was stopped
    ru = run("3 декабря дезертира Павла Федотова остановили в аэропорту Алматы, когда он пытался сесть на рейс до "
             "Стамбула, и поместили под стражу.", "ru", published="2023-02-16")
    detained = [e for e in events_of(ru, "Федотов") if e.type == "detained"]
    assert detained and {e.country for e in detained} == {"KZ"}


def test_being_ordered_to_fight_is_no_appeal():
    en = run("The deserter Pavel Fedotov knew he would be ordered to fight. He fled to Kazakhstan in May 2023.", "en")
    assert "appeal" not in types(en, "Fedotov") and "fled_country" in types(en, "Fedotov")


def test_a_date_the_verb_governs_past_an_apposition_dates_it():
    en = run("Police said on Monday that the deserter Pavel Fedotov was well. A military court in Rostov sentenced Pavel "
             "Fedotov, a 25-year-old private who deserted from his unit in 2023, to eight years in prison in absentia "
             "on Tuesday.", "en", published="2024-05-15")
    by_type = {e.type: e for e in events_of(en, "Fedotov")}
    assert by_type["sentenced"].date == "2024-05-14"  # Tuesday, not the 2023 of the relative clause
    assert by_type["deserted"].date == "2023"


def test_a_predicate_joined_on_shares_the_person_of_the_one_before():
    fr = run("Le matelot Pavel Fedotov a déserté en août 2023. « Je ne voulais pas tirer », a-t-il déclaré, selon son "
             "avocat, Me Marc Delorme.\n\nAprès quelques semaines caché chez un ami d'enfance, le déserteur a gagné le "
             "Kazakhstan en septembre, puis s'est envolé pour la Géorgie.", "fr", published="2025-04-11")
    fled = {e.country for e in events_of(fr, "Fedotov") if e.type == "fled_country"}
    assert fled == {"KZ", "GE"}


def test_taking_a_plane_to_a_foreign_city_is_a_flight_with_either_article():
    it = run("Il disertore Pavel Fedotov a settembre varcò il confine con il Kazakistan; da lì, qualche settimana dopo, "
             "prese un aereo per Tbilisi.", "it", published="2025-04-11")
    assert {e.country for e in events_of(it, "Fedotov") if e.type == "fled_country"} == {"KZ", "GE"}


def test_a_figure_about_many_is_no_event_of_the_person_in_focus():
    ru = run("Дезертир Павел Федотов бежал в Казахстан в мае 2023 года. По данным волонтёров, с сентября 2022 года "
             "заявления о предоставлении убежища в Казахстане подали около 120 россиян, уклоняющихся от войны.", "ru")
    assert types(ru, "Федотов") == {"fled_country"} and [s.value for s in ru.statistics] == [120]
    uk = run("Дезертир Павло Федотов утік до Казахстану у травні 2023 року. У 2024 році російські суди ухвалили понад "
             "9 тисяч вироків за самовільне залишення частини.", "uk")
    assert types(uk, "Федотов") == {"fled_country"}
    # a figure in a sentence that points to him (his rank, a pronoun) does not take his event away
    en = run("The deserter Pavel Fedotov fled to Kazakhstan in May 2023. In June he applied for asylum there, like "
             "about 120 other Russians.", "en")
    assert "asylum_applied" in types(en, "Fedotov")


def test_a_word_naming_the_agent_is_not_the_frames_argument():
    en = run("The deserter Pavel Fedotov crossed into Kazakhstan in May 2023. Kazakh border guards detained him two days "
             "later.", "en")
    assert "detained" in types(en, "Fedotov") and "travel_denied" not in types(en, "Fedotov")
    en = run("The deserter Pavel Fedotov was stopped at the border crossing and turned back in May 2023.", "en")
    assert "travel_denied" in types(en, "Fedotov")


def test_a_group_that_does_it_to_one_person_is_the_agent():
    fr = run("Le déserteur Pavel Fedotov vivait à Gumri. Le 15 janvier, des hommes de la police militaire russe l'ont "
             "enlevé en pleine rue.", "fr", published="2024-06-12")
    assert "abducted" in types(fr, "Fedotov")
    # the group done to is still a group
    en = run("The deserter Pavel Fedotov lives in Almaty. Dozens of soldiers who refused to fight were detained there.", "en")
    assert "detained" not in types(en, "Fedotov")


def test_a_relative_clause_of_a_definite_description_is_the_person_in_focus():
    fr = run("La Serbie a refusé d'extrader le déserteur Pavel Fedotov. Le Russe, qui s'était réfugié en Serbie en "
             "septembre 2023, avait été remis en liberté début avril.", "fr", published="2024-06-12")
    fled = [e for e in events_of(fr, "Fedotov") if e.type == "fled_country"]
    assert fled and fled[0].country == "RS" and fled[0].date == "2023-09"


def test_a_turn_ends_the_attempt_a_joined_predicate_shares():
    fr = run("Pour éviter l'expulsion, le déserteur Pavel Fedotov a tenté de prendre l'avion pour l'Arménie, mais a été "
             "détenu à l'aéroport.", "fr", published="2024-06-12")
    assert "detained" in types(fr, "Fedotov")


@pytest.mark.parametrize("text,language,name", [
    ("Przeciwko dezerterowi Pawłowi Fedotowowi toczy się sprawa, a jego nazwisko figuruje w federalnym rejestrze osób "
     "poszukiwanych.", "pl", "Fedotow"),
    ("El desertor Pavel Fedotov huyó en 2023 y desde junio está en la lista federal de personas buscadas.", "es",
     "Fedotov"),
])
def test_being_on_the_wanted_list_is_wanted(text, language, name):
    assert "wanted" in types(run(text, language), name)


def test_a_demanded_handover_is_an_extradition_request():
    fr = run("La Serbie a refusé d'extrader le déserteur Pavel Fedotov. Moscou réclamait sa remise depuis son "
             "interpellation à Belgrade, le 7 février.", "fr", published="2024-06-12")
    told = [x.text for e in events_of(fr, "Fedotov") if e.type == "extradition" for x in e.evidence]
    assert any("remise" in t for t in told)


@pytest.mark.parametrize("text, language, name", [
    ("Pavel Fedotov, a deserter, got a residence permit in Serbia. Later he was unable to renew his residence "
     "permit in Serbia.", "en", "Fedotov"),
    ("Pavel Fedotov, un déserteur, a obtenu un permis de séjour en Serbie. Ensuite, il lui a été impossible de "
     "prolonger son titre de séjour en Serbie.", "fr", "Fedotov"),
    ("Павел Федотов, дезертир, получил вид на жительство в Сербии. Потом он не смог продлить вид на жительство.",
     "ru", "Федотов"),
])
def test_a_permit_that_cannot_be_extended_is_refused(text, language, name):
    """The ontology's "cannot be extended": the extension verb alone would read as granted, and the two merge."""
    outcomes = [e.attributes.get("outcome") for e in events_of(run(text, language), name)
                if e.type == "residence_permit"]
    assert outcomes == ["granted", "refused"]


@pytest.mark.parametrize("text, language, name", [
    ("Pavel Fedotov, a deserter, lives in Almaty. He does not know the status of his asylum application.", "en",
     "Fedotov"),
    ("Pavel Fedotov, un déserteur, vit à Almaty. Il ne connaît pas le sort de sa demande d'asile.", "fr", "Fedotov"),
])
def test_not_knowing_leaves_what_is_known_standing(text, language, name):
    assert "asylum_applied" in types(run(text, language), name)
    # the same negation on the predicate itself still denies it
    denied = text.replace("does not know the status of his asylum application", "did not apply for asylum") \
        .replace("ne connaît pas le sort de sa demande d'asile", "n'a pas déposé de demande d'asile")
    assert denied != text and "asylum_applied" not in types(run(denied, language), name)


def test_a_rejected_application_for_something_told_before_is_not_asylum():
    text = "Pavel Fedotov, a deserter, tried to resign, but the academy where he taught rejected his application."
    assert "asylum_denied" not in types(run(text, "en"), "Fedotov")
    told = "Pavel Fedotov, a deserter, applied for asylum in France, but the office rejected his application."
    assert {"asylum_applied", "asylum_denied"} <= types(run(told, "en"), "Fedotov")


def test_a_movement_word_naming_another_is_no_flight():
    """"a travel permit to France": 'travel' names the permit; 'travelled to France' is a movement."""
    named = "Pavel Fedotov, a Russian deserter, lives in Almaty. His application for a travel permit to France was denied."
    assert "fled_country" not in types(run(named, "en"), "Fedotov")
    moved = "Pavel Fedotov, a Russian deserter, lives in Almaty. In May he travelled to France."
    assert "fled_country" in types(run(moved, "en"), "Fedotov")


@pytest.mark.parametrize("text, language, name", [
    ("Pavel Fedotov, a deserter, fled to Kazakhstan. Investigators opened a criminal case against him in Russia. "
     "Later the charges against him were upgraded.", "en", "Fedotov"),
    ("Дезертир Павел Федотов уехал в Казахстан. В России против него возбудили уголовное дело. Позже дело "
     "переквалифицировали на более тяжкую статью.", "ru", "Федотов"),
])
def test_reclassified_charges_are_a_new_case_event(text, language, name):
    assert [e.type for e in events_of(run(text, language), name)].count("criminal_case") == 2


@pytest.mark.parametrize("etype, text, language, name", [
    # held where one boards or crosses is being stopped from it, as English's "detained at the airport"
    ("travel_denied", "Ivan Petrov, un déserteur, a tenté de prendre l'avion, mais a été détenu à l'aéroport.", "fr",
     "Petrov"),
    ("travel_denied", "Дезертира Ивана Петрова задержали в аэропорту, когда он пытался сесть на рейс.", "ru", "Петров"),
    ("travel_denied", "El desertor Iván Petrov fue detenido en el aeropuerto cuando intentaba embarcar.", "es", "Petrov"),
    # no longer reporting for service is desertion
    ("deserted", "Private Pavel Fedotov, mobilised in 2022, said he stopped showing up at his unit in October 2022.",
     "en", "Fedotov"),
    ("deserted", "Мобилизованный рядовой Павел Федотов в октябре 2022 года перестал появляться в части.", "ru",
     "Федотов"),
    ("deserted", "Le soldat Pavel Fedotov a cessé de se présenter à la caserne en octobre 2022.", "fr", "Fedotov"),
    ("deserted", "El soldado Pável Fedótov dejó de presentarse en su unidad en octubre de 2022.", "es", "Fedótov"),
    ("deserted", "Der Soldat Pawel Fedotow ist seit Oktober 2022 seiner Einheit ferngeblieben.", "de", "Fedotow"),
    # "le placent": the small French model may tag the verb as a noun after the clitic and leave it unlemmatized
    ("detained", "Le déserteur russe Pavel Fedotov arrive aux États-Unis. Les agents de l'ICE le placent en détention "
     "à Otay Mesa.", "fr", "Fedotov"),
])
def test_constructions_of_the_language_make_their_event(etype, text, language, name):
    assert etype in types(run(text, language), name)


def test_a_separable_participle_is_read_as_its_verb():
    from dossier.lemmas import lemma

    assert [lemma(w, "de") for w in ("ferngeblieben", "umgebracht", "abgeschoben")] == \
        ["fernbleiben", "umbringen", "abschieben"]


@pytest.mark.parametrize("text, language, name", [
    ("Private Pavel Fedotov, a deserter, left his unit in February 2024 after refusing to take part in an assault.",
     "en", "Fedotov"),
    ("Рядовий Павло Федотов дезертирував у лютому 2024 року, після того як відмовився йти в штурм.", "uk", "Федотов"),
    ("Le soldat Pavel Fedotov, un déserteur, a quitté son unité en février 2024 après avoir refusé de monter à "
     "l'assaut.", "fr", "Fedotov"),
])
def test_a_clause_of_time_without_a_date_takes_the_month_of_its_clause(text, language, name):
    refusal = [e for e in events_of(run(text, language), name) if e.type == "refused_to_fight"]
    assert [e.date for e in refusal] == ["2024-02"]


def test_a_relative_clause_still_takes_no_date_of_the_clause_around_it():
    text = "A court on 3 May 2024 sentenced Pavel Fedotov, a soldier who deserted, to five years."
    deserted = [e for e in events_of(run(text, "en"), "Fedotov") if e.type == "deserted"]
    assert deserted and all(e.date is None for e in deserted)


@pytest.mark.parametrize("text, language, name", [
    ("Pavel Fedotov, a deserter living in Kazakhstan, decided to move to Armenia.", "en", "Fedotov"),
    ("Дезертир Павел Федотов, живущий в Казахстане, решил уехать в Армению.", "ru", "Федотов"),
    ("Pavel Fedotov, un déserteur qui vit au Kazakhstan, a décidé de partir en Arménie.", "fr", "Fedotov"),
])
def test_what_one_decides_to_do_is_not_done_yet(text, language, name):
    assert "fled_country" not in types(run(text, language), name)


def test_what_an_authority_decides_is_its_decision():
    text = "A court in Astana decided to deport the deserter Pavel Fedotov to Russia."
    assert "deported" in types(run(text, "en"), "Fedotov")


def test_a_destination_reached_is_where_the_story_goes_on():
    text = ("The deserter Pavel Fedotov now lives in Armenia. In June 2023 he left legally for Kazakhstan. There the "
            "police detained him in August at the request of Moscow.")
    detained = [e for e in events_of(run(text, "en"), "Fedotov") if e.type == "detained"]
    assert [e.country for e in detained] == ["KZ"]


@pytest.mark.parametrize("text, language, name", [
    ("The deserter Pavel Fedotov travelled via Kazakhstan and Georgia to France in January 2024.", "en", "Fedotov"),
    ("Dezerter Paweł Fiedotow przez Kazachstan i Gruzję dotarł w styczniu 2024 r. do Francji.", "pl", "Fiedotow"),
])
def test_places_passed_through_are_not_the_destination(text, language, name):
    fled = [e for e in events_of(run(text, language), name) if e.type == "fled_country"]
    assert [e.country for e in fled] == ["FR"]


def test_a_change_of_state_told_as_ongoing_is_no_happening_yet():
    ongoing = ("Pavel Fedotov, a deserter, lives in Almaty. His right to stay in Kazakhstan is coming to an end. "
               "His back was killing him.")
    assert not {"residence_permit", "killed"} & types(run(ongoing, "en"), "Fedotov")
    done = "Pavel Fedotov, a deserter, lives in Almaty. His residence permit in Kazakhstan expired in May."
    assert "residence_permit" in types(run(done, "en"), "Fedotov")


def test_a_relative_clause_without_commas_takes_no_date_of_the_clause_around_it():
    text = "The Russian deserter Pavel Fedotov who fled to Belarus was found dead in Minsk on 8 November 2024."
    dated = {e.type: e.date for e in events_of(run(text, "en"), "Fedotov")}
    assert dated.get("killed") == "2024-11-08" and "fled_country" in dated and dated["fled_country"] is None


def test_a_movement_verb_with_a_person_as_object_is_not_the_subjects_flight():
    text = ("Pavel Fedotov, a Russian deserter, lives in Minsk. In May, Lithuania turned down his application for a "
            "visa, leaving him stuck in Minsk.")
    assert "fled_country" not in types(run(text, "en"), "Fedotov")


def test_a_hope_of_arriving_is_no_arrival_and_a_visa_is_no_asylum():
    text = ("Il disertore russo Pavel Fedotov vive a Minsk. A maggio il consolato lituano respinse la sua domanda di "
            "visto, e le speranze di arrivare a Vilnius svanirono.")
    found = types(run(text, "it"), "Fedotov")
    assert "travel_denied" in found and not {"asylum_denied", "fled_country"} & found


def test_held_in_the_passive_is_detained_and_a_court_noting_is_not():
    held = "Der russische Deserteur Pawel Fedotow lebte in Armenien. Er wurde fünf Tage lang festgehalten."
    assert "detained" in types(run(held, "de"), "Fedotow")
    noted = "Der russische Deserteur Pawel Fedotow lebte in Armenien. Das Gericht hielt fest, dass er fliehen wollte."
    assert "detained" not in types(run(noted, "de"), "Fedotow")


@pytest.mark.parametrize("text, language, name", [
    ("Il disertore russo Pavel Fedotov vive a Minsk. A febbraio il comandante gli ordinò di unirsi a un assalto. "
     "Fedotov rifiutò e, pochi giorni dopo, abbandonò il reparto.", "it", "Fedotov"),
    ("The Russian deserter Pavel Fedotov lives in Minsk. In February his commander ordered him to join an assault. "
     "He refused.", "en", "Fedotov"),
])
def test_a_bare_refusal_after_an_order_is_a_refusal_to_fight(text, language, name):
    assert "refused_to_fight" in types(run(text, language), name)
    # with no order told before, a bare refusal says nothing of fighting
    alone = text.split(". ", 1)[0] + ". " + text.rsplit(". ", 1)[1]
    assert "refused_to_fight" not in types(run(alone, language), name)


def test_a_time_between_two_happenings_is_no_term():
    from dossier.numbers import years

    assert years("in a penal colony, four months after Kazakhstan sent him back") is None
    assert years("two years ago he fled; he was sentenced to 5 years") == 5.0
    text = ("A military court in Russia sentenced the deserter Pavel Fedotov to six years in a penal colony, four "
            "months after Kazakhstan sent him back.")
    terms = [e.attributes.get("years") for e in events_of(run(text, "en"), "Fedotov") if e.type == "sentenced"]
    assert terms == [6.0]


def test_sent_back_across_the_border_is_a_deportation_not_a_refused_crossing():
    text = "A military court sentenced the deserter Pavel Fedotov, four months after Kazakhstan sent him back across the border."
    found = types(run(text, "en"), "Fedotov")
    assert "deported" in found and "travel_denied" not in found
    turned = "The deserter Pavel Fedotov was turned back at the border by Kazakh guards."
    assert "travel_denied" in types(run(turned, "en"), "Fedotov")


def test_a_polish_plural_noun_trigger_names_many():
    many = "Dezerter Paweł Fiedotow mieszka w Niemczech. Eksperci sądzą, że po wyrokach z Berlina i Paryża to się zmieni."
    assert "sentenced" not in types(run(many, "pl"), "Fiedotow")
    one = "Dezerter Paweł Fiedotow mieszka w Niemczech. W maju sąd w Moskwie skazał go zaocznie na pięć lat."
    assert "sentenced" in types(run(one, "pl"), "Fiedotow")


@pytest.mark.parametrize("text, language, first, second", [
    ("Były najemnik Paweł Fiedotow dostał w styczniu 2024 r. sześć lat kolonii karnej. Raport przypomina również "
     "sprawę porucznika Iwana Sokołowa, który w lutym 2022 r. odmówił wjazdu na Ukrainę i został zwolniony ze "
     "służby. Jego skargę na zwolnienie sąd wojskowy oddalił w sierpniu 2022 r.", "pl", "Fiedotow", "Sokołow"),
])
def test_the_person_the_last_happening_was_told_of_is_his_next(text, language, first, second):
    """'... the case of Lieutenant X, who refused ...; his appeal was dismissed': his is X, not the one named earlier."""
    result = run(text, language)
    assert "appeal" in types(result, second) and "appeal" not in types(result, first)


def test_a_phrase_opened_by_an_adverb_is_dated_by_what_its_verb_governs():
    # the entry starts with the adverb ("самовольно оставить"); the date of the relative clause is its verb's
    result = run("Полиция Бишкека задержала солдата Петра Лапина, который в марте 2024 года самовольно оставил "
                 "часть и уехал в Киргизию.\n", "ru", published="2025-02-10")
    deserted = [e for e in events_of(result, "Лапин") if e.type == "deserted"]
    assert [e.date for e in deserted] == ["2024-03"]


@pytest.mark.parametrize("language,text", [
    ("en", "A court in Tver ordered the arrest in absentia of the deserter Pavel Fedotov, who lives in Astana.\n"),
    ("ru", "Суд в Твери заочно арестовал дезертира Павла Федотова, который живёт в Астане.\n"),
    ("de", "Ein Gericht in Twer ordnete in Abwesenheit die Festnahme des Deserteurs Pawel Fedotow an.\n"),
])
def test_an_arrest_ordered_in_absentia_holds_nobody(language, text):
    assert "detained" not in types(run(text, language), "Fed")


def test_charged_with_evading_is_a_criminal_case():
    result = run("In Russia the deserter Pavel Fedotov was charged in absentia with evading mobilisation.\n", "en")
    assert "criminal_case" in types(result, "Fedotov")


def test_a_french_object_clitic_before_the_auxiliary_is_the_person_in_focus():
    story = "Le déserteur Pavel Fedotov a fui en Géorgie en 2023. "
    # the clitic stands before the auxiliary: "l'a arrêté", and the one doing it may be "un tribunal" (somebody new,
    # but the doer: the person done to is the one told of before)
    assert "detained" in types(run(story + "La police géorgienne l'a arrêté à Tbilissi le 3 mars.\n", "fr"), "Fedotov")
    result = run(story + "Un tribunal militaire l'a condamné par contumace à six ans de prison.\n", "fr")
    assert "sentenced" in types(result, "Fedotov")


def test_a_modal_verb_that_ends_a_german_clause_governs_the_trigger_before_it():
    result = run("Der Soldat Pawel Fedotow reiste im Herbst 2022 nach Georgien aus, um dem Einberufungsbescheid zu "
                 "entgehen.\n", "de")
    assert "fled_country" in types(result, "Fedotow") and "mobilised" not in types(result, "Fedotow")


@pytest.mark.parametrize("language,text", [
    ("en", "The deserter Pavel Fedotov filed an application for the grant of refugee status in Georgia."),
    ("fr", "Le déserteur Pavel Fedotov a déposé une demande d'octroi du statut de réfugié en Géorgie."),
    ("de", "Der Deserteur Pawel Fedotow stellte einen Antrag auf Zuerkennung der Flüchtlingseigenschaft."),
    ("es", "El desertor Pável Fedotov presentó una solicitud de concesión del estatuto de refugiado."),
    ("it", "Il disertore Pavel Fedotov ha presentato domanda di riconoscimento dello status di rifugiato."),
    ("pl", "Dezerter Paweł Fiedotow złożył wniosek o nadanie statusu uchodźcy w Gruzji."),
    ("ru", "Дезертир Павел Федотов подал заявление о предоставлении статуса беженца в Грузии."),
    ("uk", "Дезертир Павло Федотов подав заяву про надання статусу біженця в Грузії."),
])
def test_an_application_for_the_granting_of_status_is_an_application(language, text):
    result = run(text + "\n", language)
    assert {e.type for e in result.events} == {"asylum_applied"} and len(result.persons) == 1


def test_ukrainian_lemmas_take_the_reading_both_lemmatizers_agree_on():
    from dossier.lemmas import lemma

    assert lemma("заставу", "uk") == "застава" and lemma("затримала", "uk") == "затримати"
    result = run("Суд у Тбілісі відпустив дезертира Павла Федотова під заставу.\n", "uk")
    assert "released" in types(result, "Федотов")


@pytest.mark.parametrize("language,text,detained", [
    ("es", "Su abogada afirmó que las autoridades rusas encarcelarían al desertor Pável Fedotov en el aeropuerto.",
     False),
    ("es", "Las autoridades rusas encarcelaron al desertor Pável Fedotov en el aeropuerto.", True),
    ("it", "Secondo il legale, la polizia russa arresterebbe il disertore Pavel Fedotov all'arrivo.", False),
    ("it", "La polizia russa ha arrestato il disertore Pavel Fedotov all'arrivo.", True),
])
def test_a_verb_in_the_conditional_tells_what_would_happen(language, text, detained):
    assert ("detained" in types(run(text + "\n", language), "Fedotov")) is detained


def test_a_capitalised_word_inside_an_institutions_name_is_no_predicate():
    text = ("La Comisión Nacional para los Refugiados de Argentina otorgó el estatuto de refugiado al desertor "
            "Pável Fedotov, que abandonó su unidad en 2023.\n")
    assert "fled_country" not in types(run(text, "es"), "Fedotov")
    # the same word as a verb of running text still tells a flight
    assert "fled_country" in types(run("El desertor Pável Fedotov se refugió en Argentina en 2023.\n", "es"), "Fedotov")


@pytest.mark.parametrize("language,text,name", [
    ("ru", "Дезертир Денис Лапин бежал в Армению в мае. По словам адвоката, Лапин намерен уехать в Германию.", "Лапин"),
    ("en", "The deserter Denis Lapin fled to Armenia in May. According to his lawyer, Lapin plans to move to Germany.",
     "Lapin"),
    # the lawyer named inside the attribution is the lawyer
    ("fr", "Le déserteur Denis Lapin a fui en Arménie en mai. Selon son avocat, Me Paul Girard, il ira en Allemagne.",
     "Lapin"),
])
def test_a_role_word_inside_an_attribution_does_not_describe_the_name_after_it(language, text, name):
    result = run(text + "\n", language)
    assert "fled_country" in types(result, name)
    assert all(p.role != "resister" for p in result.persons if "Girard" in p.name)
