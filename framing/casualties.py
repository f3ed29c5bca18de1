"""Compare stage: casualty figures (people killed or injured) and who each figure comes from.

:func:`casualty_figures` finds every number of people killed or injured with
hand-written rules on the normalised text, sentence by sentence, and
:func:`casualty_sources` summarises whom the figures are attributed to, per
outlet or any other group, with Wilson intervals.

What the rules can see
    - a number (``58,000``, ``1.2 million``, ``nine``, ``a dozen``, or a vague
      ``dozens``, ``hundreds``, ``tens of thousands``), with a bound before it
      (``at least``, ``more than``, :data:`BOUNDS`);
    - its outcome, in one of five shapes: an active verb (``killing over 58,000
      Palestinians``, ``the deaths of 12 people``), a passive or bare participle
      (``38 people were killed``, ``34,683 killed, 78,018 injured``), a noun
      (``45,500 Palestinian deaths``), a toll (``the death toll has risen to
      40,005``) and a part of a figure (``..., including 12 children``);
    - its attribution in the same sentence, before (``According to X, ...``,
      ``X says 38 ...``) or after (``..., according to X``, ``..., X said``),
      the nearest preceding one winning, and never across ``;``, a spaced dash
      or ``, while``/``, but``;
    - one sentence back, and only in two cases: the previous sentence ends with
      a colon (``The ministry said:`` above a list), or the source is a pronoun
      (``It said ...``), whose type is then taken from the previous sentence's
      named source (the source itself stays as written);
    - a qualifier of the source (``Hamas-run``, ``run by Hamas``, ``which does
      not distinguish between civilians and combatants``) inside the source
      phrase or a ``, which ...`` clause right after it;
    - a hedge: the attributing phrase (``according to``, ``said``, ``claims``)
      or a hedge inside the figure (``reportedly``, ``were reported killed``,
      ``an estimated``). Factive verbs (``confirmed``, ``shows``, ``recorded``)
      attribute a figure without hedging it.

What the rules cannot see
    - coreference beyond one sentence ("the ministry" introduced three
      sentences earlier), figures split over sentences, tables and lists;
    - combined or ambiguous outcomes, which are left out on purpose:
      ``casualties``, ``the casualty toll``, ``killed or wounded``,
      ``killing and wounding 30``;
    - the subject of a participle ("Israel rejected the figures, saying it
      had killed 17,000"): the figure is found but left unattributed;
    - quantities that are not numbers (``several``, ``many``, ``a number
      of``), and numbers of hostages, prisoners, bodies, displaced people or
      lives "at risk", which are not casualties;
    - whether a figure is the outlet's own claim or quoted speech, and
      qualifiers in another sentence (``The figures cannot be verified.``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from framing._parallel import map_chunks
from framing._stats import wilson_interval
from framing.agency import article_reports, harm_sentences, may_report_harm, reports_frame
from framing.corpus import as_corpus
from framing.exceptions import FramingError
from framing.voice import segment_voice, voice_at

__all__ = [
    "BOUNDS",
    "FIGURE_COLUMNS",
    "SOURCE_CUES",
    "SOURCE_SUMMARY_COLUMNS",
    "SOURCE_TYPES",
    "casualty_figures",
    "casualty_sources",
    "reports_and_figures",
]

#: Who a figure is attributed to, in the order of :func:`casualty_sources`.
SOURCE_TYPES = ("health_ministry", "palestinian_official", "israeli_official", "un_or_ngo", "media_tally",
                "other", "unattributed")

#: Columns of :func:`casualty_figures`.
FIGURE_COLUMNS = ["article_id", "outlet", "start", "end", "number_text", "number", "bound", "outcome", "population",
                  "source", "source_type", "source_qualifier", "hedged", "hedge", "voice", "speaker", "sentence_start",
                  "sentence_end", "sentence"]

#: Columns of :func:`casualty_sources`, after the group column.
SOURCE_SUMMARY_COLUMNS = ["source_type", "n_figures", "n_total", "share", "ci_low", "ci_high", "n_hedged",
                          "n_qualified"]

#: Bounds recognised just before a number, reported in lower case.
BOUNDS = ("at least", "more than", "over", "nearly", "about", "up to", "almost", "around", "roughly",
          "approximately", "some", "close to", "fewer than", "less than", "at most", "upwards of",
          "in excess of", "as many as")

#: Cues of each source type, as regular expressions searched in the source
#: phrase. All-capital cues (acronyms) are case-sensitive, the others are not.
#: A health-ministry cue wins outright (the ministry is often "Hamas-run");
#: otherwise the cue that starts first in the source wins, the longer one at
#: the same place ("Israeli media" beats "Israeli"). Only when the head of the
#: phrase has no cue is its basis consulted ("figures based on UN data").
#: A bare "the ministry" counts as the health ministry and a bare "the army"
#: or "the military" as Israel's, their usual referents in Israel-Gaza copy.
SOURCE_CUES = {
    "health_ministry": (r"health ministry", r"ministry of health", r"health authorit(?:y|ies)",
                        r"health officials?", r"health department", r"\A(?:the\s+)?ministry\b"),
    "palestinian_official": (r"Hamas", r"Islamic Jihad", r"Palestinian Authority", "PA",
                             r"Palestinian (?:officials?|authorities|government|leaders?|sources|factions|"
                             r"resistance|presidency|prime minister)",
                             r"civil defen[cs]e", "WAFA", r"(?:government )?media office", r"Gaza (?:authorities|"
                             r"officials?|government)", r"(?:authorities|officials) in Gaza", r"(?:al-)?Qassam"),
    "israeli_official": ("IDF", r"Israel Defen[cs]e Forces", r"Israeli (?:military|army|forces|officials?|"
                         r"government|authorities|statistics|figures|data|tall(?:y|ies)|police)",
                         r"official Israeli", r"Israel's (?:prime minister|military|army|government)",
                         r"prime minister's office", r"Netanyahu", "COGAT", r"Shin Bet", r"Israel(?:i|'s)?",
                         r"\A(?:the\s+)?(?:military|army)\b"),
    "un_or_ngo": ("UN", r"U\.N\.", r"United Nations", "OCHA", "UNRWA", "WHO", r"World Health Organi[sz]ation",
                  "UNICEF", "UNHCR", "OHCHR", "WFP", r"World Food Programme", r"Red Cross", "ICRC",
                  r"Red Crescent", r"Save the Children", r"Amnesty", r"Human Rights Watch", "HRW", "MSF",
                  r"Doctors Without Borders", r"M[eé]decins Sans Fronti[eè]res", r"Oxfam", r"B'Tselem",
                  r"Airwars", "ACLED", r"Euro-Med(?:iterranean)?", r"(?:aid|rights|humanitarian) (?:agencies|groups)"),
    "media_tally": (r"tall(?:y|ies)", r"(?:a |own )count\b", r"count by", "Reuters", "AFP", r"Agence France-Presse",
                    "AP", r"Associated Press", r"Al Jazeera", r"Al Mayadeen", "BBC", "CNN", r"Haaretz",
                    r"Times of Israel", r"Jerusalem Post", r"Xinhua", r"Anadolu", r"New York Times",
                    r"Washington Post", r"Guardian", "NDMT", r"news agency", r"(?:Israeli |Palestinian |Arab |state )?"
                    r"media", r"newspaper", r"broadcaster", r"Channel 1[0-9]", r"Kan TV"),
}

# --- numbers ---------------------------------------------------------------------------------------------------

_UNITS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split()) if value}
_TENS = {word: 10 * value for value, word in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if value >= 2}
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE = ("tens of thousands", "hundreds of thousands", "dozens", "scores", "hundreds", "thousands", "tens")

_WORD_NUMBER = (r"(?:(?:" + "|".join(_TENS) + r")(?:-(?:" + "|".join(list(_UNITS)[:9]) + r"))?|"
                + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")")
_SCALE = r"(?:\s+(?:" + "|".join(_SCALES) + r"))"
_NUMBER = (r"(?P<num>(?<![\w$£€#.,/:-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?" + _SCALE
           + r"?(?![\w%])(?!,\d|\.\d|:\d|-\w)|(?<![\w'-])" + _WORD_NUMBER + _SCALE + r"?(?![\w'-])"
           r"|\ba\s+(?:dozen|hundred|thousand)\b(?!-)"
           r"|\b(?:tens|hundreds)\s+of\s+thousands\b|\b(?:dozens|scores|hundreds|thousands)\b(?!-))")
_BOUND = r"(?:(?P<bound>" + "|".join(b.replace(" ", r"\s+") for b in BOUNDS) + r")\s+)?"
_PRE = r"(?:(?P<pre>another|a\s+further|an\s+additional|a\s+total\s+of|an\s+estimated|the|all)\s+)?"
_NUMBER_BLOCK = _PRE + _BOUND + _NUMBER

_HEADS = (r"people|persons?|individuals?|Palestinians?|Israelis?|Gazans?|Lebanese|Syrians?|Americans?|Britons?|"
          r"foreigners?|nationals?|citizens?|civilians?|children|child|kids?|babies|baby|infants?|minors?|"
          r"teenagers?|boys?|girls?|women|woman|men|man|soldiers?|troops?|servicemen|reservists?|officers?|"
          r"policemen|militants?|fighters?|gunmen|terrorists?|combatants?|operatives?|members?|commanders?|"
          r"journalists?|reporters?|photographers?|workers?|staff(?:ers)?|employees?|medics?|paramedics?|"
          r"doctors?|nurses?|rescuers?|residents?|refugees?|patients?|students?|pupils?|worshippers?|hostages?|"
          r"captives?|prisoners?|detainees?|protesters?|demonstrators?|settlers?|others|victims?|passengers?|"
          r"relatives?|martyrs?")
_MODIFIER = (r"(?!(?:and|or|but|were|was|are|is|have|has|had|been|who|that|which|in|on|at|of|by|the|a|an|to|from|"
             r"with|as|killed|wounded|injured|dead|died|hurt|since|during|after|before|for)\b)[^\W\d_][\w'-]*")
_POPULATION = r"(?P<pop>(?:" + _MODIFIER + r"\s+){0,3}(?:" + _HEADS + r"))\b"
_COMBINED = r"(?!\s+(?:and|or)\s+(?:killed|wounded|injured|hurt|maimed|dead)\b)"

_PATTERNS = {
    # "38 people were killed", "34,683 people, mostly women and children, have been killed", "78,018 injured"
    "participle": (_NUMBER_BLOCK + r"(?:\s+more)?(?:\s+(?:of\s+)?" + _POPULATION
                   + r")?(?P<appositive>\s*,[^,;.()]{1,80},)?"
                   r"(?P<aux>(?:\s+(?:have|has|had|were|was|are|is|been|being|be|reportedly|allegedly|reported|"
                   r"believed|feared|confirmed|also|all|now|so\s+far|already|later|subsequently|since|who|that|"
                   r"to\s+have|said\s+to\s+have|seriously|critically|severely|gravely|lightly|moderately|slightly|"
                   r"mortally|fatally))*)\s+(?P<outcome>killed|dead|died|wounded|injured|hurt|slain|martyred|murdered|"
                   r"perished|lost\s+their\s+lives|shot\s+dead|shot\s+and\s+(?:killed|wounded|injured)|"
                   r"(?:shot|stabbed|beaten|burned|crushed)\s+to\s+death)\b" + _COMBINED),
    # "killing over 58,000 Palestinians", "claimed the lives of 12", "the deaths of 12 people"
    "verb": (r"(?<![\w-])(?P<verb>kill(?:s|ed|ing)?|wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)|massacr(?:e|es|ed|ing)|"
             r"slaughter(?:s|ed|ing)?|murder(?:s|ed|ing)?|(?:claim(?:s|ed|ing)?|cost(?:s|ing)?|t(?:ake|akes|ook|"
             r"aken|aking))\s+the\s+lives\s+of|(?:killings?|deaths?|murders?|massacre|slaying)\s+of)\s+"
             + _NUMBER_BLOCK + r"(?:\s+(?:of\s+)?" + _POPULATION + r")?"),
    # "45,500 Palestinian deaths", "78,018 injuries"
    "noun": (_NUMBER_BLOCK + r"(?:\s+(?:new|more|additional|further|confirmed|recorded|reported|total))?"
             r"(?:\s+(?P<pop>(?-i:[A-Z][\w'-]*)(?:\s+(?-i:[A-Z][\w'-]*))?|civilian|child|combatant|military))?"
             r"\s+(?P<noun>deaths|fatalities|injuries|martyrs)\b"),
    # "the death toll has risen to 40,005", "bringing the toll to 37,000", "the number of injured reached 78,018"
    "toll": (r"\b(?P<toll>death\s+toll|fatality\s+toll|injury\s+toll|(?<!casualty\s)(?<!casualties\s)toll|number\s+of"
             r"\s+(?:people\s+|Palestinians\s+|those\s+)?(?:dead|deaths|killed|fatalities|martyrs|injured|wounded|"
             r"injuries))(?:\s+(?:in|from|of|among|on|since|across|for)\s+[^,;.]{1,60}?)?(?:\s+(?:has|had|have|now|"
             r"so\s+far|officially|also|reportedly|already))*\s+(?:(?:rises?|rose|risen|climb(?:s|ed)?|reach(?:es|ed)?|"
             r"stands?|stood|is|was|hits?|pass(?:es|ed)?|surpass(?:es|ed)?|exceed(?:s|ed)?|tops?|topped|jump(?:s|ed)?|"
             r"increas(?:es|ed)|grew|grown|grows|mount(?:s|ed)|cross(?:es|ed)?|soar(?:s|ed)|near(?:s|ed))"
             r"(?:\s+(?:to|at))?|to|at|of)\s+" + _NUMBER_BLOCK
             + r"(?:\s+(?:of\s+)?" + _POPULATION + r")?"),
    # ", including 12 children" after a figure (a part of it), or "and 200 soldiers" right after it (more of the
    # same); both take the outcome of that figure
    "part": (r"(?:\b(?:including|among\s+them|among\s+whom)|(?P<coordinated>,?\s+and))\s+" + _NUMBER_BLOCK
             + r"\s+(?:of\s+)?" + _POPULATION + r"(?!\s+(?:were|was|are|is|have|has|had|been|remain\w*|still|"
             r"taken|held|abducted|kidnapped|captured|freed|released)\b)"),
}
_FIGURE_RES = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _PATTERNS.items()}
_NUMBER_AHEAD = re.compile(r"\s+" + _NUMBER_BLOCK, re.IGNORECASE)
# Numbers alone, found first; the patterns that start with a number are then tried only just before each one.
_NUMBER_RE = re.compile(r"(?<!\w)(?=[\dadefhnost])(?:" + _NUMBER + ")", re.IGNORECASE)  # the prefix only speeds it up
_NUMBER_FIRST = ("participle", "noun")
_LOOK_BACK = 40  # characters before a number where a bound or "an estimated" may start

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_BEFORE = re.compile(r"\b(?:" + _MONTHS + r")\.?\s+$", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"\s+(?:" + _MONTHS + r")\b", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|per\s*cent|percent|km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|foot|years?|months?|weeks?|"
    r"days?|hours?|minutes?|seconds?|times|dollars|shekels|euros|pounds|tons|tonnes|kg|a\.m\.|p\.m\.|am|pm|gmt|"
    r"trucks|lorries)\b", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged?|age\s+of|no\.|number|page|route|resolution)\s+$", re.IGNORECASE)

# --- attribution -----------------------------------------------------------------------------------------------

_HEDGE_VERBS = ("said", "says", "say", "saying", "claimed", "claims", "claim", "claiming", "reported", "reports",
                "report", "stated", "states", "announced", "announces", "estimated", "estimates", "estimate",
                "alleged", "alleges", "told", "added", "adds", "noted", "notes", "insisted", "insists",
                "asserted", "asserts", "put", "puts")
_FACTIVE_VERBS = ("confirmed", "confirms", "confirm", "showed", "shows", "show", "recorded", "records",
                  "documented", "documents", "counted", "counts", "registered", "registers", "verified", "found",
                  "finds")
_VERBS = [verb for verb in _HEDGE_VERBS + _FACTIVE_VERBS if verb not in ("put", "puts")]
_VERB_RE = re.compile(r"(?<!\w)(?=[" + "".join(sorted({verb[0] for verb in _VERBS} | {"p"})) + r"])(?:"
                      + "|".join(_VERBS) + r"|puts?(?=\s+the\s+(?:death\s+|injury\s+)?toll))\b", re.IGNORECASE)
_ACCORDING_RE = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)
_BY_COUNT_RE = re.compile(r"\bby\s+(?P<src>(?:[\w'.-]+\s+){0,6}?(?:count|counts|tally|tallies|estimates?|figures|"
                          r"reckoning))\b", re.IGNORECASE)
_PHRASE_END = re.compile(r"[,;:.!?\"()\[\]]|\s-\s|\s+(?:and|but|while|which|who|whereas)\s", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[,;:\"]|\s-\s|\b(?:that|while|but|whereas|as|after|when|because|although)\s",
                           re.IGNORECASE)
_HARD_BREAK = re.compile(r";|\s-\s|,\s*(?:while|but|whereas|although|though|even\s+as|as)\b|\bwhile\b|\bwhereas\b",
                         re.IGNORECASE)
_LEADING_WORDS = re.compile(r"(?:(?:and|but|meanwhile|however|earlier|later|also|then|separately|so|now)\b,?\s*)+",
                            re.IGNORECASE)
_TRAILING_WORDS = re.compile(
    r"(?:\s+(?:has|have|had|also|previously|earlier|later|now|initially|officially|again|further|reportedly|"
    r"(?:on|late|early|last|this)\s+\w+|\w+day|in\s+a\s+(?:statement|report)|on\s+its\s+website))+\Z", re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(r"\b(?:were|was|is|are|be|been|being)\s+$", re.IGNORECASE)
_NOUN_BEFORE = re.compile(r"(?:\b(?:the|a|an|these|those|media|news|press|initial|unconfirmed|latest|such)|'s)\s+$",
                          re.IGNORECASE)
_NOUN_LIKE_VERBS = frozenset({"report", "reports", "estimate", "estimates", "claim", "claims", "count", "counts",
                               "records", "documents", "notes", "states", "finds", "show", "shows"})
_NOT_ATTRIBUTION_AFTER = re.compile(r"\s+(?:responsibility|the\s+lives|credit)\b", re.IGNORECASE)
_BASIS_RE = re.compile(r"\s+(?:based\s+on|drawing\s+on|drawn\s+from|compiled\s+from|citing|using|from)\s+",
                       re.IGNORECASE)
# A source after its verb ("said the ministry"): a short noun phrase without numbers, outcomes or clause words.
_INVERTED_SOURCE_RE = re.compile(r"\s*(?!(?:that|it|they|he|she|on|in|at|there|this|to)\b)(?![^,]*\d)"
                                 r"(?![^,]*\b(?:kill|wound|injur|dead|died|death))(?:[\w'.()-]+\s*){1,8}",
                                 re.IGNORECASE)
_OUTCOME_WORD_RE = re.compile(r"\b(?:kill|wound|injur|dead|died|death)", re.IGNORECASE)
_PRONOUNS = frozenset({"it", "they", "he", "she"})
_SELF_HEDGE_RE = re.compile(r"\b(?:reportedly|allegedly|reported|believed|feared|said)\b", re.IGNORECASE)
_HEDGE_BEFORE_VERB = re.compile(r"\b(?P<hedge>reportedly|allegedly)\s+$", re.IGNORECASE)

_QUALIFIER_RE = re.compile(
    r"\b(?:Hamas|Hezbollah|Houthi|militant|Islamist|terror(?:ist)?)[- ](?:run|controlled|led|governed|administered|"
    r"affiliated|linked|backed|operated|dominated|ruled|aligned)\b|\b(?:run|controlled|governed|administered|"
    r"operated|ruled)\s+by\s+(?:Hamas|Hezbollah|the\s+Houthis|militants)\b|\b(?:does|do)\s+not\s+distinguish\s+"
    r"between\s+[\w\s]{1,30}?\band\s+\w+|\b(?:could|can)\s*not\s+be\s+independently\s+verified\b", re.IGNORECASE)
_RELATIVE_AFTER = re.compile(r"\s*,\s*(?:which|that|who)\s+[^,;.]*", re.IGNORECASE)


def _cue_regex(cue: str) -> re.Pattern:
    letters = [char for char in cue if char.isalpha()]
    flags = 0 if letters and all(char.isupper() for char in letters) else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + cue + r")(?![\w])" if not cue.startswith(r"\A") else cue, flags)


_CUE_RES = {kind: tuple(_cue_regex(cue) for cue in cues) for kind, cues in SOURCE_CUES.items()}
_ISRAELI_HEALTH_RE = re.compile(r"\bIsrael(?:i|'s)\s+(?:health\s+ministry|ministry\s+of\s+health)", re.IGNORECASE)


@dataclass(frozen=True)
class _Figure:
    start: int  # span of the number, in the sentence
    end: int
    match_end: int  # end of an active verb's match ("killed 5 people"), where "and 3 soldiers" may follow; else -1
    bound: str
    outcome: str
    population: tuple[int, int] | None
    hedge: str


@dataclass(frozen=True)
class _Attribution:
    start: int  # the whole attribution (source and verb), in the sentence
    end: int
    source: tuple[int, int]
    hedge: str
    introduces: bool  # a verb with a figure after it in its clause, before any comma ("X said 38 ...")


def _parse_number(text: str) -> float:
    """The value of a number as written; NaN for a vague quantity ("dozens")."""
    words = text.lower().replace(",", "").split()
    if words[0] in _VAGUE or " ".join(words) in _VAGUE:
        return float("nan")
    if words[0] == "a":
        words = ["one", *words[1:]]
    head, scales = words[0], words[1:]
    if head[0].isdigit():
        value = float(head)
    elif "-" in head:
        tens, unit = head.split("-")
        value = float(_TENS[tens] + _UNITS[unit])
    else:
        value = float(_UNITS.get(head) or _TENS[head])
    for scale in scales:
        value *= _SCALES[scale]
    return value


def _is_figure_number(sentence: str, match: re.Match) -> bool:
    """False for dates, years, ages, units and money next to a matched number."""
    start, end = match.span("num")
    before = sentence[max(0, start - _LOOK_BACK):start]
    if match.group("pop") is None:
        if _UNIT_AFTER.match(sentence, end) or _MONTH_AFTER.match(sentence, end):
            return False
        if re.fullmatch(r"(?:19|20)\d\d", match.group("num")):
            return False
    return not (_MONTH_BEFORE.search(before) or _AGE_BEFORE.search(before))


def _is_active_participle(sentence: str, match: re.Match) -> bool:
    """True for "3 gunmen killed 5 soldiers" and "soldiers who killed": the number did the killing."""
    aux = set(match.group("aux").lower().split())
    if not aux and _NUMBER_AHEAD.match(sentence, match.end()):
        return True
    return bool(aux) and aux <= {"who", "that"} and match.group("outcome").lower() in (
        "killed", "wounded", "injured", "hurt", "murdered", "slain", "martyred")


def _outcome_of(name: str, match: re.Match) -> str:
    if name == "participle":
        word = match.group("outcome").lower()
    elif name == "verb":
        word = match.group("verb").lower()
    elif name == "noun":
        word = match.group("noun").lower()
    elif name == "toll":
        word = match.group("toll").lower()
    else:
        return ""
    return "injured" if re.search(r"wound|injur|hurt", word) else "killed"


def _hard_breaks(sentence: str) -> list[tuple[int, int]]:
    """Spans of the clause breaks that no attribution crosses (";", " - ", ", while", ", but")."""
    return [match.span() for match in _HARD_BREAK.finditer(sentence)]


def _breaks_between(breaks: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether a clause break lies inside ``[start, end)``."""
    index = bisect.bisect_left(breaks, (start, -1))
    return index < len(breaks) and breaks[index][1] <= end


