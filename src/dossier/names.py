"""Person names: cleaning, folding across scripts and spellings, and compatibility of two names.

Folding maps Kuznetsov / Kouznetsov / Kusnezow / Кузнецов to one key: Cyrillic is transliterated,
accents are dropped and the common English, French, German and Italian transliteration habits are
reduced to one spelling.
"""
from __future__ import annotations

import difflib
from functools import lru_cache
import re
import unicodedata

_CYR = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "i", "є": "e", "ґ": "g"}
# Spelling habits folded to one form, applied in order (own table; German/French/Italian renderings of Russian).
_FOLDS = [("sch", "sh"), ("tsch", "ch"), ("tch", "ch"), ("dj", "j"), ("dzh", "j"), ("zh", "sh"), ("kh", "h"), ("ch", "c"),
          ("ts", "c"), ("tz", "c"), ("ou", "u"), ("w", "v"), ("ph", "f"), ("ks", "x"), ("ck", "k"), ("q", "k"),
          ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"), ("ye", "e"), ("ie", "e"), ("je", "e"),
          ("yo", "o"), ("io", "o"), ("gue", "ge"), ("ue", "e"), ("y", "i"), ("j", "i"), ("ii", "i"),
          ("z", "s"), ("c", "s")]  # German z = ts and s = z: sibilants are folded together
_TITLES = {"m", "mr", "mrs", "ms", "mme", "mlle", "dr", "herr", "frau", "gen", "lt", "col", "maj", "capt", "sgt", "pvt",
           "monsieur", "madame", "sr", "jr", "gospodin", "г", "гн", "господин",
           "maître", "maitre", "pan", "pani", "sra", "señor", "señora", "sig", "signor", "signora", "avv", "dott",
           "пан", "пані", "пани"}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def clean_name(text: str) -> str:
    """The name as written, without possessive endings, surrounding punctuation or title words."""
    text = _POSSESSIVE.sub("", text.strip().strip("«»\"“”'’.,:;()"))
    words = text.split()
    while words and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """A word of a name folded to the key its spellings in every script and convention share (cached: the same
    names come again and again, in an article and across the store)."""
    t = "".join(_CYR.get(ch, ch) for ch in token.lower())
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch) and ch.isalpha())
    for a, b in _FOLDS:
        t = t.replace(a, b)
    t = re.sub(r"(.)\1+", r"\1", t)
    # case endings of Russian, Ukrainian and Polish surnames ("Шелестова", "Szelestowowi", "Szelestowem")
    t = re.sub(r"(ev|ov|in)(ovi|ovem|ovie|a|u|e|om|im|ym|oi|oy|em|ie|i)$", r"\1", t)
    t = re.sub(r"(i|e)f$", r"\1v", t)
    return re.sub(r"v$", "f", t) if t.endswith(("of", "ov", "ev", "ef")) else t


def skeletons(word: str) -> set[str]:
    """Coarse keys of a surname that survive the conventions' disagreements on vowels, soft signs and
    sibilants (Schelestow, Szelestow, Shelestov, Chelestov; Tichomirow, Tijomírov, Тихомиров): the folded
    word's consonants (h dropped, a leading vowel kept), read once with "ch" as ч and once as х (German,
    Polish), "~"-prefixed so they never meet a search word. Shorter than four letters: no key."""
    out = set()
    for variant in (word.lower(), re.sub(r"(?<![st])ch", "h", word.lower())):
        t = fold_token(variant)
        if not t:
            continue
        skeleton = t[0] + re.sub(r"[aeiouyh]", "", t[1:])
        skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
        if len(skeleton) >= 4:
            out.add("~" + skeleton)
    return out


def same_surname(a: str, b: str) -> bool:
    """Folded or raw surnames that are one name: close spellings, or a shared skeleton."""
    return close(fold_token(a), fold_token(b)) or bool(skeletons(a) & skeletons(b))


def fold(name: str) -> list[str]:
    return [f for f in (fold_token(w) for w in re.split(r"[\s-]+", clean_name(name))) if f]


@lru_cache(maxsize=65536)
def close(a: str, b: str, threshold: float = 0.84) -> bool:
    """Two folded words spelled alike (asked for the same pairs again and again while clustering: cached)."""
    return a == b or (min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= threshold)


def compatible(a: list[str], b: list[str]) -> bool:
    """Could two folded names refer to the same person? Surnames must agree; first names must not conflict."""
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:
        single, other = (a, b) if len(a) == 1 else (b, a)
        return any(close(single[0], t) for t in other)
    if close(a[-1], b[-1]):
        return _first_ok(a[0], b[0])
    if close(a[0], b[-1]) and _first_ok(a[-1], b[0]):  # "Surname Name" order
        return True
    return False


