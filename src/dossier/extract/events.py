"""Events of the codebook inside one article, attached to the right person, with date, country,
attributes, modality and evidence.

Sentences are read in order. A trigger's participant is the person named nearest to it in its
sentence (skipping lawyers and officials, and the grammatical subject of an active verb for events
that happen *to* a person); a sentence that names no suitable person but refers back (pronoun,
description, or nobody else named) belongs to the person in focus.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace

from ..codebook import Codebook, EventRule
from ..dates import DateMention, find_dates, relative_offsets, shift
from ..geo import Place, find_places
from ..numbers import years
from ..records import Event, evidence_of
from .persons import Cluster
from .triggers import AND_WORDS, Found, Trigger

log = logging.getLogger(__name__)

_WHERE = re.compile(r"\W{0,3}(?:where|où|wo|donde|dove|gdzie|где|де)\b", re.I)
_DIRECTIONAL = re.compile(r"(?:\bto|\binto|\btoward|\btowards|\bvers|\bpour|\bв|\bво|\bна|\bдо|\bdo|\bnach|\bverso|\bhacia)\s+(?:the\s+|la\s+|le\s+|l['’])?$", re.I)


def _directional(text: str, p: Place) -> bool:
    """Whether a place is where someone goes ("deported to Russia"), not where something happens; a destination
    that a relative clause goes on to tell of ("reached France, where he applied") is where that happens."""
    return bool(_DIRECTIONAL.search(text[max(0, p.start - 12):p.start])) and not _WHERE.match(text, p.end)


_TRANSIT = re.compile(r"(?:\bthrough|\bvia|\büber|\bpar|\bprzez|\bчерез|\battraverso|\bpor)\s+(?:the\s+|la\s+|le\s+|l['’])?$",
                      re.I)


def _transit(text: str, places: list[Place], p: Place) -> bool:
    """Whether a place is one passed through ("via Kazakhstan and Georgia to France"), not the destination."""
    if _TRANSIT.search(text[max(0, p.start - 14):p.start]):
        return True
    prev = [q for q in places if q.end <= p.start and re.fullmatch(rf"\s*(?:,|{_AND})\s*", text[q.end:p.start], re.I)]
    return bool(prev) and _transit(text, places, prev[-1])


# up to two words between a trigger and the place it takes, no clause in between ("detained in Russia"; not
# "задержала полиция — по запросу России")
_TAKEN = re.compile(r"[\s'’-]*(?:\w+[\s'’-]+){0,2}")
_FOCUS_WINDOW = 10  # sentences a person stays in focus without being named


@dataclass
class Context:
    text: str  # article text (boilerplate blanked); offsets relative to it
    base: int  # document offset of the article start
    article: str  # article key
    language: str
    published: str | None
    home: str
    host: str | None


def host_country(places: list[Place], home: str, war_zone: tuple[str, ...] = ()) -> str | None:
    """The foreign country an article is mostly about; not the war zone, where no court, border or migration
    office of a resister's case sits."""
    counts = Counter(p.country for p in places if p.country != home and p.country not in war_zone)
    return counts.most_common(1)[0][0] if counts else None


