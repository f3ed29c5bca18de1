"""Compare stage: who is named as the cause of a death or an injury.

:func:`harm_reports` finds every report of killing or injury in an article
(a *harm predicate*: "killed", "were wounded", "died", "lost their lives",
"the deaths of", "death toll", ...) and classifies how the sentence builds it:
with the agent as the subject (``active_agent``), as a passive with the agent
in a by-phrase or as the actor of the cause ("in an Israeli airstrike",
``passive_agent``), as a passive that names nobody (``passive_no_agent``), as
an intransitive ("died", ``intransitive``) or as a noun ("the deaths of",
``nominal``). :func:`agency_shares` turns those rows into shares per outlet
with Wilson intervals.

The rules are a rule-based approximation that looks at one sentence, and
mostly one clause, at a time, with word lists instead of a parser (no parser
model is installed or downloaded). They cannot see:

- coreference: an agent is reported as written, so "It killed 20" gives the
  agent "It" and "an attack that killed 1,200" gives "an attack", not the
  group that launched it;
- agents at a distance: a by-phrase or cause phrase more than
  :data:`AGENT_WINDOW` words after the predicate, or past a comma, "as",
  "when", "after", "according to", ..., is missed, so "were killed when an
  Israeli strike hit their home" is ``passive_no_agent``;
- agents in another sentence, or named only in the headline;
- clause structure: a subject is the phrase between its verb and the
  nearest "said", "that", "after", other verb or clause start, and a
  participle ", killing ..." takes the subject of the nearest clause before
  it that has one, which can be the wrong clause ("pounded the area where
  Hamas fighters were hiding, killing 20" gives "Hamas fighters"); a passive
  host clause gives its by-phrase agent or none;
- a gerund after a preposition is read as a noun, so "accused Israel of
  killing civilians" is ``nominal`` with no agent.

Not counted, for precision: negated and hypothetical harm ("no one was
killed", "threatened to kill", "could die"), political uses ("killed the
deal"), "sentenced to death" and "death penalty", a wound or an injury that
someone died of (the death is counted), and "dead" other than predicative or
as "the dead". Framing words such as "genocide" or "aggression" belong to the
lexicons, not here. ``agent`` is filled for every construction when the
sentence names a cause within reach ("died in an Israeli strike" is
``intransitive`` with agent "Israeli strike"); only for passives does it
decide the construction.
"""

from __future__ import annotations

import bisect
import re

import numpy as np
import pandas as pd

from framing._parallel import map_chunks
from framing._stats import wilson_interval
from framing.corpus import as_corpus
from framing.exceptions import FramingError
from framing.matching import _word_finder
from framing.text import normalize_text, split_sentences
from framing.voice import segment_voice, voice_at

__all__ = ["AGENT_WINDOW", "CONSTRUCTIONS", "HARM_LEMMAS", "REPORT_COLUMNS", "agency_shares", "harm_reports"]

#: The five constructions, in the order :func:`agency_shares` reports them.
CONSTRUCTIONS = ("active_agent", "passive_agent", "passive_no_agent", "intransitive", "nominal")

#: A cheap test, on lower-case text, that a sentence may report harm: every form of every :data:`HARM_LEMMAS`
#: entry, and "toll", begins with one of these, where no letter comes before it. (Matching the lower-case
#: text, not with re.IGNORECASE, is several times faster.)
_HARM_PREFIXES = ("kill", "murder", "slai", "slay", "slew", "slaughter", "massacr", "assassinat", "martyr", "gun",
                  "wound", "injur", "maim", "die", "dying", "perish", "succumb", "dead", "death", "life", "live",
                  "casualt", "fatalit", "hurt", "toll")
HARM_HINT = re.compile(r"(?<![^\W\d_])(?:" + "|".join(_HARM_PREFIXES) + ")")
_HARM_PREFIX_FINDER = _word_finder(_HARM_PREFIXES)

#: Columns of :func:`harm_reports`.
REPORT_COLUMNS = ["article_id", "outlet", "start", "end", "predicate", "lemma", "outcome", "construction", "agent",
                  "voice", "speaker", "sentence_start", "sentence_end", "sentence"]

# Columns of the reports that cannot be a group: the construction itself, positions and the sentence.
_NOT_GROUPS = {"construction", "start", "end", "sentence_start", "sentence_end", "sentence", "speaker"}

#: Words after a passive predicate searched for a by-phrase or a cause phrase.
AGENT_WINDOW = 8

#: Every harm lemma and its outcome. Casualties count as ``killed``: in news
#: copy the word mostly reports deaths, and the rules cannot tell.
HARM_LEMMAS = {
    # verbs
    "kill": "killed", "murder": "killed", "slay": "killed", "slaughter": "killed", "massacre": "killed",
    "assassinate": "killed", "martyr": "killed", "shoot dead": "killed", "gun down": "killed",
    "beat to death": "killed", "stab to death": "killed", "burn to death": "killed", "crush to death": "killed",
    "shoot to death": "killed", "hack to death": "killed", "torture to death": "killed", "stone to death": "killed",
    "claim lives": "killed",
    "wound": "injured", "injure": "injured", "maim": "injured",
    # intransitives
    "die": "killed", "perish": "killed", "lose life": "killed", "succumb": "killed", "dead": "killed",
    "starve to death": "killed", "bleed to death": "killed", "freeze to death": "killed",
    # nouns
    "death": "killed", "death toll": "killed", "killing": "killed", "casualty": "killed", "fatality": "killed",
    "injury": "injured",
}

# -- word lists --------------------------------------------------------------------------------------------------

