"""The review queue end to end in a real headless Chromium: fix a wrong event, see the confirmation, add a missed
event and find it on the person page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from .test_web_e2e import CHROMIUM, browser, login, server  # noqa: F401  (browser and server are fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]


@pytest.fixture(scope="module")
def workbench_db(workbench_db, tmp_path_factory):
    """This module's server works on a private copy of the session's store: what the walk changes stays here."""
    from dossier.store.backup import backup

    target = tmp_path_factory.mktemp("e2e-review") / "copy.db"
    backup(workbench_db, target)
    return str(target)


def test_e2e_review_fix_confirm_add_and_see_it(browser, server, workbench_db):
    from dossier.store import Store
    from dossier.store.models import EventRow, PersonRow

    store = Store.open(workbench_db)
    with store.session() as s:
        wrong = s.scalar(select(EventRow).join(PersonRow, EventRow.person_id == PersonRow.id)
                         .where(PersonRow.name == "Pavel Hostilov", EventRow.type == "detained",
                                EventRow.status == "suggested"))
    assert wrong is not None and wrong.date == "2023"

    page = login(browser, server, "editor")
    page.goto(server + "/review")
    row = page.locator(f"#review-{wrong.id}")
    assert row.count() == 1

    # whole evidence on demand: the summary shows its start, the sentence opens on a click
    quote = page.locator("table.review details.quote").first
    assert not quote.locator("p.full").is_visible()
    quote.locator("summary").click()
    assert quote.locator("p.full").is_visible()

    # fix the wrong event: another type, a full date
    form = row.locator("details.edit")
    form.locator("summary").click()
    form.locator("select[name=type]").select_option("deported")
    form.locator("input[name=date]").fill("2023-11-05")
    form.locator("button.save").click()
    page.wait_for_url(re.compile(r"/review\?.*done=edited"))
    confirmation = page.locator("p.notice")
    assert confirmation.is_visible()
    assert f"Event {wrong.id} saved and accepted; changed: type, date." in confirmation.inner_text()
    assert page.locator(f"#review-{wrong.id}").count() == 0  # accepted: out of the suggested queue
    with store.session() as s:
        fixed = s.get(EventRow, wrong.id)
        assert (fixed.type, fixed.date, fixed.status) == ("deported", "2023-11-05", "accepted")

    page.goto(server + "/review?status=accepted")
    row = page.locator(f"#review-{wrong.id}")
    assert "deported" in row.locator("td.what .type").inner_text() and "2023-11-05" in row.inner_text()

    # add what extraction missed, for the same person
    row.locator("a.add-for").click()
    page.wait_for_url(re.compile(r"add_for=\d+"))
    adding = page.locator("#add-event")
    assert adding.get_attribute("open") is not None
    assert adding.locator("input[name=person]").input_value() == str(wrong.person_id)
    adding.locator("select[name=type]").select_option("released")
    adding.locator("input[name=date]").fill("2024-01-20")
    adding.locator("input[name=country]").fill("Kazakhstan")
    adding.locator("textarea[name=note]").fill("His lawyer confirmed the release by phone.")
    adding.locator("button.add-event").click()
    page.wait_for_url(re.compile(r"/review\?.*done=added"))
    confirmation = page.locator("p.notice")
    assert f"added for person {wrong.person_id} and accepted" in confirmation.inner_text()
    new_id = int(re.search(r"event=(\d+)", page.url).group(1))

    confirmation.locator("a", has_text="see it on the person page").click()
    page.wait_for_url(re.compile(rf"/persons/{wrong.person_id}#event-{new_id}$"))
    added = page.locator(f"#event-{new_id}")
    assert added.is_visible()
    text = added.inner_text()
    assert "released" in text and "2024-01-20" in text and "KZ" in text and "accepted" in text
    assert "added by editor: His lawyer confirmed the release by phone." in text
    fixed_there = page.locator(f"#event-{wrong.id}").inner_text()
    assert "deported" in fixed_there and "2023-11-05" in fixed_there