def find_events(ctx: Context, sentences: list[tuple[int, int]], clusters: list[Cluster],
                active_subjects: dict[int, int], codebook: Codebook, person_key, found: Found, title: tuple[int, int] | None = None, doc=None,
                all_places: list[Place] | None = None) -> list[Event]:
    """Events of the article; sentences of the `title` span (the headline) summarise the story and are not
    read for events. `all_places` are the article's toponyms (found here when not given)."""
    all_places = find_places(ctx.text, language=ctx.language) if all_places is None else all_places
    place_starts = [p.start for p in all_places]
    mentions = sorted((m.start, m.end, c) for c in clusters for m in c.mentions)
    def pronoun(a: int, b: int) -> bool:
        return found.has("W|pronoun", a, b)

    def describes(a: int, b: int) -> bool:  # "the deserter", "the 27-year-old private"
        return found.has("W|resister", a, b) or found.has("K|", a, b)
    events: list[Event] = []
    salience: dict[int, float] = {}  # cluster index -> how present the person is in the last sentences
    by_index = {c.index: c for c in clusters}
    female = {c.index: c.female for c in clusters}  # asked every sentence; the clusters are final here
    focus: Cluster | None = None
    focus_at = -99
    male_focus: tuple[Cluster, int] | None = None  # the last man in focus, with the sentence he was last in focus
    last_date: tuple[str, int] | None = None  # (value, paragraph)
    last_place: tuple[str, int, int] | None = None  # (country, paragraph, sentence index)
    story_year: str | None = None  # the year the story told last ("in March 2023 ... in June": June 2023)
    # a report often opens on "a Russian officer ..." and names him later: the lead belongs to him
    described = [c for c in clusters if c.role_votes > 0]
    # the main resister: the described person named most often (a byline or an outlet is named once)
    first_resister = max(described, key=lambda c: (len(c.mentions), len(c.key), -c.first_start())) if described else None
    starts = [m[0] for m in mentions]
    trigger_starts = [t.start for t in found.triggers]
    para, counted_to = 0, 0  # paragraph number of the sentence, counted on from the previous sentence
    told: tuple[str, int, Cluster] | None = None  # the type of the event told last, its sentence and person
    lead_si = None  # the report's first sentence: the first one of six words or more after the title
    last_trigger = trigger_starts[-1] if trigger_starts else -1
    for si, (s, e) in enumerate(sentences):
        if s > last_trigger:
            break  # events come from triggers only: what the rest of the article tells changes none
        sent = ctx.text[s:e]
        if not sent.strip() or (title and title[0] <= s and e <= title[1]):
            continue
        if lead_si is None and len(sent.split()) >= 6:
            lead_si = si
        new_paragraph = ctx.text.count("\n", counted_to, s) > 0
        para += ctx.text.count("\n", counted_to, s)
        counted_to = s
        in_sent = mentions[bisect_left(starts, s):bisect_left(starts, e)]
        dates = [d for d in find_dates(sent, ctx.published, s, story_year=story_year,
                                       after=last_date[0] if last_date else None) if d.value]
        relative = relative_offsets(sent, s)
        if relative and (last_date or dates):  # "two days later": after the date told just before it
            def base(r):
                told = [d.value for d in dates if d.end <= r.start and d.value]
                return told[-1] if told else (last_date[0] if last_date else None)
            dates = sorted(dates + [DateMention(r.start, r.end, shift(base(r), *r.offset)[:7 if r.vague else None], False,
                                                r.offset)
                                    for r in relative if base(r)], key=lambda d: d.start)
        places = [p for p in all_places[bisect_left(place_starts, s):bisect_left(place_starts, e)]
                  if p.end <= e and not any(ms <= p.start < me for ms, me, _ in in_sent)]
        in_sentence = found.triggers[bisect_left(trigger_starts, s):bisect_left(trigger_starts, e)]
        moved_to = None
        spans = None  # the sentence's relative and complement clauses
        actors: dict[int, Cluster] = {}  # the persons named in the sentence whom its happenings are told of
        for trig in in_sentence:
            rule = codebook.events.get(trig.type)
            if rule is None:
                continue
            if rule.in_war_zone and any(p.country in codebook.war_zone and trig.start <= p.start <= trig.end + 40
                                        for p in places):
                rule = codebook.events[rule.in_war_zone]
                trig = Trigger(rule.type, trig.start, trig.end, trig.head, trig.frame)
            if trig.anaphor and (told is None or told[0] not in rule.follows or si - told[1] > 2):
                _drop("nothing to answer", trig, sent)
                continue  # "turned him down" decides on an application only right after one is told
            t0, t1 = trig.start, trig.end
            attrs = _attributes(rule, ctx.text, s, e, trig, places, ctx, found)
            outcome = attrs.get("outcome")
            clause_start = _clause_start(sent, t0 - s, codebook) + s
            nxt_break = codebook.clause_breaks.search(sent, t1 - s)
            clause_end = s + nxt_break.start() if nxt_break else e
            # before the predicate: a frame's argument may come first ("Россия может повторно запросить выдачу")
            modal = [k for c0, _, k in found.cue_spans_in(clause_start, max(t0, trig.head), "~|") if k != "~|repeat"
                     and not (k == "~|negation" and _negates_knowing(doc, found, c0))
                     and not (k == "~|intention" and rule.person != "agent")]
            if _conditional(doc, trig, ctx.language):
                modal.append("~|hypothetical")  # "lo encarcelarían", "lo arresterebbero": what would happen
            if ctx.language in codebook.verb_final:  # "um dem Einberufungsbescheid zu entgehen": the verb comes last
                modal += [k for _, c1, k in found.cue_spans_in(t1, clause_end, "~|")
                          if k in ("~|hypothetical", "~|future") and _LAST_WORDS.fullmatch(ctx.text[c1:clause_end])]
            first = _first_conjunct(doc, trig)  # "can be detained and deported": deported is only possible too
            if first is not None and s <= first[0] < clause_start and \
                    not codebook.turns.search(ctx.text, first[1], t0):  # "tried to ..., but was detained": a new fact
                modal += _possible(found, _clause_start(sent, first[0] - s, codebook) + s, first[1])
            elif first is None and clause_start > s and _JOINED.search(ctx.text[max(s, clause_start - 8):t0]):
                # no parse to tell ("kann festgenommen und abgeschoben werden"): a predicate that only a
                # conjunction parts from the clause before shares its future or possibility
                modal += _possible(found, _clause_start(sent, clause_start - s - 1, codebook) + s, clause_start)
            # "applied twice", "detained again": a new happening, unless only a possibility ("may request again")
            again = not modal and found.has("~|repeat", clause_start, clause_end)
            # a clause the trigger's clause governs has its own negation ("rejected it, finding that he had not
            # shown ..."): the negation is looked for up to the next relative or complement clause
            opens = codebook.subordinators.search(sent, t1 - s, clause_end - s)
            neg_end = s + opens.start() if opens else clause_end
            negated = [k for c0, _, k in found.cue_spans_in(clause_start, neg_end, "~|negation")
                       if c0 != trig.head and not _inside_dependent(doc, trig, c0)
                       and not _negates_knowing(doc, found, c0)] if trig.frame else \
                [k for c0, _, k in found.cue_spans_in(clause_start, t0, "~|negation")
                 if not _negates_knowing(doc, found, c0)] + \
                [k for c0, _, k in found.cue_spans_in(t1, neg_end, "~|negation") if not _inside_dependent(doc, trig, c0)]
            if not negated and not trig.frame and len(ctx.text[s:t0].split()) <= 1:
                # a topic told first, its predicate last, past commas: "Апеляцію, за нашими даними, захист не подавав"
                stop = next((s + m.start() for m in codebook.clause_breaks.finditer(sent, t1 - s)
                             if m.group(0) != ","), e)
                negated = found.cues_in(t1, stop, "~|negation")
            if not negated and not trig.frame and _verb_negated(doc, trig, found):
                negated = ["~|negation"]  # "il n'est pas non plus visé, à sa connaissance, par un avis de recherche"
            if negated and outcome != "refused":  # a negation inside an entry is part of it ("did not return")
                _drop("negation", trig, sent)
                continue  # "was not detained", "hat er nicht gestellt": negation anywhere in the clause
            if rule.in_person and found.has("@|sentenced|in_absentia|true", clause_start, clause_end):
                _drop("in absentia", trig, sent)
                continue  # "a court ordered his arrest in absentia": an order for one who is abroad; nobody is held
            if trig.type not in ("criminal_case", "sentenced") and found.cues_in(t0, t1, "@|criminal_case|article|") \
                    and any(o.type in ("criminal_case", "sentenced") and o is not trig for o in in_sentence):
                _drop("charge name", trig, sent)
                continue  # "a case under article 337 (leaving the unit without permission)": the charge, not the act
            lead = re.match(r"\W*\w+", sent)
            turn = codebook.turns.search(sent, 0, t0 - s)
            if lead and found.cues_in(s, s + lead.end(), "~|hypothetical") and outcome not in rule.keep_outcomes \
                    and turn is None:
                _drop("conditional sentence", trig, sent)
                continue  # "If the court sides with him, he will get refugee status"
            if rule.completed and _ongoing(doc, trig):
                _drop("ongoing", trig, sent)
                continue  # "his back was killing him": no death; "his permit is running out": not yet expired
            if sent.rstrip(" \"”»").endswith("?"):
                _drop("question", trig, sent)
                continue  # a question asserts nothing
            if _group_follows(ctx.text, trig, found, clause_end) and (not in_sent or _noun_trigger(doc, trig)):
                _drop("group after", trig, sent)
                continue  # "the call-up of reservists", "депортував ... громадян" with nobody named: done to many
            if not trig.frame and _plural_people(doc, trig, ctx.language):
                _drop("plural", trig, sent)
                continue  # "requests from the mobilised", "звернень від мобілізованих": people in the plural
            if rule.requests and trig.frame and _for_something_else(ctx.text, trig, found, clause_end, s, in_sentence,
                                                                    (rule.type, *rule.follows) if rule.follows else None):
                _drop("another request", trig, sent)
                continue  # "turned down his application for a visa"
            owned = any(t0 - c1 <= 1 for _, c1, _ in found.cue_spans_in(t0 - 8, t0, "W|pronoun"))
            # "qui a rejeté sa demande": an application with its owner named is his, whoever the clause is about
            someone_else = not owned and _other_subject(doc, trig, rule, mentions, found)
            if someone_else:
                _drop("other subject", trig, sent)
                continue
            if modal and outcome not in rule.keep_outcomes and not attrs.pop("__asserted__", False):
                _drop("modality " + ",".join(modal), trig, sent)
                continue
            attrs.pop("__asserted__", None)
            person = _participant(rule, t0, t1, in_sent, active_subjects)
            named_before = [me for _, me, c in in_sent if c is person and me <= t0]
            b0 = named_before[-1] if named_before else clause_start
            if not named_before and (((found.has("W|group", b0, t0) or found.has("W|relative", b0, t0))
                                      and not rule.on_behalf) or _counted_group(ctx.text, s, t0, found, ctx.language)) \
                    and not (rule.person == "patient" and _one_patient(doc, trig, found)):
                _drop("group", trig, sent)
                continue  # "soldiers who refused to fight", "X and the others were deported": a group
            near = _in_focus(focus, focus_at, male_focus, si, found, clause_start, clause_end)
            if not in_sent and _somebody_indefinite(doc, found, s, t0, _doer(doc, trig) if rule.person == "patient"
                                                    else None):
                near = None  # "a guy fell asleep ... and died when it drove over him": him is the guy
            if not named_before and near is not None and pronoun(clause_start, t0):
                person = near  # "He made it to Kazakhstan with the help of X": the pronoun is the subject
            if person is None and near is not None and (pronoun(s, e) or rule.on_behalf or
                                                        _object_clitic(ctx, doc, trig) or
                                                        describes(clause_start, t1) or ctx.language in codebook.pro_drop or
                                                        _definite_singular(_antecedent(_subject(doc, trig)), found)):
                person = near  # "the 27-year-old private applied ...", "pidió asilo ...": the person in focus
            if person is None and told is not None and told[0] in rule.follows and si - told[1] <= 2:
                person = told[2]  # "Das BAMF lehnte den Antrag ab": the application just told, and its applicant
            if person is None and focus is None and first_resister is not None and describes(s, e):
                person = first_resister
            if person is None and told is not None and told[1] == si and not in_sent and \
                    (first is not None if doc is not None and _parsed(doc) else
                     _THEN.search(ctx.text[max(s, clause_start - 12):clause_start]) is not None):
                person = told[2]  # "le déserteur a gagné le Kazakhstan, puis s'est envolé pour la Géorgie"
            if person is None:
                _drop("nobody", trig, sent)
                continue
            date, inferred = _date(_in_clause(dates, sent, s, t0 - s, t1 - s, codebook, doc, trig), t0,
                                   None if dates else last_date, si)
            if date is None and si == lead_si and rule.person == "patient" and ctx.published and \
                    not codebook.subordinators.search(sent, clause_start - s, t0 - s):
                # the news a report opens with, undated: what was done to the person happened as it was reported
                date, inferred = ctx.published[:7], True
            # "we will appeal": what is only planned or possible has no date from the story told
            if inferred and _possible(found, clause_start, t1):
                date, inferred = None, False
            where = places if rule.type in codebook.war_zone_events else \
                [p for p in places if p.country not in codebook.war_zone]  # no asylum court sits at the front
            # no place from a relative or complement clause that does not hold the trigger ("X, whom the police
            # abducted in Gyumri, was sentenced": not where he was sentenced)
            if spans is None:  # once a sentence, for the first of its triggers that gets this far
                spans = _subordinate_spans(sent, codebook)
            where = [p for p in where if not any(a <= p.start - s < b and not a <= t0 - s < b for a, b in spans)]
            told_before = last_place if rule.type in codebook.war_zone_events or not last_place or \
                last_place[0] not in codebook.war_zone else None  # no court or border sits at the front
            if moved_to:  # "came to Germany in January, in February he applied for asylum"
                told_before = (moved_to, para, si)
            country = _country(rule, where, t0, told_before, para, si, ctx, (clause_start, clause_end), t1)
            countries = [country]
            if rule.split_countries:
                listed = [p.country for p in where if p.start >= t1 and p.kind != "demonym" and p.country != ctx.home]
                countries = list(dict.fromkeys(listed)) or [country]
            for variant, place_country in [(v, c) for v in _split(rule, attrs, found, s, e) for c in countries]:
                ev = Event(type=rule.type, person=person_key(person), article=ctx.article, date=date,
                           country=place_country, attributes=variant,
                           evidence=[evidence_of(ctx.article, ctx.base + s, sent)],
                           confidence=round(0.55 + 0.25 * bool(in_sent) + 0.1 * bool(date), 2))
                if inferred:
                    ev.attributes["date_inferred"] = True
                _fill_country_attributes(ev, rule, ctx)
                told_where = any(p.kind != "demonym" and clause_start <= p.start < clause_end for p in where)
                if rule.on_review and (found.has("@|asylum_denied|authority|court", s, e) or
                                       any(o.type == "asylum_denied" and o.person == ev.person for o in events)):
                    kind, outcome = rule.on_review
                    _add(events, Event(type=kind, person=ev.person, article=ev.article, date=ev.date,
                                       country=ev.country, attributes={"outcome": outcome}, evidence=list(ev.evidence),
                                       confidence=ev.confidence), told_where)
                _add(events, ev, told_where, again)
                told = (rule.type, si, person)
                if person.role_votes > 0 and any(c is person for _, _, c in in_sent):
                    actors[person.index] = person
                if rule.destination and place_country and place_country != ctx.home:
                    moved_to = place_country  # "left for Kazakhstan. There, ...": where the story is now
        for k in list(salience):
            salience[k] *= 0.6
        subjects = []
        for ms, me, c in in_sent:
            if c.role_votes >= 0:
                possessive = bool(re.match(r"['’]s?\b", ctx.text[me:me + 2]))
                quoted = _inside_quote(ctx.text[s:ms])
                weight = 0.3 if possessive or quoted else 1.5 if ms in active_subjects else 1.0
                salience[c.index] = salience.get(c.index, 0.0) + weight + 0.5 * (c.role_votes > 0)
                if ms in active_subjects and not possessive and not quoted:
                    subjects.append(c)
        if not in_sent and focus is not None and pronoun(s, e):
            salience[focus.index] = salience.get(focus.index, 0.0) + 0.8  # "he ..." continues the same person
        named = list({c.index: c for _, _, c in in_sent if c.role_votes >= 0}.values())
        if new_paragraph and len(named) == 1:
            focus, focus_at = named[0], si  # the one person a paragraph opens with is its topic
            salience[focus.index] = max(salience.values()) + 1.0
        elif subjects:
            focus, focus_at = subjects[0], si  # the subject of a sentence is the first antecedent of "he" next
        elif len(actors) == 1:  # "The report recalls the case of X, who refused ...": "his" next is X
            focus, focus_at = next(iter(actors.values())), si
        elif salience:
            top = max(salience, key=salience.get)
            if salience[top] >= 0.3:
                if focus is None or focus.index != top:
                    focus = by_index[top]
                if any(c is focus for _, _, c in in_sent) or focus_at < 0:
                    focus_at = si
        if focus is not None and not female[focus.index] and focus_at >= 0:
            male_focus = (focus, focus_at)
        if dates:
            last_date = (dates[-1].value, si)
            explicit = [d for d in dates if d.explicit_year]
            if explicit:
                story_year = explicit[-1].value[:4]
        fixed = [p for p in places if p.kind != "demonym" and not _directional(ctx.text, p)]
        if moved_to:
            last_place = (moved_to, para, si)
        elif fixed:
            last_place = (fixed[-1].country, para, si)
    return events