# Transitive harm verbs: lemma -> (base, third person, past/participle forms, -ing form).
_VERBS = {
    "kill": ("kill", "kills", ("killed",), "killing"),
    "murder": (None, None, ("murdered",), "murdering"),
    "slay": ("slay", "slays", ("slain", "slew"), "slaying"),
    "slaughter": (None, None, ("slaughtered",), "slaughtering"),
    "massacre": (None, None, ("massacred",), "massacring"),
    "assassinate": ("assassinate", "assassinates", ("assassinated",), "assassinating"),
    "martyr": (None, None, ("martyred",), None),
    "wound": (None, "wounds", ("wounded",), "wounding"),
    "injure": ("injure", "injures", ("injured",), "injuring"),
    "maim": ("maim", "maims", ("maimed",), "maiming"),
}
_INTRANSITIVE_FORMS = {"die": "die", "dies": "die", "died": "die", "dying": "die",
                       "perish": "perish", "perishes": "perish", "perished": "perish", "perishing": "perish"}
_NOUN_FORMS = {"death": "death", "deaths": "death", "casualty": "casualty", "casualties": "casualty",
               "fatality": "fatality", "fatalities": "fatality", "massacre": "massacre", "massacres": "massacre",
               "killings": "killing", "murder": "murder", "murders": "murder", "slaughter": "slaughter",
               "martyr": "martyr", "martyrs": "martyr", "injury": "injury", "injuries": "injury"}
# Nouns of a deed, whose possessive or actor adjective is the agent ("Israel's killing", "Hamas massacre");
# on the other nouns it names the victims ("Palestinian deaths").
_AGENTIVE_NOUNS = {"massacre", "killing", "murder", "slaughter"}
_FORMS: dict[str, tuple[str, str]] = {}
for _lemma, (_base, _third, _past, _ing) in _VERBS.items():
    _FORMS.update({form: (_lemma, kind) for form, kind in ((_base, "base"), (_third, "base"), (_ing, "ing")) if form})
    _FORMS.update({form: (_lemma, "ed") for form in _past})
_FORMS.update({form: (lemma, "intransitive") for form, lemma in _INTRANSITIVE_FORMS.items()})
_FORMS.update({form: (lemma, "noun") for form, lemma in _NOUN_FORMS.items()})
_TO_DEATH = {"starved": "starve", "starving": "starve", "bled": "bleed", "froze": "freeze", "frozen": "freeze",
             "beaten": "beat", "stabbed": "stab", "burned": "burn", "burnt": "burn", "crushed": "crush",
             "shot": "shoot", "hacked": "hack", "tortured": "torture", "stoned": "stone"}
_INTRANSITIVE_TO_DEATH = {"starve", "bleed", "freeze"}

_BE = {"is", "are", "was", "were", "be", "been", "being", "am", "get", "gets", "got", "getting", "became", "become"}
_HAVE = {"has", "have", "had", "having"}
_MODALS = {"will", "would", "could", "might", "may", "must", "shall", "should", "can", "cannot"}
_AUXILIARIES = _BE | _HAVE | _MODALS | {"do", "does", "did"}
_NEGATIONS = {"not", "never", "nobody", "none"}
# Words that may stand between an auxiliary and its participle ("were reportedly killed").
_INSERTS = {"reportedly", "allegedly", "also", "all", "mostly", "both", "already", "now", "just", "recently",
            "then", "later", "each", "reported", "confirmed", "believed", "feared", "thought", "known", "presumed",
            "since", "apparently", "subsequently", "eventually", "ultimately", "instantly", "immediately",
            "tragically", "brutally", "fatally", "seriously", "critically", "severely", "lightly", "badly", "to"}
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my",
                "your", "such", "every", "each", "any", "no", "another"}
_PREPOSITIONS = {"in", "on", "at", "by", "for", "from", "with", "without", "during", "after", "before", "since",
                 "amid", "amidst", "among", "under", "over", "across", "near", "into", "onto", "toward", "towards",
                 "through", "throughout", "against", "between", "about", "around", "of", "to", "following",
                 "despite", "inside", "outside", "off", "upon", "within", "via", "behind", "beyond", "along"}
_QUANTITY_WORDS = {"at", "least", "more", "than", "over", "nearly", "almost", "about", "around", "some", "up",
                   "to", "dozens", "hundreds", "thousands", "tens", "scores", "several", "many", "few", "one",
                   "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                   "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "another", "others",
                   "further", "roughly", "approximately", "estimated", "an", "a", "of", "additional", "dozen"}
_VICTIM_NOUNS = {"people", "persons", "civilians", "others", "children", "women", "men", "palestinians",
                 "israelis", "soldiers", "residents", "more", "individuals", "members", "fighters"}
_CLAUSE_STARTERS = {"that", "which", "who", "whom", "whose", "after", "when", "while", "as", "because", "since",
                    "although", "though", "if", "unless", "until", "before", "where", "whereas", "once", "but",
                    "according", "saying"}
_RELATIVES = {"that", "which", "who"}
_LEADING_FILLERS = {"and", "but", "or", "then", "so", "also", "meanwhile", "however", "yet", "thus"}
_IRREGULAR_VERBS = {"said", "says", "say", "told", "struck", "hit", "shot", "began", "begun", "took", "made",
                    "led", "went", "came", "left", "fought", "kept", "sent", "brought", "held", "threw", "drove",
                    "broke", "put", "ran", "saw", "gave", "tore", "blew", "seized", "caught", "won", "lost",
                    "rose", "fell", "stood", "remains", "remain", "continues", "continue", "claims", "insists",
                    "stands", "includes", "include", "reached", "reach", "reaches", "rises", "rise", "opens",
                    "pounds", "bombs", "shells", "keeps", "leave", "leaves", "leaving", "knew", "did", "does"}