def _matches_at(regex: re.Pattern, sentence: str, number_starts: list[int]):
    """Matches of a pattern that starts with a number, tried only at the words just before each number.

    The same matches as ``regex.finditer`` where it matters, at a fraction of
    the cost: that regex would otherwise try its bounds at every character.
    """
    for position in number_starts:
        low = max(0, position - _LOOK_BACK)
        starts = [low + found.start() for found in re.finditer(r"\b\w", sentence[low:position])]
        for start in [s for s in starts if s == 0 or not sentence[s - 1].isalnum()] + [position]:
            match = regex.match(sentence, start)
            if match and match.start("num") == position:
                yield match
                break


def _find_figures(sentence: str, breaks: list[tuple[int, int]]) -> list[_Figure]:
    """Every casualty figure of one normalised sentence, in text order."""
    found: dict[tuple[int, int], _Figure] = {}
    number_starts = [match.start() for match in _NUMBER_RE.finditer(sentence)]
    if not number_starts:
        return []
    for name, regex in _FIGURE_RES.items():
        matches = _matches_at(regex, sentence, number_starts) if name in _NUMBER_FIRST else regex.finditer(sentence)
        for match in matches:
            span = match.span("num")
            if span in found or not _is_figure_number(sentence, match):
                continue
            if name == "participle" and _is_active_participle(sentence, match):
                continue
            if name == "verb":
                before = sentence[max(0, match.start("verb") - _LOOK_BACK):match.start("verb")]
                if re.search(r"\b(?:kill\w*|wound\w*|injur\w*)\s+(?:and|or)\s+$", before, re.IGNORECASE):
                    continue  # "killed and wounded 30": a combined count, not one outcome
            outcome = _outcome_of(name, match)
            if name == "part":
                earlier = [f for f in found.values() if f.end <= span[0]
                           and not _breaks_between(breaks, f.end, span[0])
                           and (not match.group("coordinated") or f.match_end == match.start())]
                if not earlier:
                    continue
                outcome = max(earlier, key=lambda f: f.end).outcome
            hedge = ""
            if (match.group("pre") or "").lower().split() == ["an", "estimated"]:
                hedge = "an estimated"
            if name == "participle":
                self_hedge = _SELF_HEDGE_RE.search(match.group("aux"))
                hedge = self_hedge.group().lower() if self_hedge else hedge
            if name == "verb":
                self_hedge = _HEDGE_BEFORE_VERB.search(sentence, max(0, match.start("verb") - _LOOK_BACK),
                                                       match.start("verb"))
                hedge = self_hedge.group("hedge").lower() if self_hedge else hedge
            bound = " ".join((match.group("bound") or "").lower().split())
            population = match.span("pop") if match.group("pop") else None
            if name == "noun" and population is None and match.group("noun").lower() == "martyrs":
                population = match.span("noun")  # "12 martyrs": the noun names the people counted
            found[span] = _Figure(span[0], span[1], match.end() if name == "verb" else -1, bound, outcome,
                                  population, hedge)
    return sorted(found.values(), key=lambda figure: figure.start)