def _in_focus(focus: Cluster | None, focus_at: int, male_focus: tuple[Cluster, int] | None, si: int, found: Found,
              a: int, b: int) -> Cluster | None:
    """The person a clause without a name refers back to: the person in focus, unless the pronouns tell another
    gender ("she" about a man, "he" or no pronoun about a woman quoted last): then the last man in focus, or nobody."""
    if focus is None or si - focus_at > _FOCUS_WINDOW:
        return None
    she = found.cues_in(a, b, "W|she")
    he = len(found.cues_in(a, b, "W|pronoun")) > len(she)
    if focus.female:
        if she and not he:
            return focus
        return male_focus[0] if male_focus and si - male_focus[1] <= _FOCUS_WINDOW else None
    return None if she and not he else focus


_SUBJECTS = {"nsubj", "nsubj:pass", "nsubjpass"}
_PASSIVE = {"nsubj:pass", "nsubjpass"}
_CHAINED = {"conj", "xcomp", "advcl", "ccomp"}  # "left his unit ... and crossed into Belarus": the subject is shared


_PARSED: tuple = (None, False)  # the last document asked about, and whether it has a parse


def _parsed(doc) -> bool:
    """`doc.has_annotation("DEP")`, asked once per document (it walks every token); one tuple, so that threads
    extracting at once never read one document's answer for another."""
    global _PARSED
    last, parsed = _PARSED
    if last is not doc:
        parsed = doc.has_annotation("DEP")
        _PARSED = (doc, parsed)
    return parsed