def compatible_names(a: str, b: str) -> bool:
    """`compatible` on two written names, where surnames may also agree by their skeleton (two full names only:
    a lone name needs the closer match)."""
    fa, fb = fold(a), fold(b)
    if compatible(fa, fb):
        return True
    if len(fa) < 2 or len(fb) < 2:
        return False
    wa, wb = _words(a), _words(b)
    return bool(skeletons(wa[-1]) & skeletons(wb[-1])) and _first_ok(fa[0], fb[0])


def surname_keys(name: str) -> set[str]:
    words = _words(name)
    return skeletons(words[-1]) if len(words) > 1 else set()


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s-]+", clean_name(name)) if fold_token(w)]


# Everyday short forms of Russian and Ukrainian first names and the names they stand for (written in Latin letters
# and folded like every name, so that Миша, Misha, Mischa and Micha are one key).
_SHORT_FORMS = {
    "misha": ["mikhail"], "sasha": ["aleksandr", "aleksandra"], "shura": ["aleksandr", "aleksandra"],
    "zhenya": ["evgeny", "evgenia"], "dima": ["dmitry"], "vanya": ["ivan"], "kolya": ["nikolai"], "petya": ["pyotr"],
    "seryozha": ["sergei"], "serezha": ["sergei"], "lyosha": ["aleksei"], "alyosha": ["aleksei"],
    "volodya": ["vladimir"], "vova": ["vladimir"], "tolya": ["anatoly"], "kostya": ["konstantin"], "pasha": ["pavel"],
    "yura": ["yuri"], "vitya": ["viktor"], "grisha": ["grigory"], "borya": ["boris"], "gosha": ["georgy"],
    "zhora": ["georgy"], "fedya": ["fyodor"], "lyonya": ["leonid"], "tyoma": ["artyom"], "slava": ["vyacheslav",
    "vladislav", "stanislav", "yaroslav"], "stas": ["stanislav"], "vlad": ["vladislav"], "igoryok": ["igor"],
    "lyova": ["lev"], "tanya": ["tatyana"], "natasha": ["natalya"], "katya": ["ekaterina"], "masha": ["maria"],
    "olya": ["olga"], "lena": ["elena"], "nastya": ["anastasia"], "sveta": ["svetlana"], "lyuda": ["lyudmila"],
    "galya": ["galina"], "ira": ["irina"], "yulya": ["yulia"], "nadya": ["nadezhda"], "vera": ["vera"],
    "tolik": ["anatoly"], "senya": ["semyon"], "styopa": ["stepan"], "danya": ["daniil"], "nikita": ["nikita"],
    "andryusha": ["andrei"], "ilyusha": ["ilya"], "maksimka": ["maksim"], "roma": ["roman"], "zhenka": ["evgeny"],
    "mykola": ["nikolai"], "mykhailo": ["mikhail"], "oleksandr": ["aleksandr"], "oleksii": ["aleksei"],
    "dmytro": ["dmitry"], "serhii": ["sergei"], "yevhen": ["evgeny"], "petro": ["pyotr"], "pavlo": ["pavel"],
    "andrii": ["andrei"], "yurii": ["yuri"], "vasyl": ["vasily"], "hryhorii": ["grigory"], "fedir": ["fyodor"],
}
_SHORT: dict[str, set[str]] = {}
for _short, _fulls in _SHORT_FORMS.items():
    for _full in _fulls:
        _SHORT.setdefault(fold_token(_short), set()).add(fold_token(_full))
        _SHORT.setdefault(fold_token(_full), set()).add(fold_token(_full))


def same_first_name(a: str, b: str) -> bool:
    """Folded first names that name one person: a short form and its full name (Misha, Mikhail), or the
    Ukrainian and Russian forms of one name (Mykola, Nikolai)."""
    return bool(_SHORT.get(a, set()) & (_SHORT.get(b, set()) | {b})) or bool(_SHORT.get(b, set()) & {a})