def _phrase_after(sentence: str, start: int) -> tuple[int, int]:
    """The span of a source phrase from ``start`` to the next punctuation or clause word."""
    while start < len(sentence) and sentence[start].isspace():
        start += 1
    stop = _PHRASE_END.search(sentence, start)
    end = stop.start() if stop else len(sentence)
    end = start + len(sentence[start:end].rstrip())
    trailing = _TRAILING_WORDS.search(sentence, start, end)
    return start, (trailing.start() if trailing and trailing.start() > start else end)


def _subject_before(sentence: str, verb_start: int, boundaries: list[int], skips: int = 2) -> tuple[int, int] | None:
    """The source phrase just before a reporting verb, or None when it is not a plain subject.

    An aside or a relative clause between commas is skipped, at most twice:
    in "The ministry, in a statement, said" and "Hamas, which runs Gaza,
    said" the sources are "The ministry" and "Hamas".
    """
    index = bisect.bisect_right(boundaries, verb_start) - 1
    boundary = boundaries[index] if index >= 0 else 0
    if verb_start - boundary > 160:  # far longer than a subject of ten words
        return None
    start = boundary + len(sentence[boundary:verb_start]) - len(sentence[boundary:verb_start].lstrip())
    leading = _LEADING_WORDS.match(sentence, start, verb_start)
    start = leading.end() if leading else start
    end = start + len(sentence[start:verb_start].rstrip())
    trailing = _TRAILING_WORDS.search(sentence, start, end)
    if trailing:
        end = trailing.start()
    subject = sentence[start:end]
    if _TRAILING_WORDS.fullmatch(" " + subject):
        subject = ""  # only words of time and manner: an aside
    comma = boundary - 1 if boundary and sentence[boundary - 1] == "," else -1
    if (not subject or re.match(r"(?:which|who)\b", subject, re.IGNORECASE)) and comma > 0 and skips:
        return _subject_before(sentence, comma, boundaries, skips - 1)
    if (subject.lower() in ("", "a", "an", "the") or len(subject.split()) > 10 or _NUMBER_RE.search(subject)
            or _OUTCOME_WORD_RE.search(subject)):
        return None
    return start, end