def _head_token(doc, trig: Trigger):
    """The token of the trigger's predicate, or None."""
    span = doc.char_span(trig.head, trig.head + 1, alignment_mode="expand")
    tok = span[0] if span is not None and len(span) else None
    if tok is not None and tok.dep_.startswith(("expl", "aux")) and tok.head.i > tok.i:
        tok = tok.head  # "s'était réfugié", "has been detained": the verb, not its clitic or auxiliary
    elif tok is not None and tok.pos_ in ("ADV", "PART") and tok.head.pos_ in ("VERB", "AUX") and \
            tok.head.i != tok.i and trig.start <= tok.head.idx < trig.end:
        tok = tok.head  # "самовольно оставил часть", "не вернулся": the verb the entry's first word modifies
    return tok


def _possible(found: Found, start: int, end: int) -> list[str]:
    """The future and hypothetical cues in [start, end): what they govern is only planned or possible."""
    return [k for k in found.cues_in(start, end, "~|") if k in ("~|future", "~|hypothetical")]


def _subject(doc, trig: Trigger):
    """The grammatical subject of the trigger's verb (or of the verb it is chained to), where a parse exists."""
    if doc is None or not _parsed(doc):
        return None
    tok = _head_token(doc, trig)
    if tok is None:
        return None
    if tok.dep_ in ("aux", "auxpass", "aux:pass") and tok.head is not tok:
        tok = tok.head  # "was executed": the trigger starts on the auxiliary; its verb has the subject
    def across_lines(a, b) -> bool:  # a parse that joins two paragraphs ("...», a-t-il déclaré.\n\nAprès ...")
        return "\n" in doc[min(a.i, b.i):max(a.i, b.i)].text  # (doc.text would join the whole text each time)

    for _ in range(3):
        own = [c for c in tok.children if c.dep_ in _SUBJECTS]
        subj = [c for c in own if not across_lines(c, tok)]
        if own and not subj:
            return None  # its subject was found in another paragraph: not the subject of the verb above it either
        if subj or tok.dep_ not in _CHAINED or tok.head is tok or across_lines(tok.head, tok):
            break
        tok = tok.head
    return subj[0] if subj else None


_RELATIVE_CLAUSE = {"relcl", "acl:relcl"}


def _antecedent(tok):
    """The noun a relative pronoun stands for ("le Russe, qui s'était réfugié": le Russe), else the token."""
    if tok is not None and tok.pos_ == "PRON" and tok.head.dep_ in _RELATIVE_CLAUSE and tok.head.head is not tok.head:
        return tok.head.head
    return tok


def _definite_singular(tok, found: Found) -> bool:
    """A word for a person, singular, with a definite article: "le jeune homme", "the man", "le Russe", "le
    déserteur" speak of somebody known."""
    if tok is None or tok.pos_ not in ("NOUN", "PROPN") or tok.morph.get("Number") == ["Plur"] \
            or not any(found.has(kind, tok.idx, tok.idx + len(tok)) for kind in ("W|person", "W|resister")):
        return False
    return any(c.dep_ == "det" and c.morph.get("Definite") == ["Def"] for c in tok.children)