_ED_NOT_VERBS = {"armed", "masked", "unidentified", "alleged", "hundred", "red", "bed", "need", "seed", "speed",
                 "shed", "breed", "creed", "feed", "greed", "sacred", "naked", "wicked", "wretched", "rugged",
                 "ragged", "beloved", "crooked", "jagged", "aged", "blessed", "besieged", "occupied", "embattled",
                 "united", "so-called", "unarmed", "displaced", "detained", "war-torn", "disputed", "crowded",
                 "abandoned", "bombed-out", "restricted", "planned", "expected", "estimated", "reported",
                 "confirmed", "revised"}
_NOT_OBJECTS = {"so", "last", "yesterday", "today", "tonight", "overnight", "earlier", "there", "too", "outright",
                "instantly", "immediately", "while", "when", "as", "and", "or", "but", "nor", "since", "this",
                "that", "here", "inside", "alone", "together", "recently", "later", "soon", "early", "late",
                "nearby", "each", "apiece", "according", "including", "whilst", "until", "because", "where",
                "were", "was", "is", "are", "has", "have", "had", "will", "would", "rose", "rises", "stands",
                "stood", "reached", "include", "includes", "included", "mostly", "mainly", "many", "among"}
_NON_HARM_OBJECTS = {"deal", "deals", "bill", "bills", "proposal", "proposals", "plan", "plans", "talks", "hopes",
                     "hope", "idea", "agreement", "motion", "legislation", "measure", "project", "chances",
                     "momentum", "negotiations", "process", "ceasefire", "truce", "initiative", "time", "story",
                     "engine", "lights", "pride", "feelings", "economy", "market", "solution", "accord", "peace"}
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
               "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "week", "month", "year", "morning", "evening", "afternoon", "night",
               "weekend", "day", "days", "weeks", "months", "years"}
_ASPECT_VERBS = {"continue", "continues", "continued", "continuing", "began", "begin", "begun", "started",
                 "start", "starts", "keep", "keeps", "kept", "resumed", "stopped"}
# Words before "killing" that make it a noun ("targeted killing").
_NOUN_MODIFIERS = {"targeted", "mass", "extrajudicial", "deliberate", "indiscriminate", "systematic", "revenge",
                   "honor", "honour", '"'}
_LEFT_VERBS = {"left", "leaving", "leaves", "leave"}
_DEAD_CONTEXT = {"found", "feared", "confirmed", "presumed", "declared", "pronounced", "reported", "lay", "lying",
                 "now", "already", "were", "was", "are", "is", "be", "been", "being", "all"}

_CAUSE_PREPOSITIONS = {"in", "during", "from", "amid", "amidst", "under", "following", "through"}
_CAUSE_NOUNS = {"strike", "strikes", "airstrike", "airstrikes", "attack", "attacks", "raid", "raids", "shelling",
                "shellings", "bombardment", "bombardments", "bombing", "bombings", "fire", "gunfire", "assault",
                "assaults", "offensive", "incursion", "incursions", "shooting", "shootings", "rocket", "rockets",
                "missile", "missiles", "shell", "shells", "bomb", "bombs", "ambush", "operation", "operations",
                "barrage", "onslaught", "violence", "aggression", "massacre", "massacres", "gunshot",
                "gunshots", "drone", "drones", "sniper", "snipers", "crossfire"}
# Participles that pass the search on to their own by-phrase ("an attack carried out by settlers").
_CAUSERS = {"carried", "committed", "perpetrated", "conducted", "launched", "caused", "led", "fired", "staged",
            "ordered", "triggered", "dropped"}
_WINDOW_STOPS = {"according", "said", "says", "while", "when", "as", "after", "which", "who", "that", "but",
                 "because", "since", "until", "before", "where", "whereas", "if", "though", "although"}
_BY_NON_AGENTS = {"then", "now", "far", "contrast", "comparison", "mistake", "accident", "chance", "default",
                  "way", "nightfall", "midnight", "noon", "dawn", "end", "time", "tonight", "tomorrow", "today",
                  "yesterday", "next", "early", "late", "mid", "percent", "itself", "themselves", "himself",
                  "herself", "design", "car", "foot", "phone", "sunset", "sunrise", "some", "estimates",
                  "percent"} | _TIME_WORDS
#: Actors, as they appear before a cause noun ("a Hamas rocket attack", "settler violence") or as a possessive.
_ACTOR_WORDS = {"israel", "israeli", "israelis", "hamas", "hezbollah", "houthi", "houthis", "idf", "iran",
                "iranian", "palestinian", "jihad", "army", "military", "police", "troops", "soldiers", "soldier",
                "settler", "settlers", "militants", "militant", "gunmen", "gunman", "forces", "occupation",
                "regime", "coalition", "rebels", "rebel", "insurgents", "insurgent", "jihadist", "jihadists",
                "terrorist", "terrorists", "navy", "government", "junta", "paramilitary", "paramilitaries",
                "militia", "militias", "enemy", "resistance", "taliban", "isis", "russian", "ukrainian",
                "american", "us", "u.s.", "syrian", "lebanese", "egyptian", "yemeni", "saudi", "iraqi", "turkish",
                "british", "french"}
_DEMONYM_RE = re.compile(r"[A-Z][a-z]+(?:i|ian|ean|ese|ish)$")
_NON_ACTOR_CAPITALS = {word.capitalize() for word in _TIME_WORDS} | {"Khan", "Gaza", "Rafah", "Jenin", "Nuseirat"}