def _find_attributions(sentence: str, figures: list[_Figure], breaks: list[tuple[int, int]]) -> list[_Attribution]:
    """Every attribution of one normalised sentence, in text order."""
    found = []
    boundaries = [match.end() for match in _CLAUSE_START.finditer(sentence)]
    break_starts = [span[0] for span in breaks]
    first_word = len(sentence) - len(sentence.lstrip())
    for match in _ACCORDING_RE.finditer(sentence):
        source = _phrase_after(sentence, match.end())
        if source[1] > source[0]:
            found.append(_Attribution(match.start(), source[1], source, "according to", False))
    for match in _BY_COUNT_RE.finditer(sentence):
        found.append(_Attribution(match.start(), match.end(), match.span("src"), "by", False))
    for match in _VERB_RE.finditer(sentence):
        before = sentence[max(0, match.start() - _LOOK_BACK):match.start()]
        verb = match.group().lower()
        if (_PASSIVE_BEFORE.search(before) or _NOT_ATTRIBUTION_AFTER.match(sentence, match.end())
                or (verb in _NOUN_LIKE_VERBS and _NOUN_BEFORE.search(before))):
            continue
        hedge = "" if verb in _FACTIVE_VERBS else verb
        subject = None
        if match.start() <= first_word or re.search(r"[,\"]\s*$", before):
            inverted = _phrase_after(sentence, match.end())  # ", said the ministry"
            if _INVERTED_SOURCE_RE.fullmatch(sentence, *inverted):
                subject = inverted
        subject = subject or _subject_before(sentence, match.start(), boundaries)
        if subject is None:
            continue
        index = bisect.bisect_left(break_starts, match.end())
        clause_end = break_starts[index] if index < len(breaks) else len(sentence)
        # A verb introduces the figures after it in its clause, unless a comma comes first
        # ("the ministry said, and wounded 27" closes the clause before it).
        introduces = any(match.end() <= f.start < clause_end and "," not in sentence[match.end():f.start]
                         for f in figures)
        found.append(_Attribution(min(subject[0], match.start()), max(subject[1], match.end()), subject,
                                  hedge, introduces))
    return sorted(found, key=lambda attribution: attribution.start)