def _other_subject(doc, trig: Trigger, rule: EventRule, mentions, found: Found) -> bool:
    """Where a parse exists: whether the trigger's clause is about somebody else than a person — a plural subject
    ("prisoners were executed", "thousands fled") or a common noun that is not a description of the person ("a guy
    died"). For events that happen to a person only the passive subject counts (the active one is the authority)."""
    subj = _subject(doc, trig)
    if subj is None:
        return False
    s = subj
    passive = s.dep_ in _PASSIVE or _passive_verb(doc, trig)
    s = _antecedent(s)  # "a boy who was executed": the relative pronoun stands for the noun its clause modifies
    if trig.start <= s.idx < trig.end:
        return False  # "a criminal case was opened": the subject is the trigger itself
    if s.pos_ == "PRON" and s.morph.get("Gender") == ["Neut"] and \
            (rule.person == "agent" or s.head.pos_ == "AUX"):
        return True  # "it was free": a thing is what the clause is about, not a person
    if rule.person == "patient" and not passive:
        return False
    if any(ms <= t.idx < me for t in s.subtree for ms, me, _ in mentions) or s.pos_ in ("PROPN", "PRON"):
        return False  # a name, or a phrase holding one ("M. Sinitsyne", "the deserter Ivanov")
    if found.has("W|resister", s.idx, s.idx + len(s)) or found.has("K|", s.idx, s.idx + len(s)) \
            or found.has("W|pronoun", s.idx, s.idx + len(s)):
        return s.morph.get("Number") == ["Plur"]  # "the deserter" is the person; "deserters" are a group
    if _definite_singular(s, found):
        return False  # "le jeune homme demande l'asile": the man the story is about
    return s.pos_ in ("NOUN", "NUM") or s.morph.get("Number") == ["Plur"]


def _passive_verb(doc, trig: Trigger) -> bool:
    """Whether the trigger's own verb is passive ("... and was executed"), whatever its shared subject is."""
    tok = _head_token(doc, trig)
    if tok is None:
        return False
    return tok.dep_ in ("auxpass", "aux:pass") or any(c.dep_ in ("auxpass", "aux:pass") for c in tok.children)


def _doer(doc, trig: Trigger):
    """The subject of a trigger's verb that has an object ("un tribunal l'a condamné": the court, who condemned
    someone else), or None (the subject of "died" is who died)."""
    tok = _head_token(doc, trig) if doc is not None and _parsed(doc) else None
    if tok is None or not any(c.dep_ in ("obj", "dobj") for c in tok.children):
        return None
    return _subject(doc, trig)


def _somebody_indefinite(doc, found: Found, a: int, b: int, doer=None) -> bool:
    """Whether a word for a person with an indefinite article ("a guy", "un homme") stands in [a, b), where the
    pipeline tags definiteness: somebody new, whom a pronoun after it refers to; not the `doer` (the subject of a
    verb done to someone else: "un tribunal l'a condamné" condemns the person told of before)."""
    if doc is None or not doc.has_annotation("MORPH"):
        return False
    for c0, c1, _ in found.cue_spans_in(a, b, "W|person") + found.cue_spans_in(a, b, "W|other"):
        span = doc.char_span(c0, c1, alignment_mode="expand")
        if span is not None and any(c.dep_ == "det" and c.morph.get("Definite") == ["Ind"] for c in span[-1].children) \
                and not (doer is not None and span.start <= doer.i < span.end):
            return True
    return False


def _one_patient(doc, trig: Trigger, found: Found) -> bool:
    """Whether one person is what the trigger's verb is done to, by a pronoun object ("des hommes ... l'ont enlevé",
    "agentes ... lo capturaron", "guards detained him"): the group before it is then who did it."""
    if found.has("W|pronoun", trig.start - 4, trig.start) or found.has("W|pronoun", trig.end, trig.end + 5):
        return True
    tok = _head_token(doc, trig) if doc is not None and _parsed(doc) else None
    return tok is not None and any(c.dep_ in ("obj", "dobj") and c.pos_ == "PRON" and "Plur" not in c.morph.get("Number")
                                   for c in tok.children)


def _counted_group(text: str, s: int, t0: int, found: Found, language: str) -> bool:
    """Whether the sentence before the trigger counts a group of people ("mehr als 3000 russische Männer, die ...,
    haben Asyl beantragt", "thousands of soldiers"): a number or number word shortly before a word for a group."""
    from ..numbers import number_pattern

    for g0, _, _ in found.cue_spans_in(s, t0, "W|group"):
        before = text[max(s, g0 - 30):g0]
        if any(m.group("num") or m.group("word") or m.group("round") for m in number_pattern(language).finditer(before)):
            return True
    return False


_PLURAL_POS = {"NOUN", "ADJF", "PRTF"}


def _group_follows(text: str, trig: Trigger, found: Found, clause_end: int) -> bool:
    """Whether a word for a group stands within three words after the trigger, in its clause."""
    after = re.match(r"(?:\W*\w+){1,3}", text[trig.end:clause_end])
    return after is not None and found.has("W|group", trig.end, trig.end + after.end())


def _verb_negated(doc, trig: Trigger, found: Found) -> bool:
    """Whether the verb that governs a noun trigger is negated, however far the parse puts them apart ("n'est pas
    ... visé, à sa connaissance, par un avis de recherche"): where a parse exists."""
    if doc is None or not _parsed(doc):
        return False
    span = doc.char_span(trig.start, trig.end, alignment_mode="expand")
    if span is None:
        return False
    # the span's head: its word whose head lies outside it (Span.root needs a well-formed tree, which the
    # parse converted from natasha does not promise)
    verb = next((t for t in span if t.head is t or not span.start <= t.head.i < span.end), span[-1])
    if verb.pos_ not in ("NOUN", "PROPN"):
        return False
    for _ in range(3):
        if verb.pos_ in ("VERB", "AUX") or verb.head is verb:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX") or verb.i in range(span.start, span.end):
        return False
    negations = found.spans("~|negation")
    return not _knowing(verb, found) and \
        any(any(a <= child.idx < b for a, b, _ in negations) for child in verb.children
            if child.dep_ in ("advmod", "neg", "det", "advmod:neg") and not span.start <= child.i < span.end)


def _knowing(tok, found: Found) -> bool:
    return any(a <= tok.idx < b for a, b, _ in found.spans("W|know"))


def _negates_knowing(doc, found: Found, at: int) -> bool:
    """Whether the negation at `at` negates a verb of knowing, where a parse exists: "he does not know the fate of
    his asylum application" denies the knowing, not the application."""
    if doc is None or not _parsed(doc):
        return False
    word = doc.char_span(at, at + 1, alignment_mode="expand")
    return bool(word) and _knowing(word[0].head, found)


# an object clitic for one person, maybe with the auxiliary after it ("l'a condamné", "l'ont arrêté")
_CLITIC = re.compile(r"(?:^|\s)(?:le|la|l['’])\s*(?:(?:a|ont|avait|avaient|aura|auront|aurait|auraient)\s+)?$",
                     re.I)


