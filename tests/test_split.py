"""Article splitting on hand-written scraped layouts."""
from __future__ import annotations

from dossier.records import Document
from dossier.split import split_document

BODY = ("The officer said he had refused to go back to the front and crossed the border at night. "
        "His lawyer told reporters that the court would hear the case next month. ") * 4


def _doc(text: str) -> Document:
    return Document(source="page.txt", ordinal=0, text=text, kind="text")


def test_split_page_with_related_stories_and_boilerplate():
    text = (f"Deserter wins asylum in Germany\n\nPhoto: the officer in Berlin (AP)\nShort Url\nUpdated 16 April 2024\n"
            f"Follow\n\nDeserter wins asylum in Germany\n\n{BODY}\n\n\n"
            f"Unrelated football results from the weekend\n\nUpdated 3 May 2024\nFollow\n\n{BODY}\n")
    arts = split_document(_doc(text))
    assert [a.title for a in arts] == ["Deserter wins asylum in Germany", "Unrelated football results from the weekend"]
    first = arts[0]
    assert first.published == "2024-04-16" and arts[1].published == "2024-05-03"
    assert text[first.start:first.end].startswith("Deserter wins asylum")
    # boilerplate is blanked, not removed: offsets into the document stay valid
    assert len(first.text) == first.end - first.start
    assert "Short Url" not in first.text and "Follow" not in first.text and "(AP)" not in first.text
    assert first.text.count("Deserter wins asylum in Germany") == 1
    assert "refused to go back" in first.text


def test_split_double_blank_lines_inside_one_article_do_not_split():
    text = f"One long story about a deserter\n\n{BODY}\n\n\nshort tail paragraph.\n\n\n{BODY}"
    arts = split_document(_doc(text))
    assert len(arts) == 1 and arts[0].end == len(text)


def test_split_feed_of_bulleted_posts_with_stub_trailers():
    items = []
    for i in range(3):
        items.append(f"  • Post number {i} about a refused asylum claim\n\n    {BODY}\n\n"
                     f"    This post was originally published on Some Blog.\n")
    text = "Category: russia\n\n" + "\n".join(items) + "  • Originally published at Another Site.\n" \
        + "  • Last post title only?\n"
    arts = split_document(_doc(text))
    assert [a.title for a in arts] == ["Post number 0 about a refused asylum claim",
                                       "Post number 1 about a refused asylum claim",
                                       "Post number 2 about a refused asylum claim", "Last post title only?"]
    assert "originally published" not in arts[0].text
    assert "Originally published at" not in arts[2].text  # the bodiless stub item is a trailer, blanked


def test_split_inline_summary_bullets_are_not_a_feed():
    text = f"Headline of the only story here\n\n  • first key point\n  • second key point\n\n{BODY}"
    assert len(split_document(_doc(text))) == 1


def test_split_long_first_line_title_cut_at_sentence():
    first = "Soldiers refusing to fight are increasing in number. " + "Meanwhile the ministry recruits more " * 4
    arts = split_document(_doc(first + "\n" + BODY))
    assert arts[0].title == "Soldiers refusing to fight are increasing in number."


def test_split_headline_after_masthead_navigation_and_tagline():
    text = ("NORTHERN LIGHTS HERALD\nNews | World | Sport | Culture | Video\n"
            "Independent reporting from the north since 1999\n\nWorld › Europe\n\n"
            "Court refuses protection to a sailor who left his ship\n\n12.03.2024, 10:15\n\n" + BODY)
    arts = split_document(_doc(text))
    assert len(arts) == 1
    art = arts[0]
    assert art.title == "Court refuses protection to a sailor who left his ship"
    # the lines before the headline are boilerplate: blanked, offsets kept
    assert "Independent reporting" not in art.text and "NORTHERN" not in art.text
    assert len(art.text) == art.end - art.start and "refused to go back" in art.text


def test_split_list_page_one_article_per_dated_story():
    story = ("The officer said he had refused to go back to the front and crossed the border at night, "
             "his lawyer told reporters on Monday in the capital, adding that an appeal would follow.")
    text = ("CITY WIRE\nHome > Latest\n\n"
            f"11.11.2024, 16:20\nDeserter found in a rented flat\n{story}\n\n"
            f"11.11.2024, 12:05\nMetro opens three new stations\n{story}\n\n"
            f"10.11.2024, 09:15\nHockey club wins in overtime\n{story}\n")
    arts = split_document(_doc(text))
    assert [a.title for a in arts] == ["Deserter found in a rented flat", "Metro opens three new stations",
                                       "Hockey club wins in overtime"]
    assert all("refused to go back" in a.text for a in arts)


def test_the_dateline_of_the_first_paragraph_dates_an_article_that_has_no_date_line():
    def published(lead: str) -> str | None:
        return split_document(_doc(f"Deserter held at the border\n\n{lead} {BODY}\n"))[0].published

    assert published("ORAL, Kazakhstan, May 6, 2024 (Wire) — A court") == "2024-05-06"
    assert published("Алма-Ата, 12 февраля 2025 года. Суд") == "2025-02-12"
    assert published("Madrid, 5 de marzo de 2025 (Agencia).- Un tribunal") == "2025-03-05"
    # a date told in the first sentence is no dateline
    assert published("Ivanov, who fled on 3 March 2024, was detained.") is None
    assert published("On March 4, 2025 - a Tuesday - the police came.") is None
    # a date line above the story wins over the dateline
    assert split_document(_doc(f"Deserter held\n\nUpdated 16 April 2024\n\nORAL, May 6, 2024 — {BODY}\n"))[0].published \
        == "2024-04-16"