def _attribution_for(figure: _Figure, attributions: list[_Attribution],
                     breaks: list[tuple[int, int]]) -> _Attribution | None:
    """The nearest attribution before the figure in its clause, else the first closing one after it."""
    before = [a for a in attributions if a.end <= figure.start and not _breaks_between(breaks, a.end, figure.start)]
    if before:
        return max(before, key=lambda attribution: attribution.end)
    after = [a for a in attributions if a.start >= figure.end and not a.introduces
             and not _breaks_between(breaks, figure.end, a.start)]
    return min(after, key=lambda attribution: attribution.start) if after else None


def _classify_source(source: str) -> str:
    """The :data:`SOURCE_TYPES` value of a source phrase (see :data:`SOURCE_CUES`)."""
    if not source:
        return "unattributed"
    head, _, basis = _BASIS_RE.sub("\0", source, count=1).partition("\0")
    for part in (head, basis):
        if not part:
            continue
        if _ISRAELI_HEALTH_RE.search(part):
            return "israeli_official"
        if any(regex.search(part) for regex in _CUE_RES["health_ministry"]):
            return "health_ministry"
        best = None
        for order, (kind, regexes) in enumerate(_CUE_RES.items()):
            for regex in regexes:
                found = regex.search(part)
                if found:
                    key = (found.start(), -(found.end() - found.start()), order)
                    best = min(best, (key, kind)) if best else (key, kind)
        if best:
            return best[1]
    return "other"