def _object_clitic(ctx: Context, doc, trig: Trigger) -> bool:
    """Whether a French verb trigger takes an object clitic ("le placent en détention", "l'ont arrêté" has its
    auxiliary between): "le", "la", "l'" right before a verb stand for a person, not an article."""
    if ctx.language != "fr" or doc is None or not _CLITIC.search(ctx.text[max(0, trig.start - 16):trig.start]):
        return False
    span = doc.char_span(trig.start, trig.end, alignment_mode="expand")
    return bool(span) and span[0].norm_.endswith(("er", "ir", "re"))  # a verb, whatever its tag


def _ongoing(doc, trig: Trigger) -> bool:
    """Whether the trigger's verb is told in the active progressive ("was killing", "is coming to an end"), where
    the pipeline tags aspect."""
    span = doc.char_span(trig.start, trig.end, alignment_mode="expand") if doc is not None else None
    return span is not None and any(
        t.morph.get("Aspect") == ["Prog"] and t.pos_ == "VERB" and not any(c.dep_ == "auxpass" for c in t.children)
        and any(c.dep_ == "aux" and c.lemma_ == "be" for c in t.children) for t in span)


def _inside_dependent(doc, trig: Trigger, at: int) -> bool:
    """Whether the word at `at` belongs to a phrase the trigger's predicate governs, not to the predicate itself
    ("faced criminal charges for not participating": the "not" negates the participating), where a parse exists."""
    if doc is None or not _parsed(doc):
        return False
    h, word = _head_token(doc, trig), doc.char_span(at, at + 1, alignment_mode="expand")
    if h is None or not word:
        return False
    w = word[0].head
    return w is not h and w.pos_ in ("VERB", "AUX") and h in w.ancestors


def _noun_trigger(doc, trig: Trigger) -> bool:
    """Whether a one-phrase trigger (not a frame) ends in a noun, where the pipeline tags parts of speech."""
    if trig.frame or doc is None or not doc.has_annotation("POS"):
        return False
    span = doc.char_span(trig.start, trig.end, alignment_mode="expand")
    return span is not None and span[-1].pos_ == "NOUN"


