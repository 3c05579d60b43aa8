"""Event triggers, frames, attribute cues and modality cues of one language's lexicon, compiled once into a spaCy
`Matcher` over lemmas (`NORM`, which the language layer sets to the lower-case lemma) and lower-case forms, and
found in a `Doc` in one pass."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace

from itertools import product

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..dates import UNIT_OF
from ..lemmas import participles
from ..lexicon import Lexicon
from ..nlp import _plain, tokenizer

FRAME_WINDOW = 8  # tokens between a frame's predicate and its argument
# particles of phrasal verbs, which an object may separate from their verb ("turned him down", "handed him over")
_PARTICLES = {"en": {"over", "down", "back", "out", "up", "off", "away", "in", "on"}}
# Articles, as written and as lemmatised: an entry written with one stands for the same phrase with any other
# ("prendere il aereo per" is also "prese un aereo per"; "passer la frontière", "passer une frontière")
_ARTICLES = {lang: frozenset(words.split()) for lang, words in {
    "en": "a an the",
    "fr": "le la les l' un une",
    "it": "il lo la l' i gli le un uno una un'",
    "es": "el la los las un una unos unas uno",
    "de": "der die das den dem des ein eine einen einem einer eines",
    "pt": "o a os as um uma",
}.items()}


@dataclass(frozen=True)
class Trigger:
    type: str
    start: int  # character offsets in the analysed text
    end: int
    head: int  # character offset of the predicate (where the participant is looked for)
    frame: bool = False
    anaphor: bool = False  # a frame's predicate with a pronoun for its argument: counts only after what it answers


@dataclass
class Found:
    triggers: list[Trigger] = field(default_factory=list)
    cues: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, key): attribute and modality cues
    cue_starts: list[int] = field(default_factory=list)
    _spans: dict[str, list] = field(default_factory=dict, repr=False, compare=False)

    def has(self, prefix: str, start: int, end: int) -> bool:
        """Whether a cue of that kind starts in [start, end): "W|pronoun", "W|resister", "K|" (a rank)..."""
        return bool(self.cues_in(start, end, prefix))

    def spans(self, prefix: str) -> list[tuple[int, int, str]]:
        cached = self._spans.get(prefix)  # asked once per mention: the cues do not change once found
        if cached is None:
            cached = self._spans[prefix] = [c for c in self.cues if c[2].startswith(prefix)]
        return list(cached)

    def cues_in(self, start: int, end: int, prefix: str = "") -> list[str]:
        return [key for _, _, key in self.cue_spans_in(start, end, prefix)]

    def cue_spans_in(self, start: int, end: int, prefix: str = "") -> list[tuple[int, int, str]]:
        i = bisect_left(self.cue_starts, start)
        out = []
        while i < len(self.cues) and self.cues[i][0] < end:
            if self.cues[i][2].startswith(prefix):
                out.append(self.cues[i])
            i += 1
        return out


def _norm(text: str) -> str:
    return text.lower().replace("ё", "е")


class TriggerMatcher:
    """One language's lexicon as a `Matcher`; `suppresses` maps a type to the types it hides where they overlap
    ("denied asylum" is not also an application)."""

    def __init__(self, lexicon: Lexicon, vocab, suppresses: dict[str, tuple[str, ...]],
                 place_frames: frozenset[str] = frozenset(), war_zone: tuple[str, ...] = (), clause_breaks=None,
                 infinitive_comma: bool = False, anaphoric: frozenset[str] = frozenset(),
                 answering: frozenset[str] = frozenset()):
        # lexicon entries as phrases, matched on lemmas and on lower-case forms in one pass each (a hash trie:
        # time linear in the text, not in the size of the lexicon); an entry ending in a short particle lets one
        # word stand before it ("hand over": "handed him over"): its words but the particle are a phrase of their
        # own ("G|n"), and the particle is looked for two tokens on. (A token Matcher with one pattern per entry
        # did the same in two thirds of the whole extraction time: it tries every pattern at every token.)
        self.vocab = vocab
        self.capital_nouns = lexicon.language in ("de", "lb")  # languages that capitalise every noun
        self.by_norm = PhraseMatcher(vocab, attr="NORM")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        self._names: dict[int, str] = {}
        self.gapped: list[tuple[str, frozenset[str]]] = []  # "G|n" -> (the entry's key, forms of its particle)
        self.suppresses = suppresses
        self.war_zone = war_zone  # going there is going to the front, not fleeing
        self.clause_breaks = clause_breaks  # a frame's two words stand in one clause
        self.infinitive_comma = infinitive_comma  # ... or one comma apart, the argument after ("weigerte sich, ...")
        self.anaphoric = anaphoric  # types whose frames' predicate may take a pronoun for its argument
        self.answering = answering  # types whose frames' predicate alone answers an order told just before
        tok = tokenizer(lexicon.language)
        lang = lexicon.language

        articles = _ARTICLES.get(lang, frozenset())

        def forms(word: str) -> list[str]:
            word = _norm(word)
            if word in articles:
                return [word] + sorted(articles - {word})
            return [word] + participles(word, lang)

        def phrases_of(words: list[str]) -> list[Doc]:
            out = []
            for combo in product(*(forms(w) for w in words)):
                phrase = Doc(vocab, words=list(combo))
                for t, w in zip(phrase, combo):
                    t.norm_ = w
                out.append(phrase)
            return out

        def add(key: str, entries: list[str]):
            phrases = []
            for entry in entries:
                words = [t.text for t in tok(entry) if not t.is_space]
                if not words:
                    continue
                phrases += phrases_of(words)
                if len(words) > 1 and words[-1].lower() in _PARTICLES.get(lang, ()):
                    head = f"G|{len(self.gapped)}"
                    self.gapped.append((key, frozenset(forms(words[-1]))))
                    self.by_norm.add(head, phrases_of(words[:-1]))
                    self.by_lower.add(head, phrases_of(words[:-1]))
            if phrases:
                self.by_norm.add(key, phrases)
                self.by_lower.add(key, phrases)

        for etype, entries in lexicon.triggers.items():
            add(f"T|{etype}", entries)
        for etype, frames in lexicon.frames.items():
            for i, (pred, arg) in enumerate(frames):
                add(f"P|{etype}|{i}", pred)
                add(f"A|{etype}|{i}", arg)
            if etype in place_frames:  # the frames' verbs with any place as their argument ("flew to Yerevan")
                add(f"M|{etype}", sorted({w for pred, _ in frames for w in pred}))
        for (etype, attr, value), entries in lexicon.attributes.items():
            add(f"@|{etype}|{attr}|{value}", entries)
        for kind, entries in lexicon.modality.items():
            add(f"~|{kind}", entries)
        # words about persons, found by lemma like the triggers: "W|pronoun", "W|resister", "W|other"...
        for kind, key in (("pronouns", "pronoun"), ("female_pronouns", "she"), ("person_nouns", "person"), ("resister_nouns", "resister"), ("other_nouns", "other"),
                          ("relatives", "relative"), ("group_words", "group"), ("other_requests", "request"),
                          ("knowing", "know"), ("order_words", "order"), ("source_words", "source")):
            add(f"W|{key}", lexicon.words.get(kind, []))
        for rank, entries in lexicon.ranks.items():
            add(f"K|{rank}", entries)

    def __call__(self, doc: Doc, sentences: list[tuple[int, int]], places=(), home: str = "",
                 text: str | None = None) -> Found:
        """`text` is the analysed text, when the caller has it (`doc.text` joins every token anew)."""
        sent_starts = [s for s, _ in sentences]
        triggers: list[Trigger] = []
        preds, args, cues, movers = {}, {}, [], []
        pronouns = set()  # token indices of personal pronouns
        matches = set(self.by_norm(doc)) | set(self.by_lower(doc))
        names = self._names  # match id -> the entry's key, looked up once per matcher
        for match_id in {m[0] for m in matches} - names.keys():
            names[match_id] = self.vocab.strings[match_id]
        for match_id, start, end in [m for m in matches if names[m[0]].startswith("G|")]:
            matches.discard((match_id, start, end))
            key, particle = self.gapped[int(self.vocab.strings[match_id][2:])]
            if end + 1 < len(doc) and not doc[end].is_punct and \
                    (doc[end + 1].norm_ in particle or doc[end + 1].lower_ in particle):
                matches.add((self.vocab.strings[key], start, end + 2))
        # token offsets and lengths as plain lists: no Token or Span object made for each of the many matches
        idx, length = doc.to_array(["IDX", "LENGTH"]).T.tolist() if len(doc) else ([], [])
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], m[2], m[0])):
            key = names.get(match_id) or self.vocab.strings[match_id]
            kind, _, rest = key.partition("|")
            if kind in "PA":  # most matches: a frame's predicate or argument, paired below
                (preds if kind == "P" else args).setdefault(rest, []).append((start, end))
                continue
            start_char, end_char = idx[start], idx[end - 1] + length[end - 1]
            if key in ("W|pronoun", "W|she"):
                pronouns.update(range(start, end))
            if kind == "K" or (kind == "W" and start + 1 < end):
                # ranks and role words: the longest reading where several overlap ("senior lieutenant")
                cues.append((start_char, end_char, key))
            elif kind == "T":
                triggers.append(Trigger(rest, start_char, end_char, start_char))
            elif kind == "M":
                if not self.capital_nouns and _inside_proper_name(doc, start):
                    continue  # "la Comisión Nacional para los Refugiados de Argentina": a name, no refuge taken
                if _names_another(doc, start, end):
                    continue  # "a travel permit to France": no movement
                if any(c.dep_ in ("dobj", "obj") and c.pos_ == "PRON" for c in doc[start].children):
                    continue  # "leaving him stuck in Minsk": someone else is moved or left, not the subject
                movers.append((start_char, end_char, rest))
            elif key == "W|group" and end < len(doc) and doc[end].lower_ in UNIT_OF:
                continue  # "kilka dni później", "several weeks": an amount of time, not a group of people
            else:
                cues.append((start_char, end_char, key))
        text = doc.text if text is None else text
        paired = set()
        naming: dict[tuple[int, int], bool] = {}  # argument span -> whether it names another word
        for frame, pred_spans in preds.items():
            etype = frame.rsplit("|", 1)[0]
            for ps, pe in pred_spans:
                if not self.capital_nouns and _inside_proper_name(doc, ps):
                    continue  # "la Comisión Nacional para los Refugiados de Argentina": a name, no refuge taken
                for as_, ae in args.get(frame, ()):
                    if as_ < pe and ps < ae:
                        continue  # the same words
                    if (as_ - pe if as_ >= pe else ps - ae) > FRAME_WINDOW:
                        continue
                    if (as_, ae) not in naming:
                        naming[as_, ae] = _names_another(doc, as_, ae)
                    if naming[as_, ae]:
                        continue  # "border guards detained him": not the frame's argument
                    p0, a0 = idx[ps], idx[as_]
                    if _sentence(sent_starts, p0) != _sentence(sent_starts, a0):
                        continue
                    # the words between, as the models read them
                    gap = _plain(text[idx[min(pe, ae)]:idx[max(ps, as_) - 1] + length[max(ps, as_) - 1]]) \
                        if max(ps, as_) > min(pe, ae) else ""
                    breaks = list(self.clause_breaks.finditer(gap)) if self.clause_breaks is not None else []
                    if breaks and not (self.infinitive_comma and as_ > ps and len(breaks) == 1 and
                                       breaks[0].group(0) == ","):
                        continue  # "... in prison, and he was put on ...": the two words are in different clauses
                    start, end = min(p0, a0), max(idx[pe - 1] + length[pe - 1], idx[ae - 1] + length[ae - 1])
                    triggers.append(Trigger(etype, start, end, p0, True))
                    paired.add((etype, ps))
        for frame, pred_spans in preds.items():  # "turned him down", "oddalił go", "celle-ci a été rejetée"
            etype = frame.rsplit("|", 1)[0]
            if etype not in self.anaphoric:
                continue
            for ps, pe in pred_spans:
                if (etype, ps) in paired or doc[ps].pos_ in ("NOUN", "PROPN", "ADJ"):
                    continue
                near = [i for i in pronouns if ps - 3 <= i < pe + 2 and
                        _sentence(sent_starts, doc[i].idx) == _sentence(sent_starts, doc[ps].idx)]
                if any(not (self.clause_breaks and self.clause_breaks.search(doc[min(i, ps):max(i + 1, pe)].text))
                       for i in near):
                    end = doc[pe - 1].idx + len(doc[pe - 1])
                    triggers.append(Trigger(etype, doc[ps].idx, end, doc[ps].idx, True, True))
        orders = [(_sentence(sent_starts, c0), c0) for c0, _, key in cues if key == "W|order"]
        for frame, pred_spans in preds.items() if orders else ():  # "... ordered an assault. Matveenko refused."
            etype = frame.rsplit("|", 1)[0]
            if etype not in self.answering:
                continue
            for ps, pe in pred_spans:
                if (etype, ps) in paired or doc[ps].pos_ in ("NOUN", "PROPN", "ADJ") or \
                        (pe < len(doc) and not doc[pe].is_punct and doc[pe].lower_ not in _CLAUSE_JOINERS):
                    continue  # paired, a noun, or not bare: "refused to ..." is told by the frames
                k = _sentence(sent_starts, doc[ps].idx)
                if any(o == k - 1 or (o == k and c0 < doc[ps].idx) for o, c0 in orders):
                    end = doc[pe - 1].idx + len(doc[pe - 1])
                    triggers.append(Trigger(etype, doc[ps].idx, end, doc[ps].idx, True))
        for m_start, m_end, etype in movers:  # a verb of the frames, then a foreign place in the same sentence
            place = next((p for p in places if m_end <= p.start <= m_end + 60 and p.country not in (home, *self.war_zone)
                          and p.kind != "demonym" and _sentence(sent_starts, p.start) == _sentence(sent_starts, m_start)),
                         None)
            if place is not None:
                triggers.append(Trigger(etype, m_start, place.end, m_start, True))
        # "rejected his application": an application with its owner named is one he made, whatever was decided
        owned = {doc[i + 1].idx for i in pronouns if i + 1 < len(doc)}
        triggers = self._resolve(triggers, owned)
        cues.sort()
        return Found(triggers, cues, [c[0] for c in cues])

    def _resolve(self, triggers: list[Trigger], owned: set[int] = frozenset()) -> list[Trigger]:
        """One trigger per type where several overlap (the longest), and none of a type that an overlapping
        trigger of another type suppresses, unless it holds that trigger."""
        # in a fixed order (a set's order changes from run to run): of two readings of the same words, the
        # lexicon's phrase before the frame
        triggers = sorted(set(triggers), key=lambda t: (t.start, -(t.end - t.start), t.frame, t.type, t.head))
        kept: list[Trigger] = []
        for t in triggers:
            same = next((i for i, k in enumerate(kept) if k.type == t.type and k.start < t.end and t.start < k.end), None)
            if same is not None:
                if t.end > kept[same].end:  # one happening told in overlapping words: the words of both
                    kept[same] = replace(kept[same], end=t.end)
                continue
            kept.append(t)
        # a trigger of a type another one suppresses, opening before it and running to its end or past it, holds it:
        # the other is told as part of it and goes ("заява про надання статусу біженця": the granting is what the
        # application asks for)
        held = [o for o in kept if any(t is not o and t.type in self.suppresses.get(o.type, ()) and t.start < o.start
                                       and t.end >= o.end for t in kept)]
        kept = [t for t in kept if not any(t is h for h in held)]
        return [t for t in kept
                if t.start in owned or
                not any(o is not t and t.type in self.suppresses.get(o.type, ()) and o.start < t.end and t.start < o.end
                        for o in kept)]


# coordinating conjunctions of the languages ("and"); with "but", they end a bare predicate's clause as a full stop
# does ("rifiutò e, pochi giorni dopo, abbandonò il reparto")
AND_WORDS = "and|et|und|y|e|i|oraz|и|і|й|та"
_CLAUSE_JOINERS = frozenset(AND_WORDS.split("|")) | frozenset("but mais aber pero ma ale но але".split())


def _inside_proper_name(doc, i: int) -> bool:
    """Whether the word at token `i` is capitalised inside a name of several words, short lower-case words allowed
    between them ("Comisión Nacional para los Refugiados", "Office of Refugee Resettlement"), in running text (a
    heading in title case capitalises its verbs too): not a predicate."""
    if not doc[i].text[:1].isupper() or doc[i].is_sent_start:
        return False
    j = i - 1
    while j >= 0 and doc[j].is_lower and len(doc[j]) <= 4:
        j -= 1
    if j < 0 or not doc[j].is_alpha or not doc[j].text[:1].isupper() or doc[j].is_upper:
        return False
    line = doc[max(0, i - 12):i + 12]
    return sum(1 for t in line if t.is_alpha and t.is_lower and len(t) > 4) >= 3  # running text around it


def _names_another(doc, start: int, end: int) -> bool:
    """Whether the words start..end end in a compound modifier of a word outside them ("travel permit", "border
    guards"): they name that word, they are no predicate or argument of their own."""
    last = doc[end - 1]
    return last.dep_ == "compound" and not start <= last.head.i < end


def _sentence(starts: list[int], pos: int) -> int:
    return bisect_left(starts, pos + 1)


_MATCHERS: dict[tuple[int, str], TriggerMatcher] = {}


def matcher_for(codebook, language: str) -> TriggerMatcher | None:
    """The compiled matcher of a language (English's for a language without a lexicon), built once per codebook."""
    lexicon = codebook.lexicons.get(language) or codebook.lexicons.get("en")
    if lexicon is None:
        return None
    key = (id(codebook), lexicon.language)
    if key not in _MATCHERS:
        _MATCHERS[key] = TriggerMatcher(lexicon, tokenizer(lexicon.language).vocab, codebook.suppresses,
                                        codebook.place_frames, codebook.war_zone, codebook.clause_breaks,
                                        lexicon.language in codebook.infinitive_comma,
                                        frozenset(t for t, r in codebook.events.items() if r.follows),
                                        frozenset(t for t, r in codebook.events.items() if r.answers_order))
    return _MATCHERS[key]