def _qualifier_of(sentence: str, source: tuple[int, int]) -> tuple[int, int] | None:
    """The span of a qualifier in the source phrase or in a ", which ..." clause right after it."""
    end = source[1]
    relative = _RELATIVE_AFTER.match(sentence, end)
    if relative:
        end = relative.end()
    found = _QUALIFIER_RE.search(sentence, source[0], end)
    return found.span() if found else None


def _article_rows(article, normalized, spans, hints) -> list[tuple]:
    """The figure rows of one article (see :data:`FIGURE_COLUMNS`), from its :func:`~framing.agency.harm_sentences`."""
    text = article.text

    def displayed(offset: int, span: tuple[int, int] | None) -> str:
        if span is None:
            return ""
        start, end = normalized.original_span(offset + span[0], offset + span[1])
        return text[start:end]

    def previous_sentence(index: int):
        """The sentence before, its offset and attributions; computed only when a figure needs them."""
        if index == 0:
            return "", 0, []
        offset, stop = spans[index - 1]
        sentence = normalized.text[offset:stop]
        return sentence, offset, _find_attributions(sentence, [], _hard_breaks(sentence))

    rows, voices = [], None
    for index, (offset, stop) in enumerate(spans):
        if not may_report_harm(hints, (offset, stop)):
            continue
        sentence = normalized.text[offset:stop]
        breaks = _hard_breaks(sentence)
        figures = _find_figures(sentence, breaks)
        if not figures:
            continue
        attributions = _find_attributions(sentence, figures, breaks)
        sentence_start, sentence_end = normalized.original_span(offset, stop)
        voices = segment_voice(text) if voices is None else voices  # once per article, when needed
        for figure in figures:
            attribution = _attribution_for(figure, attributions, breaks)
            source_sentence, source_offset = sentence, offset
            if attribution is None:
                before, before_offset, before_attributions = previous_sentence(index)
                if before.rstrip().endswith(":") and before_attributions:
                    attribution, source_sentence, source_offset = before_attributions[-1], before, before_offset
            source = displayed(source_offset, attribution.source) if attribution else ""
            source_type = _classify_source(source)
            if source.lower() in _PRONOUNS:
                _, before_offset, before_attributions = previous_sentence(index)
                named = [displayed(before_offset, a.source) for a in before_attributions]
                named = [name for name in named if name.lower() not in _PRONOUNS]
                source_type = _classify_source(named[-1]) if named else "other"
            qualifier = ""
            if attribution is not None:
                qualifier = displayed(source_offset, _qualifier_of(source_sentence, attribution.source))
            hedge = attribution.hedge if attribution is not None and attribution.hedge else figure.hedge
            start, end = normalized.original_span(offset + figure.start, offset + figure.end)
            voice = voice_at(voices, [start])[0]
            rows.append((article.id, article.outlet, start, end, text[start:end], _parse_number(text[start:end]),
                         figure.bound, figure.outcome, displayed(offset, figure.population), source, source_type,
                         qualifier, bool(hedge), hedge, voice.voice, voice.speaker, sentence_start, sentence_end,
                         text[sentence_start:sentence_end]))
    return rows