def _first_ok(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if same_first_name(a, b):
        return True
    stem_a, stem_b = a.rstrip("aeiou"), b.rstrip("aeiou")  # "Ilja" / "Ilji", "Pawel" / "Pawla": case endings
    return close(a, b, 0.7) or (len(stem_a) >= 2 and stem_a == stem_b)


# ---- names in languages without a trained recogniser -------------------------------------------------------------
_LAT2CYR = [("shch", "щ"), ("szcz", "щ"), ("sch", "ш"), ("sh", "ш"), ("sz", "ш"), ("cz", "ч"), ("rz", "ж"), ("lja", "лья"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ya", "я"),
            ("ja", "я"), ("yu", "ю"), ("ju", "ю"), ("yo", "ё"), ("jo", "ё"), ("ye", "е"), ("je", "е"), ("iy", "ий"),
            ("ij", "ий"), ("w", "в"), ("a", "а"), ("b", "б"), ("c", "ц"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
            ("h", "х"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
            ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("y", "ы"), ("z", "з")]
_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.I)
_LATIN = re.compile(r"[a-z]", re.I)
_CYRILLIC_ONLY = frozenset({"uk", "ru", "be", "bg"})
_COMPOUNDING = {"de", "nl", "sv", "da", "no"}  # languages that write compound nouns as one capitalised word


def _morph(lang: str):
    from .lemmas import _morph as morph

    return morph(lang)


def _to_cyrillic(word: str) -> str:
    w = unicodedata.normalize("NFKD", word.lower().replace("ł", "l"))
    w = "".join(ch for ch in w if not unicodedata.combining(ch))
    for a, b in _LAT2CYR:
        w = w.replace(a, b)
    return w


@lru_cache(maxsize=50_000)
def _morph_name(word: str, language: str) -> bool:
    """A first name, patronymic or surname of Russian or Ukrainian in the morphological dictionary (Latin-script
    words are transliterated first): 'Jewgeni', 'Тимур', 'Шелестов'."""
    cyr = bool(_CYRILLIC.search(word))
    lang = "uk" if cyr and (language == "uk" or re.search(r"[іїєґ]", word, re.I)) else "ru"
    parses = _morph(lang).parse(word.lower() if cyr else _to_cyrillic(word))
    if any(p.tag.POS in _FUNCTION_WORDS and p.is_known for p in parses[:3]):
        return False  # "Усі" (all) opening a sentence, not the surname "Ус"
    return any(p.tag.grammemes & {"Name", "Surn", "Patr"} and p.is_known for p in parses[:2])


@lru_cache(maxsize=50_000)
def first_name_gender(word: str) -> str | None:
    """"femn" or "masc" for a first name by Russian/Ukrainian morphology (Latin script transliterated): "Людмила",
    "Wera" and "Nina" are women's names, "Nikita" a man's; None for a word that is not a first name."""
    cyr = bool(_CYRILLIC.search(word))
    forms = [("uk", word.lower()), ("ru", word.lower().replace("і", "и").replace("ї", "и"))] if cyr \
        else [("ru", _to_cyrillic(word))]
    parses = [p for lang, form in forms for p in _morph(lang).parse(form)[:4] if "Name" in p.tag.grammemes and p.is_known]
    if not any("nomn" in p.tag.grammemes for p in parses):
        return None
    genders = {p.tag.gender for p in parses}  # in any case: "Павла" is a woman's name or a man's in the genitive
    return genders.pop() if len(genders) == 1 else None


_FUNCTION_WORDS = {"NPRO", "PREP", "CONJ", "PRCL", "INTJ"}


@lru_cache(maxsize=50_000)
def is_place_word(word: str) -> bool:
    """A toponym or an organisation by Russian/Ukrainian morphology ("Бахмута", "Rostov" read as "Ростов"), and no
    first name or surname."""
    cyr = bool(_CYRILLIC.search(word))
    lang = "uk" if cyr and re.search(r"[іїєґ]", word, re.I) else "ru"
    parses = _morph(lang).parse(word.lower() if cyr else _to_cyrillic(word))[:2]
    if any(p.tag.grammemes & {"Name", "Surn", "Patr"} for p in parses):
        return False
    return any(p.tag.grammemes & {"Geox", "Orgn"} and p.is_known for p in parses)


def is_common_phrase(words: list[str], language: str) -> bool:
    """Whether every word of a capitalised phrase is a common English word and none a first name: an organisation
    or product named in English ("Exit Route", "Telegram" in an Italian text). One such word in an English text
    may be a pseudonym ("Sparrow said")."""
    return (len(words) > 1 or language != "en") and all(_english_word(w) for w in words)


@lru_cache(maxsize=50_000)
def _english_word(word: str) -> bool:
    import simplemma

    low = word.lower()
    if not (low.isalpha() and simplemma.is_known(low, lang="en")):
        return False
    parses = _morph("ru").parse(_to_cyrillic(word))[:2]
    return not any({"Name", "nomn"} <= p.tag.grammemes and p.is_known for p in parses)


@lru_cache(maxsize=50_000)
def is_name_word(word: str, language: str) -> bool:
    """Whether a capitalised word reads as a name: a name by morphology, or a word the language does not know."""
    if len(word) < 2 or not word[0].isupper() or word.isupper():
        return False
    low = word.lower()
    if _CYRILLIC.search(word):
        return _morph_name(word, language) or not _morph("uk" if language == "uk" else "ru").parse(low)[0].is_known
    import simplemma

    from .lemmas import lemma
    try:
        known = simplemma.is_known(low, lang=language) or simplemma.is_known(word, lang=language) \
            or lemma(low, language) != low
        if not known and language in _COMPOUNDING:  # "Militärfirma", "Vertragssoldat": a compound noun
            known = any(simplemma.is_known(low[i:], lang=language) for i in range(3, len(low) - 3))
    except ValueError:
        known = False
    return not known


@lru_cache(maxsize=50_000)
def _is_first_name(word: str) -> bool:
    """A first name by Russian morphology in any case ("Rusłana", "Pawła")."""
    cyr = bool(_CYRILLIC.search(word))
    return any("Name" in p.tag.grammemes and p.is_known
               for p in _morph("ru").parse(word.lower() if cyr else _to_cyrillic(word))[:3])


@lru_cache(maxsize=50_000)
def _dictionary_word(word: str, language: str) -> bool:
    import simplemma

    try:
        return simplemma.is_known(word.lower(), lang=language) or simplemma.is_known(word, lang=language)
    except ValueError:
        return False


def mixed_scripts(name: str) -> bool:
    """Words in Latin and in Cyrillic letters in one name: a name is written in one script (after a role word, an
    organisation named in Latin letters followed by a person named in Cyrillic is two things, not one name)."""
    return bool(_LATIN.search(name)) and bool(_CYRILLIC.search(name))


def find_names(doc, language: str) -> list[tuple[int, int, str]]:
    """Runs of capitalised name words (accents and hyphens included): two or more, or one that does not open a
    sentence, or one that is a first name or surname by morphology."""
    out, run = [], []
    # in a language written in Cyrillic only, a word in Latin letters is a brand, a medium or an organisation
    # quoted as written ("Facebook", "Reuters"): people's names are transliterated
    cyrillic_only = language in _CYRILLIC_ONLY

    def close_run():
        if run:
            words = [t.text for t, _, _ in run]
            first = run[0][0]
            before = doc[first.i - 1].text.strip() if first.i else ""
            at_start = first.is_sent_start or before in ("", ".", "!", "?", ":", "—", "–", "-", "«", "\"", "„", "“")
            strict = [s for _, s, _ in run]
            morph = [m for _, _, m in run]
            prev = doc[first.i - 1].text if first.i else ""
            inside_proper = len(run) == 1 and not at_start and prev.isalpha() and prev[0].isupper() and \
                not is_name_word(prev, language) and not _morph_name(prev, language)
            if inside_proper:
                pass  # "Górny Łars", "Verkhny Lars": the last word of a place or organisation name
            elif (any(strict) and (len(run) > 1 or not at_start or morph[0])) or (len(run) > 1 and all(morph)):
                out.append((first.idx, run[-1][0].idx + len(words[-1]), " ".join(words)))
            run.clear()

    for tok in doc:
        text = tok.text
        if len(text) > 1 and text[0].isupper() and text.replace("-", "").replace("'", "").isalpha() and not text.isupper() \
                and not is_place_word(text) and not (cyrillic_only and _LATIN.search(text)):
            strict, morph = is_name_word(text, language), _morph_name(text, language)
        else:
            strict = morph = False
        if morph and not strict and run and not _CYRILLIC.search(text):
            if _is_first_name(text) and not any(m for _, _, m in run):
                close_run()  # "porucznika Rosgwardii Rusłana Tagirowa": a first name starts a new name
            else:
                strict = morph = False  # a common word after a name ("Fedotow Asyl"): first names come first
        elif not (strict or morph) and run and run[-1][2] and run[-1][0].i == tok.i - 1 and len(text) > 3 \
                and text[0].isupper() and text.isalpha() and not _dictionary_word(text, language):
            strict = True  # after a first name, a surname the lemma tables only guess at ("Tagirowa")
        if strict or morph:
            if run and (run[-1][0].whitespace_ != " " or run[-1][0].i != tok.i - 1):
                close_run()
            run.append((tok, strict, morph))
            if len(run) == 3:
                close_run()
        else:
            close_run()
    close_run()
    return out