def _plural_people(doc, trig: Trigger, language: str) -> bool:
    """Whether a one-word trigger is a noun or participle in the plural ("мобілизованных", "deportees"): it
    names a group, not one person's event. Morphology from the parse, or from pymorphy3 for Russian/Ukrainian."""
    if doc is None:
        return False
    span = doc.char_span(trig.start, trig.end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return False
    tok = span[0]
    if language == "pl":  # no tagger: the case endings that only plural nouns take ("po wyrokach", "wyrokami")
        return tok.norm_ != tok.lower_ and tok.lower_.endswith(("ach", "ami", "om", "ów"))
    if language in ("ru", "uk"):
        from ..lemmas import _morph

        parses = _morph(language).parse(tok.text.lower())[:3]
        return bool(parses) and all(p.tag.POS in _PLURAL_POS and p.tag.number == "plur" for p in parses)
    return tok.pos_ in ("NOUN", "ADJ") and tok.morph.get("Number") == ["Plur"]


def _drop(reason: str, trig: Trigger, sent: str) -> None:
    """Why a trigger made no event: logged at debug level (`DOSSIER_LOG=debug`) to study misses by class."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("dropped %s (%s): %s", trig.type, reason, sent.strip()[:200])


def _inside_quote(before: str) -> bool:
    opened = before.count("“") + before.count("«")
    closed = before.count("”") + before.count("»")
    return opened > closed or before.count('"') % 2 == 1


def _strong(c: Cluster, events: list[Event], person_key) -> bool:
    return c.role_votes > 0 or any(ev.person == person_key(c) for ev in events)


def _in_clause(dates, sent: str, s: int, trig_start: int, trig_end: int, codebook: Codebook, doc=None, trig=None):
    """Dates in the trigger's own clause: "X, who deserted in October 2023, was denied asylum on Monday"
    dates the denial by Monday, not by October. A trigger in a relative or complement clause ("a soldier who
    deserted", "said that he fled") takes only a date of that clause."""
    if not dates:
        return dates
    start = 0
    for m in codebook.clause_breaks.finditer(sent, 0, trig_start):
        start = m.end()
    nxt = codebook.clause_breaks.search(sent, trig_end)
    end = nxt.start() if nxt else len(sent)
    opener = None
    for m in codebook.subordinators.finditer(sent, start, trig_start):
        opener = m
    inside = [d for d in dates if s + (opener.start() if opener else start) <= d.start < s + end]
    if inside and opener is not None and doc is not None and trig is not None and _parsed(doc):
        # a relative clause no comma closes runs on into the clause around it ("a soldier who fled to Belarus
        # was found dead on Friday"): only a date its own verb governs is its date
        inside = _governed(doc, trig, inside)
    if inside:
        return inside
    # where a parse exists, a date the trigger's verb governs past an apposition ("sentenced X, a private who
    # deserted in 2023, to eight years on Tuesday": Tuesday, not 2023)
    governed = _governed(doc, trig, dates) if doc is not None and trig is not None else []
    if governed:
        return governed
    # a date set off by commas right after the clause belongs to it ("refused to go back, in the autumn of 2023,
    # and ..."; "his arrest in Belgrade, on 7 February")
    after = codebook.clause_breaks.search(sent, end + 1) if nxt else None
    stop = after.start() if after else len(sent)
    aside = [d for d in dates if s + end <= d.start and d.end <= s + stop]
    if len(aside) == 1 and _ONLY_FUNCTION_WORDS.fullmatch(sent[end:aside[0].start - s] + " " + sent[aside[0].end - s:stop]):
        return aside
    if opener is not None:
        if not codebook.temporal.fullmatch(opener.group(0)):
            return []
        # "left his unit in February after refusing to ...": a clause of time with no date of its own happened
        # about when the clause it depends on did (the month of its date, the nearest before, else after)
        before = [d for d in dates if d.end <= s + opener.start()]
        later = [d for d in dates if d.start >= s + end]
        near = before[-1:] or later[:1]
        return [replace(d, value=d.value[:7], offset=None, vague=True, inherited=True) for d in near if d.value]
    # otherwise the story's order: the last date told before the trigger ("detained in January, but released")
    before = [d for d in dates if d.start <= s + trig_start]
    return before[-1:]


_CONDITIONAL = {"es": ("ía", "ías", "íamos", "íais", "ían"), "it": ("rebbe", "rebbero", "remmo")}


def _conditional(doc, trig: Trigger, language: str) -> bool:
    """Whether the trigger's verb is in the conditional mood: by the parse's morphology where there is one, else by
    the form (Spanish: the infinitive and "-ía", "encarcelarían", not the imperfect "encarcelaban"; Italian: the
    conditional's endings, "arresterebbe")."""
    if doc is None:
        return False
    span = doc.char_span(trig.head, trig.head + 1, alignment_mode="expand")
    if not span:
        return False
    tok = span[0]
    if "Cnd" in tok.morph.get("Mood"):
        return True
    low, endings = tok.lower_, _CONDITIONAL.get(language)
    if not endings or not low.endswith(endings):
        return False
    return language != "es" or any(low == tok.norm_ + e for e in endings)


_LAST_WORDS = re.compile(r"(?:\s+\w+){0,2}[\s\W]*")  # at most two words (an auxiliary) to the clause's end
_ONLY_FUNCTION_WORDS = re.compile(r"[\W\d]*(?:\b\w{1,3}\b[\W\d]*){0,2}")  # punctuation and at most two short words


def _governed(doc, trig: Trigger, dates) -> list:
    """The dates whose words depend on the trigger's verb through no other verb, where a parse exists."""
    if not _parsed(doc):
        return []
    head = _head_token(doc, trig)
    if head is None or head.pos_ not in ("VERB", "AUX"):
        return []
    out = []
    for d in dates:
        if d.offset is not None:
            continue  # "four months after X sent him back": an amount that relates two clauses, not a date of one
        span = doc.char_span(d.start, d.end, alignment_mode="expand")
        tok = span.root if span is not None and len(span) else None
        for _ in range(6):
            if tok is None or tok.i == tok.head.i:
                break
            tok = tok.head
            if tok.i == head.i:
                out.append(d)
                break
            if tok.pos_ in ("VERB", "AUX"):
                break
    return out


def _subordinate_spans(sent: str, codebook: Codebook) -> list[tuple[int, int]]:
    """Relative and complement clauses of a sentence: from the word that opens one to the next clause break."""
    out = []
    for m in codebook.subordinators.finditer(sent):
        nxt = codebook.clause_breaks.search(sent, m.end())
        out.append((m.start(), nxt.start() if nxt else len(sent)))
    return out


def _clause_start(sent: str, pos: int, codebook: Codebook) -> int:
    cut = 0
    for m in codebook.clause_breaks.finditer(sent, 0, pos):
        cut = m.end()
    return cut


def _participant(rule: EventRule, t0: int, t1: int, in_sent, active_subjects) -> Cluster | None:
    def usable(ms, c):
        if c.role_votes < 0:
            return False
        if rule.person == "patient":
            head = active_subjects.get(ms)
            if head is not None and t0 - 3 <= head <= t1 + 1:
                return False  # the subject of the active trigger verb acts, it does not undergo
        return True

    before = [(ms, c) for ms, me, c in in_sent if me <= t0 and usable(ms, c)]
    after = [(ms, c) for ms, me, c in in_sent if ms >= t0 and me > t0 and usable(ms, c)]  # or inside a frame
    if before:
        return before[-1][1]
    if after:
        return after[0][1]
    return None


_DATE_WINDOW = 4  # sentences a stated date keeps framing the story that follows


def _date(dates, t0: int, last_date, si: int) -> tuple[str | None, bool]:
    """The date stated in the sentence, else the one stated just before (marked as inferred)."""
    if dates:
        d = min(dates, key=lambda d: abs(d.start - t0))
        return d.value, d.inherited
    if last_date and si - last_date[1] <= _DATE_WINDOW:
        return last_date[0], True
    return None, False


def _country(rule: EventRule, places: list[Place], t0: int, last_place, para: int, si: int, ctx: Context,
             clause: tuple[int, int] = (0, 0), t1: int | None = None) -> str | None:
    if rule.destination:
        places = [p for p in places if not _transit(ctx.text, places, p)]
        after = [p for p in places if p.start >= t0 and p.country != ctx.home and p.kind != "demonym"]
        pick = after or [p for p in places if p.country != ctx.home and p.kind != "demonym"]
        if pick:
            return pick[0].country
        return ctx.host
    located = [p for p in places if not _directional(ctx.text, p)]
    named = [p for p in located if p.kind != "demonym"]  # "the Russian officer" does not say where
    if rule.default_country == "home":
        pick = located  # "Russian authorities opened a case" does say who prosecutes
    else:
        # the place the trigger's own words take ("interdire de quitter la Russie", "detained in Russia") says
        # where, even at home
        taken = [p for p in named if t1 is not None and t0 < p.start and
                 (p.start < t1 or _TAKEN.fullmatch(ctx.text[t1:p.start]))]
        if taken:
            return taken[0].country
        foreign = [p for p in named if p.country != ctx.home]
        foreign_adj = [p for p in located if p.kind == "demonym" and p.country != ctx.home]
        # at home only where the article names no other country: "Moscow sent an extradition request", "Russia's
        # request" say who asks, not where it is decided
        pick = foreign or foreign_adj or (named if ctx.host is None or not rule.abroad else [])
    if pick:
        in_clause = [p for p in pick if clause[0] <= p.start < clause[1]]
        if in_clause or rule.default_country != "home":
            return min(in_clause or pick, key=lambda p: abs(p.start - t0)).country
        # a case, a wanted list, a sentence: where the trigger's own clause says, else at home ("the office in
        # Oral refused him, finding that he hides from prosecution": the prosecution is not Kazakhstan's)
    if rule.default_country == "home":
        return ctx.home
    if last_place and last_place[1] == para and si - last_place[2] <= 1:
        return last_place[0]
    if rule.default_country == "host":
        return ctx.host
    return None


def _attributes(rule: EventRule, text: str, s: int, e: int, trig: Trigger, places: list[Place], ctx: Context,
                found: Found) -> dict:
    """The type's attributes from the lexicon's cues in the sentence, and the codebook's patterns."""
    attrs: dict = {}
    sent = text[s:e]
    for c0, _, key in found.cue_spans_in(s, e, f"@|{rule.type}|"):
        _, _, name, value = key.split("|")
        if name == "article":
            attrs.setdefault("article", [])
            if value not in attrs["article"]:
                attrs["article"].append(value)
        elif name == rule.split_on:
            continue
        elif name not in attrs:
            attrs[name] = _typed(value)
            if name == "outcome":  # an outcome word besides the trigger itself asserts the event ("is pending")
                attrs["__asserted__"] = value not in ("pending", "planned") and not trig.start <= c0 < trig.end
    if rule.article_pattern is not None:
        for m in rule.article_pattern.finditer(sent):
            code = f"{ctx.home}-{m.group(1)}"
            attrs["article"] = [code] + [a for a in attrs.get("article", []) if a != code]
    if rule.authority_pattern is not None:
        m = rule.authority_pattern.search(sent, max(0, trig.end - s - 5))
        if m:
            attrs["authority"] = m.group("value").strip()
    if rule.type == "sentenced":
        y = years(sent[max(0, trig.head - s):])
        if y:
            attrs["years"] = y
        attrs.setdefault("suspended", False)
    if rule.type == "criminal_case":
        m = _UP_TO.search(sent)
        if m:
            attrs["max_penalty_years"] = int(m.group(1))
    if "article" in attrs and len(attrs["article"]) == 1:
        attrs["article"] = attrs["article"][0]
    return attrs


_UP_TO = re.compile(r"(?:up to|jusqu.à|до|bis zu|hasta|fino a|do)\s+(\d+)\s+(?:years|ans|лет|років|Jahren?|años|anni|lat)",
                    re.I)


def _typed(value: str):
    return {"true": True, "false": False}.get(str(value).lower(), value)


def _split(rule: EventRule, attrs: dict, found: Found, s: int, e: int) -> list[dict]:
    if not rule.split_on:
        return [attrs]
    values = list(dict.fromkeys(k.split("|")[3] for k in found.cues_in(s, e, f"@|{rule.type}|{rule.split_on}|")))
    return [dict(attrs, **{rule.split_on: v}) for v in values] or [attrs]


def _fill_country_attributes(ev: Event, rule: EventRule, ctx: Context) -> None:
    if rule.type == "fled_country":
        ev.attributes.setdefault("from_country", ctx.home if ev.country != ctx.home else None)
    elif rule.type in ("criminal_case",):
        ev.attributes.setdefault("prosecuting_country", ev.country or ctx.home)
    elif rule.type == "deported":
        ev.attributes.setdefault("to_country", ctx.home)
    elif rule.type == "sentenced":
        ev.attributes.setdefault("in_absentia", False)


# a happening told after one of these, about the same person, is a new one ("detained ... deported ... detained
# at the airport"; "applied ... refused ... applied again")
_CLOSED_BY = {"detained": ("released", "deported", "sentenced"), "asylum_applied": ("asylum_denied",),
              "asylum_denied": ("appeal", "asylum_applied")}


def _closed(events: list[Event], other: Event, ev: Event) -> bool:
    """Whether an event that ends `other`'s happening was told between `other`'s last telling and `ev`."""
    closers = _CLOSED_BY.get(ev.type)
    if not closers:
        return False
    last, now = max(x.start for x in other.evidence), ev.evidence[0].start
    return any(o.person == ev.person and o.type in closers and any(last < x.start < now for x in o.evidence)
               for o in events)


def _add(events: list[Event], ev: Event, told_where: bool = True, again: bool = False) -> None:
    """One event per happening: the same type and person told again on the same date, or where one of the two
    tellings states no date of its own (a lead that sums up, a later "the detention"), adds evidence to the event
    told first, which takes the stated date. A telling with neither date nor place of its own ("this is an
    abduction") is the same happening wherever the context put it."""
    def own_date(e: Event) -> str | None:
        return None if e.attributes.get("date_inferred") else e.date

    for other in events:
        if other.type != ev.type or other.person != ev.person:
            continue
        if again and all(x.start != ev.evidence[0].start for x in other.evidence):
            continue  # told as happening again: not the happening told before
        a, b = own_date(other), own_date(ev)
        # the same time where the dates agree as far as both go ("summer 2023" and "in August 2023")
        same_time = a is None or b is None or (other.date or "").startswith(ev.date or "") or \
            (ev.date or "").startswith(other.date or "")
        attrs_agree = all(other.attributes.get(k) in (None, v) for k, v in ev.attributes.items() if k != "date_inferred")
        if same_time and attrs_agree and not _closed(events, other, ev) and (other.country == ev.country or not ev.country or not other.country or
                                          (b is None and not told_where)):
            if all(x.start != ev.evidence[0].start for x in other.evidence):
                other.evidence.extend(ev.evidence)
            if b is not None and (a is None or len(b) > len(a)):  # the stated, then the more precise date
                other.date = ev.date
                other.attributes.pop("date_inferred", None)
            other.country = other.country or ev.country
            for k, v in ev.attributes.items():
                if k != "date_inferred":
                    other.attributes.setdefault(k, v)
            return
    events.append(ev)


_AND = AND_WORDS  # coordinating conjunctions of the languages, "and" and then "or"
_OR = "or|ou|oder|o|lub|albo|или|або"
_JOINED = re.compile(rf"\s*\b(?:{_AND})\s+$", re.I)  # a conjunction right before the trigger
_THEN = re.compile(rf"\b(?:{_AND}|then|puis|dann|poi|luego|potem|потом|затем|потім)\s*$", re.I)  # a predicate joined on
_COORDINATION = re.compile(rf",|;|\b(?:{_AND}|{_OR})\b", re.I)


def _for_something_else(text: str, trig, found, clause_end: int, sent_start: int, in_sentence,
                        own: tuple | None) -> bool:
    """Whether what is asked for is something else than the type's own (a visa, a permit, one's discharge): named
    inside the frame or right after it ("his visa application", "his application for a visa", "la sua domanda di
    visto"; not "asylum and a residence permit"); for a decision on an application (`own`: the kinds it decides),
    also told earlier in the sentence with none of its own kinds between ("he tried to resign, but the school
    rejected his application"; not "came on a visa and applied for asylum, which was rejected")."""
    for start, _, _ in found.cue_spans_in(trig.start, min(clause_end, trig.end + 30), "W|request"):
        if start < trig.end or not _COORDINATION.search(text, trig.end, start):
            return True
    before = found.cue_spans_in(sent_start, trig.start, "W|request") if own else []
    return bool(before) and not any(o is not trig and o.type in own and before[-1][1] <= o.start < trig.start
                                    for o in in_sentence)


def _first_conjunct(doc, trig) -> tuple[int, int] | None:
    """Where the word that a coordinated predicate is joined to stands ("can be detained and deported": detained;
    a parse may join it to the modal verb itself), or None when the trigger's predicate is not a later conjunct."""
    tok = _head_token(doc, trig) if doc is not None else None
    if tok is None:
        return None
    first = tok
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    return (first.idx, first.idx + len(first)) if first is not tok else None