_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}(?:-[^\W_]+)*|\d+(?:[.,]\d+)*|[^\W_]+(?:['-][^\W_]+)*|[^\w\s]")
_NUMBER_RE = re.compile(r"\d[\d,.]*$")
_YEAR_RE = re.compile(r"(?:19|20)\d\d$")
_BREAKS = {",", ";", ":", "(", ")", '"', "[", "]", "-", "?", "!", ".", "/", "|"}


# -- one sentence ------------------------------------------------------------------------------------------------

class _Sentence:
    """The tokens of one normalised sentence and the rules that read them."""

    def __init__(self, text: str, offset: int):
        found = [(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN_RE.finditer(text)]
        self.words = [word for word, _, _ in found]
        self.lower = [word.lower() for word in self.words]
        self.spans = [(start, end) for _, start, end in found]
        self.n = len(found)
        self.reports: list[dict] = []

    # -- token tests --------------------------------------------------------------------------------------------
    def word(self, i: int) -> str:
        return self.lower[i] if 0 <= i < self.n else ""

    def is_break(self, i: int) -> bool:
        return i < 0 or i >= self.n or self.lower[i] in _BREAKS

    def is_quantity(self, i: int) -> bool:
        return bool(_NUMBER_RE.match(self.word(i))) or self.word(i) in _QUANTITY_WORDS

    def is_possessive(self, i: int) -> bool:
        word = self.word(i)
        return word.endswith("'s") and word not in {"it's", "that's", "what's", "there's", "he's", "she's"}

    def is_verb(self, i: int) -> bool:
        """A verb-like token: an auxiliary, a listed verb form or a past form in -ed."""
        word, previous = self.word(i), self.word(i - 1)
        if word in _AUXILIARIES or (word in _IRREGULAR_VERBS and previous not in _DETERMINERS):
            return True
        if word in _FORMS and _FORMS[word][1] in ("base", "ed", "intransitive") and word not in _NOUN_FORMS:
            return previous not in _DETERMINERS
        return (len(word) > 3 and word.endswith("ed") and "-" not in word and word not in _ED_NOT_VERBS
                and self.words[i][0].islower() and previous not in _DETERMINERS | _PREPOSITIONS
                and not previous.endswith("ly") and not self.is_break(i - 1))

    def is_actor(self, i: int) -> bool:
        word, text = self.word(i), self.words[i] if 0 <= i < self.n else ""
        if not word or self.is_break(i):
            return False
        base = word[:-2] if word.endswith("'s") else word
        return (self.is_possessive(i) or base in _ACTOR_WORDS or word.endswith(("-led", "-backed", "-run"))
                or (len(text) > 1 and text.isupper() and text.isalpha())
                or (bool(_DEMONYM_RE.match(text)) and text not in _NON_ACTOR_CAPITALS))

    # -- phrases -------------------------------------------------------------------------------------------------
    def segment_start(self, i: int) -> int:
        """First token of the comma- or colon-delimited stretch that ends at token ``i``."""
        while i > 0 and not self.is_break(i - 1):
            i -= 1
        return i

    def trim(self, first: int, last: int) -> tuple[int, int] | None:
        """Trim a subject: leading fillers off, and cut at its first preposition other than "of"."""
        while first <= last and self.lower[first] in _LEADING_FILLERS:
            first += 1
        for k in range(first + 1, last + 1):
            if self.lower[k] in _PREPOSITIONS - {"of"}:
                last = k - 1
                break
        return (first, last) if first <= last else None

    def noun_phrase_until_verb(self, start: int, stop: int) -> tuple[int, int] | None:
        """Tokens from ``start`` up to the first verb-like token before ``stop``, if a verb ends them."""
        if start >= stop or self.word(start) in _PREPOSITIONS | {"to"}:
            return None
        k = start
        while k < stop and not self.is_break(k) and self.word(k) not in _CLAUSE_STARTERS and not self.is_verb(k):
            k += 1
        if k == start or k >= stop or not self.is_verb(k):
            return None
        return self.trim(start, k - 1)

    def clause_subject(self, low: int, high: int) -> tuple[int, int] | None:
        """Subject of the last clause in tokens ``low..high-1`` that has a subject followed by a verb."""
        starts = [low] + [k + 1 for k in range(low, high) if self.word(k) in _CLAUSE_STARTERS or self.is_verb(k)]
        for start in reversed(starts):
            found = self.noun_phrase_until_verb(start, high)
            if found:
                return found
        if 0 <= low < self.n and self.words[low][:1].isupper():  # "Israel pounds Gaza": a name, then a verb
            k = low
            while k + 1 < high and self.words[k + 1][:1].isupper():
                k += 1
            if k + 1 < high and self.words[k + 1][:1].islower():
                return (low, k)
        return None

    def host_subject(self, comma: int) -> tuple[int, int] | None:
        """Subject of the clause before a participle at ``comma + 1``, looking back over up to three stretches."""
        high = comma
        for _ in range(3):
            if high <= 0:
                return None
            low = self.segment_start(high)
            found = self.clause_subject(low, high)
            if found:
                verb = found[1] + 1
                while verb < high and not self.is_verb(verb):
                    verb += 1
                while verb < high and self.word(verb) in _BE | _HAVE | _INSERTS - {"to"}:
                    verb += 1
                if self.word(verb - 1) in _BE and self.is_verb(verb) and self.word(verb) not in _AUXILIARIES:
                    return self.agent_after(verb)  # a passive host: "Gaza was bombarded by jets, killing 20"
                return found
            high = low - 1
        return None

    def subject_before(self, verb: int) -> tuple[int, int] | None:
        """Subject of a finite verb: its relative pronoun's antecedent, its clause's start, or a shared subject."""
        j = verb - 1
        while j >= 0 and self.word(j) in _HAVE | _INSERTS - {"to"} | {"do", "does", "did"}:
            j -= 1
        if j < 0 or self.is_break(j):
            if self.word(j) != ",":
                return None
            k = 0  # "The strike, which hit a market, killed 17": the sentence's first phrase
            while k < j and not self.is_break(k) and not self.is_verb(k) and self.word(k) not in _CLAUSE_STARTERS:
                k += 1
            return self.trim(0, k - 1) if k > 0 else None
        low = self.segment_start(j)
        if self.word(j) in _RELATIVES:
            k = j - 1 - (self.word(j - 1) == ",")
            first = k
            while (first >= 0 and k - first < 10 and not self.is_break(first) and not self.is_verb(first)
                   and self.word(first) not in _CLAUSE_STARTERS):
                first -= 1
            return self.trim(first + 1, k) if first < k else None
        if self.word(j) in {"and", "or", "then"}:
            return self.clause_subject(low, j)
        start = j
        while start > low and self.word(start - 1) not in _CLAUSE_STARTERS and not self.is_verb(start - 1):
            start -= 1
        return self.trim(start, j)

    def noun_phrase_after(self, i: int, limit: int = 6) -> tuple[int, int] | None:
        """The noun phrase that starts at token ``i`` (an agent after "by"), at most ``limit`` tokens."""
        k = i
        while k < self.n and k - i < limit and not self.is_break(k):
            word = self.lower[k]
            if (word in _PREPOSITIONS - {"of"} or word in _WINDOW_STOPS or word in _AUXILIARIES
                    or (self.is_verb(k) and k > i) or (word == "and" and (self.is_quantity(k + 1)
                                                                          or self.is_verb(k + 1)))):
                break
            k += 1
        while k - 1 >= i and self.lower[k - 1] in {"and", "or", "of"}:
            k -= 1
        return (i, k - 1) if k > i else None

    def cause_phrase(self, i: int) -> tuple[tuple[int, int] | None, int]:
        """After a cause preposition at ``i - 1``: the actor and cause noun, and where the phrase ends."""
        k = i + (self.word(i) in _DETERMINERS)
        for m in range(k, min(k + 5, self.n)):
            if self.is_break(m) or (self.word(m) in _PREPOSITIONS and m > k):
                break
            if self.word(m) in _CAUSE_NOUNS and self.word(m + 1) not in _CAUSE_NOUNS:
                actors = [a for a in range(k, m) if self.is_actor(a)]
                return ((actors[0], m) if actors else None), m
        return None, i

    def agent_after(self, last: int) -> tuple[int, int] | None:
        """A by-phrase, "at the hands of" or an actor's cause phrase within :data:`AGENT_WINDOW` words."""
        j, steps = last + 1, 0
        while j < self.n and steps < AGENT_WINDOW:
            word = self.lower[j]
            if self.is_break(j) or word in _WINDOW_STOPS:
                return None
            if word == "by":
                first = j + 1 + (self.word(j + 1) in _DETERMINERS)
                if self.word(first) in _BY_NON_AGENTS or self.word(first + 1) in _BY_NON_AGENTS - {"some"} or (
                        _YEAR_RE.match(self.word(first))):
                    return None  # "by Tuesday", "by the end of", "by 20 percent", "by 2024"
                return self.noun_phrase_after(j + 1)
            if self.lower[j:j + 4] == ["at", "the", "hands", "of"]:
                return self.noun_phrase_after(j + 4)
            if word in _CAUSE_PREPOSITIONS:
                actor, end = self.cause_phrase(j + 1)
                if actor:
                    return actor
                steps += end - j
                j = end + 1
                continue
            if self.is_verb(j) and word not in _FORMS and word not in _INSERTS:
                if not (word in _CAUSERS and self.word(j + 1) in {"by", "out"}):
                    return None
            j += 1
            steps += 1
        return None

    def agent_before_noun(self, i: int) -> tuple[int, int] | None:
        """A possessive or actor word just before a deed noun ("Israel's killing", "the Hamas massacre")."""
        for k in (i - 1, i - 2):
            if k < 0 or self.is_break(k) or self.word(k) in _DETERMINERS | _PREPOSITIONS:
                return None
            if self.is_actor(k):
                return (k, k)
        return None

    # -- rules ---------------------------------------------------------------------------------------------------
    def auxiliary_chain(self, i: int) -> str:
        """The auxiliaries before token ``i``: "negated", "modal", "be", "have" or "".

        Negation and modality win ("no one was killed", "could have been
        killed", "to kill"), then the nearest auxiliary ("have been killed").
        """
        kind, negated, modal = "", False, False
        j = i - 1
        while j >= 0:
            word = self.lower[j]
            if word in _NEGATIONS or word.endswith("n't") or word == "cannot":
                negated = True
            elif word in _MODALS:
                modal = True
            elif word == "to":
                modal = modal or (j == i - 1 and self.word(j - 1) not in _ASPECT_VERBS)
            elif word in _BE or word in _HAVE:
                kind = kind or ("be" if word in _BE else "have")
            elif word not in _INSERTS and word not in {"do", "does", "did"}:
                break
            j -= 1
        k = j  # a negative subject: "No one was killed", "No Israeli soldiers were wounded"
        while k >= 0 and j - k < 4 and not self.is_break(k) and self.word(k) not in _CLAUSE_STARTERS:
            negated = negated or self.word(k) in {"no", "nobody", "none", "neither"}
            k -= 1
        return "negated" if negated else "modal" if modal else kind

    def coordinated(self, i: int) -> dict | None:
        """The harm report this one is coordinated with ("killed and 78,018 injured"), if any."""
        j, skipped = i - 1, 0
        while j >= 0 and skipped < 5 and (self.is_quantity(j) or self.word(j) in _VICTIM_NOUNS):
            j, skipped = j - 1, skipped + 1
        if self.word(j) not in {"and", "or", ","}:
            return None
        j, skipped = j - 1, 0
        while j >= 0 and skipped < 5 and (self.is_quantity(j) or self.word(j) in _VICTIM_NOUNS):
            j, skipped = j - 1, skipped + 1
        for report in reversed(self.reports):
            if report["last"] == j:
                return report
        return None

    def has_object(self, i: int) -> bool:
        """Whether token ``i`` starts a direct object ("killed 38 people", "killed him")."""
        while self.word(i) in {"and", "or", ","} and self.word(i + 1) in _FORMS:  # "killed and wounded 20"
            i += 2
        word = self.word(i)
        if not word or self.is_break(i) or word in _NOT_OBJECTS or word in _NON_HARM_OBJECTS:
            return False
        if word in _PREPOSITIONS - _QUANTITY_WORDS or self.is_verb(i) or word in _TIME_WORDS:
            return False
        if word in _DETERMINERS and self.word(i + 1) in _TIME_WORDS | _NON_HARM_OBJECTS:
            return False
        return True

    def classify(self, first: int, last: int, lemma: str, kind: str) -> tuple[str, tuple | None] | None:
        """Construction and agent span of one harm predicate, or None when it is not a report of harm."""
        word, previous = self.lower[first], self.word(first - 1)
        if kind == "noun":
            agent = self.agent_before_noun(first) if lemma in _AGENTIVE_NOUNS else None
            return "nominal", agent or self.agent_after(last)
        auxiliary = self.auxiliary_chain(first)
        if auxiliary in ("negated", "modal"):
            return None
        if kind == "intransitive":
            return "intransitive", self.agent_after(last)
        if kind == "claim":
            kind = "ing" if word.endswith("ing") else "base"
        if kind == "base":
            if word == "wounds" and not self.is_quantity(first + 1):
                return None
            if self.word(last + 1) in _NON_HARM_OBJECTS or self.word(last + 2) in _NON_HARM_OBJECTS:
                return None
            return "active_agent", self.subject_before(first)
        if kind == "ing":
            return self.classify_ing(first, last, lemma)
        # past forms and participles
        if word == "slew":
            return (None if self.word(first + 1) == "of" else ("active_agent", self.subject_before(first)))
        if previous in {"the", "a", "an", "their", "his", "her", "its", "our"}:
            return "nominal", self.agent_after(last)
        if self.word(last + 1) in _NON_HARM_OBJECTS or self.word(last + 2) in _NON_HARM_OBJECTS:
            return None
        if auxiliary == "be":
            return self.passive(last)
        if auxiliary == "have":
            return "active_agent", self.subject_before(first)
        partner = self.coordinated(first)
        if partner is not None and partner["construction"] != "intransitive":
            if partner["construction"] == "active_agent":
                return "active_agent", partner["agent"]
            if partner["construction"] == "nominal":
                return "nominal", self.agent_after(last)
            return self.passive(last)
        governor = self.left_governor(first)
        if governor is not None:
            return "active_agent", self.subject_before(governor)
        if self.has_object(last + 1):
            return "active_agent", self.subject_before(first)
        return self.passive(last)

    def passive(self, last: int) -> tuple[str, tuple | None]:
        agent = self.agent_after(last)
        return ("passive_agent" if agent else "passive_no_agent"), agent

    def left_governor(self, i: int) -> int | None:
        """Index of "left"/"leaving" in "left 20 people dead/wounded", if it governs token ``i``."""
        j = i - 1
        while j >= 0 and i - j <= 6 and (self.is_quantity(j) or self.word(j) in _VICTIM_NOUNS):
            j -= 1
        return j if j < i - 1 and self.word(j) in _LEFT_VERBS else None

    def classify_ing(self, first: int, last: int, lemma: str) -> tuple[str, tuple | None]:
        previous = self.word(first - 1)
        as_noun = ((self.word(last + 1) == "of" and lemma != "claim lives")  # "the killing of"
                   or previous in _DETERMINERS | _NOUN_MODIFIERS or self.is_possessive(first - 1)
                   or previous in _PREPOSITIONS - {"after", "before", "since", "by"}  # "accused Israel of killing"
                   or first == 0)  # a gerund subject: "Killing civilians is a war crime"
        if as_noun:
            agent = self.agent_before_noun(first) if lemma in {"kill", "murder", "slaughter", "massacre"} else None
            return "nominal", agent or self.agent_after(last)
        partner = self.coordinated(first)
        if partner is not None and partner["construction"] == "active_agent":
            return "active_agent", partner["agent"]
        if previous == ",":
            return "active_agent", self.host_subject(first - 1)
        if previous in _BE or previous in _ASPECT_VERBS:
            return "active_agent", self.subject_before(first - 1)
        return "active_agent", self.clause_subject(self.segment_start(first), first)

    # -- finding predicates -------------------------------------------------------------------------------------
    def match(self, i: int) -> tuple[int, str, str] | None:
        """The harm predicate starting at token ``i``: (last token, lemma, kind), or None."""
        word, following = self.lower[i], self.word(i + 1)
        if word in {"lose", "loses", "lost", "losing"}:
            k = i + 1 + (following in {"their", "his", "her", "its", "our", "my", "your"})
            if self.word(k) in {"life", "lives"}:
                return k, "lose life", "intransitive"
        if word in {"claim", "claims", "claimed", "claiming"}:
            k = i + 1 + (following == "the")
            if self.word(k) == "lives":
                return k, "claim lives", "claim"
        if word == "shot" and following == "dead":
            return i + 1, "shoot dead", "ed"
        if word == "gunned" and following == "down":
            return i + 1, "gun down", "ed"
        if word in _TO_DEATH and following == "to" and self.word(i + 2) == "death":
            base = _TO_DEATH[word]
            return i + 2, f"{base} to death", "intransitive" if base in _INTRANSITIVE_TO_DEATH else "ed"
        if word in {"succumbed", "succumbs", "succumbing"} and {"wounds", "injuries"} & set(self.lower[i + 1:i + 5]):
            return i, "succumb", "intransitive"
        if word == "death" and following in {"toll", "tolls"}:
            return i + 1, "death toll", "noun"
        if word == "dead":
            return self.match_dead(i)
        if word not in _FORMS:
            return None
        lemma, kind = _FORMS[word]
        if lemma == "death" and (following in {"penalty", "penalties", "sentence", "sentences", "row", "threat",
                                               "threats", "squad", "squads", "knell", "wish", "trap"}
                                 or self.lower[max(i - 2, 0):i] in (["sentenced", "to"], ["condemned", "to"])):
            return None
        if lemma in {"injury", "wound"} and kind == "noun" and any(
                report["lemma"] in {"die", "succumb"} and i - report["last"] <= 4 for report in self.reports):
            return None  # "died of his injuries": the death is the report
        return i, lemma, kind

    def match_dead(self, i: int) -> tuple[int, str, str] | None:
        previous = self.word(i - 1)
        if previous in {"the"}:
            return i, "dead", "noun"
        if previous in _LEFT_VERBS or self.left_governor(i) is not None:
            return i, "dead", "ed"
        if previous in _DEAD_CONTEXT or self.is_quantity(i - 1) or self.word(i - 1) in _VICTIM_NOUNS and (
                self.is_quantity(i - 2)):
            if self.word(i - 2) in _NON_HARM_OBJECTS:
                return None
            return i, "dead", "intransitive"
        return None

    def read(self) -> list[dict]:
        i = 0
        while i < self.n:
            found = self.match(i)
            if found is None:
                i += 1
                continue
            last, lemma, kind = found
            result = self.classify(i, last, lemma, kind)
            if result is not None:
                construction, agent = result
                if kind == "ing" and construction == "nominal" and lemma == "kill":
                    lemma = "killing"  # "the killing of", like "killings"
                self.reports.append({"first": i, "last": last, "lemma": lemma, "construction": construction,
                                     "agent": agent})
            i = last + 1
        return self.reports


def harm_sentences(text: str):
    """The normalised text, the sentences that may report harm and the harm words, or None when ``text`` has no
    harm word (see :data:`HARM_HINT`).

    Only the lines with a harm word are split into sentences, each with the
    sentence before it (where a casualty figure may find its source): every
    report and figure lies in a sentence with a harm word, and the readers
    skip the sentences without one (:func:`may_report_harm`). Harm reports
    and casualty figures both read these; computing them once per article
    spares the second sentence split, the costliest step of both.
    """
    normalized = normalize_text(text)
    hints = _harm_hints(normalized.lower)
    if not hints:
        return None  # no harm word at all: no sentence split (most articles of a general corpus)
    return normalized, split_sentences(normalized.text, near=[start for start, _ in hints]), hints


def _harm_hints(lower: str) -> list[tuple[int, int]]:
    """The spans of ``HARM_HINT.finditer(lower)``, found faster in a long text.

    A hint is a prefix that no letter comes before, so it starts where an
    Aho-Corasick search for the prefixes finds one (leftmost-longest: a hit
    covers letters only, so it hides no place that no letter comes before);
    the regex checks each such place.
    """
    if _HARM_PREFIX_FINDER is None:
        return [hint.span() for hint in HARM_HINT.finditer(lower)]
    return [hint.span() for _, start, _ in _HARM_PREFIX_FINDER(lower) if (hint := HARM_HINT.match(lower, start))]


def may_report_harm(hints: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """Whether the sentence at ``span`` of a normalised text holds a harm word: ``HARM_HINT.search(lower, *span)``,
    from the text's :func:`_harm_hints`.

    Hints do not overlap (each starts where no letter comes before, and is
    letters only), so they end in the order they start; and no prefix of
    :data:`HARM_HINT` is the start of another, so a hint matches whole or not
    at all before the span's end. The first hint at or after the span's start
    answers.
    """
    index = bisect.bisect_left(hints, (span[0],))
    return index < len(hints) and hints[index][1] <= span[1]


def article_reports(article, normalized, sentence_spans, hints) -> list[tuple]:
    """The report rows of one article (see :data:`REPORT_COLUMNS`), from its :func:`harm_sentences`."""
    rows, spans = [], None
    for sentence_span in sentence_spans:
        if not may_report_harm(hints, sentence_span):
            continue
        sentence = _Sentence(normalized.text[sentence_span[0]:sentence_span[1]], sentence_span[0])
        reports = sentence.read()
        if not reports:
            continue
        sentence_start, sentence_end = normalized.original_span(*sentence_span)
        spans = segment_voice(article.text) if spans is None else spans  # once per article, when needed
        for report in reports:
            start, end = normalized.original_span(sentence.spans[report["first"]][0],
                                                  sentence.spans[report["last"]][1])
            agent = ""
            if report["agent"] is not None:
                agent_start, agent_end = normalized.original_span(sentence.spans[report["agent"][0]][0],
                                                                  sentence.spans[report["agent"][1]][1])
                agent = article.text[agent_start:agent_end]
            voice = voice_at(spans, [start])[0]
            rows.append((article.id, article.outlet, start, end, article.text[start:end], report["lemma"],
                         HARM_LEMMAS[report["lemma"]], report["construction"], agent, voice.voice, voice.speaker,
                         min(sentence_start, start), max(sentence_end, end),
                         article.text[min(sentence_start, start):max(sentence_end, end)]))
    return rows


def _reports_of(articles: list) -> list[tuple]:
    """The report rows of some articles (see :data:`REPORT_COLUMNS`); runs in a worker or in-process."""
    return [row for article in articles if (sentences := harm_sentences(article.text)) is not None
            for row in article_reports(article, *sentences)]


def reports_frame(rows: list[tuple]) -> pd.DataFrame:
    """The :func:`harm_reports` table of some report rows."""
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64", "sentence_start": "int64", "sentence_end": "int64"})


# -- public functions --------------------------------------------------------------------------------------------

def harm_reports(corpus, *, n_jobs=None, progress: bool | None = None) -> pd.DataFrame:
    """Every report of a killing or an injury, with its construction and agent.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    n_jobs : int, optional
        Worker processes (see :func:`framing.count_terms`); the table is the
        same whatever it is.
    progress : bool, optional
        A progress bar on interactive output (None), never (False).

    Returns
    -------
    pandas.DataFrame
        One row per harm predicate, in article and text order, with columns
        :data:`REPORT_COLUMNS`: ``article_id, outlet, start, end, predicate,
        lemma, outcome, construction, agent, voice, speaker, sentence_start,
        sentence_end, sentence``. ``start`` and ``end`` index the displayed text
        (``article.text[start:end]`` is ``predicate``); ``lemma`` is a key of
        :data:`HARM_LEMMAS`; ``outcome`` is ``"killed"`` or ``"injured"``;
        ``construction`` is one of :data:`CONSTRUCTIONS`; ``agent`` is the
        agent as written in the text, ``""`` when none is named within reach;
        ``voice`` and ``speaker`` say who reports the harm (see
        :func:`framing.voice.segment_voice`).

    See Also
    --------
    agency_shares : the constructions as shares per outlet.

    Examples
    --------
    >>> from framing import Article
    >>> reports = harm_reports([Article("a", "Israeli strikes killed 38 people. 12 people were killed.")])
    >>> reports[["predicate", "construction", "agent"]].values.tolist()
    [['killed', 'active_agent', 'Israeli strikes'], ['killed', 'passive_no_agent', '']]
    """
    corpus = as_corpus(corpus)
    rows = [row for _, chunk_rows in map_chunks(_reports_of, list(corpus), n_jobs=n_jobs, progress=progress,
                                                  description="harm reports") for row in chunk_rows]
    return reports_frame(rows)


def agency_shares(reports: pd.DataFrame, *, by: str = "outlet", confidence: float = 0.95) -> pd.DataFrame:
    """Share of each construction among a group's harm reports, with Wilson intervals.

    Parameters
    ----------
    reports : pandas.DataFrame
        The output of :func:`harm_reports`, possibly filtered (for example to
        ``outcome == "killed"``) or with extra columns merged in.
    by : str, default="outlet"
        The column of ``reports`` to group by, such as ``"outlet"``,
        ``"article_id"`` or ``"outcome"``.
    confidence : float, default=0.95
        Coverage of the Wilson score interval.

    Returns
    -------
    pandas.DataFrame
        One row per group and construction, every construction of
        :data:`CONSTRUCTIONS` in that order, zeros included: ``<by>,
        construction, count, n_reports, share, ci_low, ci_high``. ``n_reports``
        is the group's number of harm reports, the denominator of ``share``.
        Groups are sorted.

    Raises
    ------
    FramingError
        If ``reports`` has no ``construction`` column or no column ``by``, or
        ``confidence`` is not between 0 and 1.

    See Also
    --------
    harm_reports : the reports counted here.

    Examples
    --------
    >>> reports = pd.DataFrame({"outlet": ["A", "A", "B"],
    ...                         "construction": ["active_agent", "nominal", "nominal"]})
    >>> table = agency_shares(reports)
    >>> table[table["construction"] == "nominal"][["outlet", "count", "n_reports", "share"]].values.tolist()
    [['A', 1, 2, 0.5], ['B', 1, 1, 1.0]]
    """
    if not isinstance(reports, pd.DataFrame) or "construction" not in reports.columns:
        raise FramingError(f"reports must be the table returned by harm_reports, with a 'construction' column; got "
                           f"{type(reports).__name__}" + (f" with columns {', '.join(map(str, reports.columns))}"
                                                          if isinstance(reports, pd.DataFrame) else ""))
    allowed = [str(column) for column in reports.columns if column not in _NOT_GROUPS]
    if by not in allowed:
        raise FramingError(f"cannot group reports by {by!r}: no such column; use one of: {', '.join(allowed)}")
    if not isinstance(confidence, (float, int)) or not 0 < confidence < 1:
        raise FramingError(f"confidence must be a number between 0 and 1 (exclusive), got {confidence!r}; "
                           "use for example 0.95")
    unknown = sorted(set(reports["construction"]) - set(CONSTRUCTIONS))
    if unknown:
        raise FramingError(f"reports have unknown constructions {', '.join(map(repr, unknown))}; "
                           f"expected only {', '.join(CONSTRUCTIONS)}")
    columns = [by, "construction", "count", "n_reports", "share", "ci_low", "ci_high"]
    if reports.empty:
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in zip(
            columns, [reports[by].dtype, object, "int64", "int64", float, float, float])})
    groups = pd.DataFrame({by: sorted(reports[by].unique())})
    grid = groups.merge(pd.DataFrame({"construction": list(CONSTRUCTIONS)}), how="cross")
    counts = reports.groupby([by, "construction"]).size().rename("count").reset_index()
    table = grid.merge(counts, on=[by, "construction"], how="left")
    table["count"] = table["count"].fillna(0).astype("int64")
    table["n_reports"] = table.groupby(by)["count"].transform("sum").astype("int64")
    table["share"] = table["count"] / table["n_reports"].where(table["n_reports"] > 0)
    low, high = wilson_interval(table["count"].to_numpy(), table["n_reports"].to_numpy(), confidence)
    table["ci_low"], table["ci_high"] = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return table[columns].reset_index(drop=True)