def _figures_of(articles: list) -> list[tuple]:
    """The figure rows of some articles; runs in a worker or in-process."""
    return [row for article in articles if (sentences := harm_sentences(article.text)) is not None
            for row in _article_rows(article, *sentences)]


def _reports_and_figures_of(articles: list) -> tuple[list[tuple], list[tuple]]:
    """The harm report rows and the figure rows of some articles, each text split into sentences once."""
    reports, figures = [], []
    for article in articles:
        sentences = harm_sentences(article.text)
        if sentences is not None:
            reports += article_reports(article, *sentences)
            figures += _article_rows(article, *sentences)
    return reports, figures


def _figures_frame(rows: list[tuple]) -> pd.DataFrame:
    """The :func:`casualty_figures` table of some figure rows."""
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64", "number": "float64", "hedged": "bool",
                         "sentence_start": "int64", "sentence_end": "int64"})


def casualty_figures(corpus, *, n_jobs=None, progress: bool | None = None) -> pd.DataFrame:
    """Every number of people killed or injured, with its source, bound and hedge.

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
        One row per figure, in article and text order, with the columns of
        :data:`FIGURE_COLUMNS`:

        - ``start``, ``end``: the span of the number in ``article.text``
          (``text[start:end]`` is ``number_text``, for example "58,000");
        - ``number``: its value, NaN for a vague quantity ("dozens");
        - ``bound``: one of :data:`BOUNDS` or "";
        - ``outcome``: "killed" or "injured";
        - ``population``: the people counted, as written ("Palestinians"), or "";
        - ``source``: the attribution as written ("the Hamas-run health
          ministry"), or "";
        - ``source_type``: one of :data:`SOURCE_TYPES`;
        - ``source_qualifier``: for example "Hamas-run", or "";
        - ``hedged``, ``hedge``: whether the figure is reported rather than
          asserted, and the word that does it ("according to", "said",
          "claims", "by" as in "by Israeli tallies", "reportedly"), or "".
          A factive verb ("the army confirmed", "figures show") names a
          source without hedging the figure;
        - ``voice``, ``speaker``: whose words the figure is in (see
          :func:`framing.voice.segment_voice`): the outlet's narration, or a
          quotation and its speaker.
        - ``sentence_start``, ``sentence_end``, ``sentence``: the sentence.

    Raises
    ------
    CorpusError
        If ``corpus`` is not a Corpus or a list of Article.

    See Also
    --------
    casualty_sources : the figures' sources, summarised per group.

    Examples
    --------
    >>> from framing import Article
    >>> text = "The Hamas-run health ministry says 38 people were killed."
    >>> casualty_figures([Article("a", text)])[["number", "outcome", "source_type", "hedge"]].values.tolist()
    [[38.0, 'killed', 'health_ministry', 'says']]
    """
    corpus = as_corpus(corpus)
    rows = [row for _, chunk_rows in map_chunks(_figures_of, list(corpus), n_jobs=n_jobs, progress=progress,
                                                  description="casualty figures") for row in chunk_rows]
    return _figures_frame(rows)


def reports_and_figures(corpus, *, n_jobs=None, progress: bool | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`framing.harm_reports` and :func:`casualty_figures` of a corpus, in one pass over its texts.

    The same two tables as the two functions, at about half the cost: both
    read the same sentences, and each text is normalised and split once.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    n_jobs : int, optional
        Worker processes (see :func:`framing.count_terms`); the tables are the
        same whatever it is.
    progress : bool, optional
        A progress bar on interactive output (None), never (False).

    Returns
    -------
    reports, figures : pandas.DataFrame
        As returned by :func:`framing.harm_reports` and :func:`casualty_figures`.
    """
    reports, figures = [], []
    for _, (chunk_reports, chunk_figures) in map_chunks(_reports_and_figures_of, list(as_corpus(corpus)),
                                                          n_jobs=n_jobs, progress=progress,
                                                          description="harm reports and casualty figures"):
        reports += chunk_reports
        figures += chunk_figures
    return reports_frame(reports), _figures_frame(figures)


_NOT_GROUPS = ("start", "end", "number_text", "number", "source", "source_type", "source_qualifier", "hedged",
               "hedge", "speaker", "sentence_start", "sentence_end", "sentence")


def casualty_sources(figures: pd.DataFrame, *, by: str = "outlet", confidence: float = 0.95) -> pd.DataFrame:
    """Who the casualty figures are attributed to, per group, with Wilson intervals.

    Parameters
    ----------
    figures : pandas.DataFrame
        The output of :func:`casualty_figures`, possibly filtered or with
        extra columns merged in (such as ``event``).
    by : str, default="outlet"
        A column of ``figures`` to group by: ``outlet``, ``article_id``
        (or ``"article"``), ``outcome``, ``bound``, ``population`` or any
        column merged in.
    confidence : float, default=0.95
        Confidence of the Wilson interval of each share.

    Returns
    -------
    pandas.DataFrame
        One row per group and source type (every value of
        :data:`SOURCE_TYPES`, zeros included), groups sorted, with columns
        ``<by>, source_type, n_figures, n_total, share, ci_low, ci_high,
        n_hedged, n_qualified``. ``n_total`` counts all the group's figures,
        the denominator of ``share = n_figures / n_total``; ``n_hedged`` and
        ``n_qualified`` count the figures of that source type that are hedged
        or whose source carries a qualifier ("Hamas-run"). Groups without any
        figure do not appear.

    Raises
    ------
    FramingError
        If ``figures`` lacks the columns of :func:`casualty_figures`, if
        ``by`` is not one of its columns, or if ``confidence`` is not
        strictly between 0 and 1.

    Examples
    --------
    >>> from framing import Article
    >>> figures = casualty_figures([Article("a", "Israel said 12 soldiers were wounded.", outlet="Wire")])
    >>> table = casualty_sources(figures)
    >>> table.loc[table["n_figures"] > 0, ["outlet", "source_type", "n_figures", "n_total"]].values.tolist()
    [['Wire', 'israeli_official', 1, 1]]
    """
    if not isinstance(figures, pd.DataFrame):
        raise FramingError(f"figures must be the DataFrame returned by casualty_figures, got "
                           f"{type(figures).__name__}; call casualty_figures(corpus) first")
    missing = [column for column in ("source_type", "hedged", "source_qualifier") if column not in figures.columns]
    if missing:
        raise FramingError(f"figures lacks the column(s) {', '.join(missing)}; pass the DataFrame returned by "
                           "casualty_figures(corpus)")
    if not isinstance(confidence, (float, int)) or not 0 < confidence < 1:
        raise FramingError(f"confidence must be a number strictly between 0 and 1, got {confidence!r}; "
                           "use for example 0.95")
    group = "article_id" if by == "article" else by
    allowed = [column for column in figures.columns if column not in _NOT_GROUPS]
    if not isinstance(group, str) or group not in allowed:
        raise FramingError(f"by={by!r} is not a column of the figures table to group by; use one of: "
                           f"{', '.join(allowed)} (or 'article')")
    unknown = sorted(set(figures["source_type"]) - set(SOURCE_TYPES))
    if unknown:
        raise FramingError(f"figures has unknown source_type values {unknown!r}; allowed: {', '.join(SOURCE_TYPES)}")
    data = figures.assign(_qualified=figures["source_qualifier"].fillna("").astype(str) != "",
                          _hedged=figures["hedged"].astype(bool))
    sizes = data.groupby(group, sort=True).size().rename("n_total").reset_index()
    grid = sizes.merge(pd.DataFrame({"source_type": list(SOURCE_TYPES)}), how="cross")
    counts = data.groupby([group, "source_type"], sort=False).agg(
        n_figures=("source_type", "size"), n_hedged=("_hedged", "sum"), n_qualified=("_qualified", "sum"))
    table = grid.merge(counts.reset_index(), on=[group, "source_type"], how="left")
    for column in ("n_figures", "n_hedged", "n_qualified"):
        table[column] = table[column].fillna(0).astype("int64")
    table["n_total"] = table["n_total"].astype("int64")
    table["share"] = table["n_figures"] / table["n_total"]
    low, high = wilson_interval(table["n_figures"].to_numpy(), table["n_total"].to_numpy(), confidence)
    # Exact bounds at the ends (the formula leaves rounding dust such as 5e-17).
    table["ci_low"] = np.where(table["n_figures"] == 0, 0.0, np.clip(low, 0, 1))
    table["ci_high"] = np.where(table["n_figures"] == table["n_total"], 1.0, np.clip(high, 0, 1))
    return table[[group, *SOURCE_SUMMARY_COLUMNS]].reset_index(drop=True)
