"""Broken lexicons name the file and line of each problem; pathological text and terms never hang.

Every message below is the full problem line, file and line number included,
as ``framing lexicon validate`` prints it.
"""

import multiprocessing
import queue
import re
import textwrap

import pytest

from framing import Lexicon, LexiconError
from framing.lexicon import MAX_TERM_LENGTH, term_syntax_problem, validate_lexicon_file
from framing.matching import TermMatcher
from framing.text import count_tokens, html_to_text, normalize_text, split_sentences, tokenize


def _write(tmp_path, text, name="lex.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _check(path, message, n_problems=1):
    """The first problem starts with the file's path and ``message``; there are ``n_problems`` in all."""
    expected = f"{path}, {message}"
    with pytest.raises(LexiconError, match="^" + re.escape(expected)):
        Lexicon.from_yaml(path)
    problems = validate_lexicon_file(path)
    assert problems[0].startswith(expected)
    assert len(problems) == n_problems


HEAD = "name: demo\ncategories:\n  c:\n"
AXIS = "name: demo\naxes:\n  a:\n    poles:\n"

MALFORMED = [
    ("unclosed bracket", HEAD + "    terms: [war, peace\n",
     "line 5: not valid YAML (expected ',' or ']', but got '<stream end>'; "
     "the flow sequence started on line 4 is never closed)"),
    ("unclosed quote", HEAD + "    terms: ['war]\n",
     "line 5: not valid YAML (found unexpected end of stream; the quoted scalar started on line 4 is never closed)"),
    ("tab indentation", HEAD + "\tterms: [war]\n",
     "line 4: not valid YAML (found character '\\t' that cannot start any token)"),
    ("bad indentation", HEAD + "    terms: [war]\n   bad: x\n",
     "line 5: not valid YAML (expected <block end>, but found '<block mapping start>')"),
    ("colon in a plain value", HEAD + "    terms: [war]\n    description: a: b\n",
     "line 5: not valid YAML (mapping values are not allowed here)"),
    ("undefined alias", HEAD + "    terms: [*nothing]\n", "line 4: not valid YAML (found undefined alias 'nothing')"),
    ("two documents", HEAD + "    terms: [war]\n---\nname: other\n",
     "line 5: not valid YAML (but found another document)"),
    # Used to say line 1 whatever the line of the character.
    ("control character", HEAD + "    terms:\n      - war\x07\n",
     "line 5: not valid YAML (unacceptable character #x0007: special characters are not allowed)"),
    # Used to raise RecursionError.
    ("deep nesting", HEAD + "    terms:\n      - " + "[" * 700 + "]" * 700 + "\n",
     "line 5: not valid YAML (nested more than 100 levels deep); a lexicon needs about six"),
]


@pytest.mark.parametrize("text, message", [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_malformed_yaml(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(LexiconError, match="^" + re.escape(f"{path}, {message}")):
        Lexicon.from_yaml(path)
    problems = validate_lexicon_file(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}, {message.split(':')[0]}: not valid YAML")


def test_a_list_as_a_key(tmp_path):
    # Used to raise TypeError: unhashable type: 'list'.
    path = _write(tmp_path, HEAD + "    terms: [war]\n  ? [a, b]\n  : x\n")
    _check(path, "line 5: categories has a key that is a list or mapping; keys are plain names, as in 'name:'")


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(HEAD.encode() + b"    terms: [caf\xe9]\n")  # 0xe9 is the 44th byte, on line 4
    _check(path, "line 4: not UTF-8 text (byte 0xe9 at position 43); save the file as UTF-8")


UNKNOWN_KEYS = [
    ("top", "name: demo\ncolour: red\ncategories:\n  c:\n    terms: [war]\n",
     "line 2: lexicon has an unknown key 'colour'; allowed keys are axes, categories, description, language, name"),
    ("category", HEAD + "    terms: [war]\n    weight: 2\n",
     "line 5: category 'c' has an unknown key 'weight'; allowed keys are description, terms"),
    ("pole", AXIS + "      p:\n        terms: [x]\n        weight: 2\n      q:\n        terms: [y]\n",
     "line 7: axis 'a' pole 'p' has an unknown key 'weight'; allowed keys are description, terms"),
    ("axis", AXIS + "      p:\n        terms: [x]\n      q:\n        terms: [y]\n    colour: red\n",
     "line 9: axis 'a' has an unknown key 'colour'; allowed keys are description, poles"),
    ("term", HEAD + "    terms:\n      - term: war\n        case_sensitve: true\n",
     "line 6: term in category 'c' has an unknown key 'case_sensitve'; allowed keys are case_sensitive, exclude, "
     "note, term"),
]


@pytest.mark.parametrize("text, message", [case[1:] for case in UNKNOWN_KEYS], ids=[case[0] for case in UNKNOWN_KEYS])
def test_unknown_key(tmp_path, text, message):
    _check(_write(tmp_path, text), message)


def test_a_misspelt_poles_key_is_reported_with_its_consequence(tmp_path):
    path = _write(tmp_path, AXIS.replace("poles", "pols") + "      p:\n        terms: [x]\n")
    assert validate_lexicon_file(path) == [
        f"{path}, line 3: axis 'a' has 0 pole(s); an axis needs at least two (use a category for a single list "
        "of terms)",
        f"{path}, line 4: axis 'a' has an unknown key 'pols'; allowed keys are description, poles",
    ]


EMPTY_POLES = [
    ("empty list", AXIS + "      p:\n        terms: []\n      q:\n        terms: [x]\n",
     "line 6: axis 'a' pole 'p' has no terms; add at least one term or remove it", 1),
    ("null terms", AXIS + "      p:\n        terms:\n      q:\n        terms: [x]\n",
     "line 6: axis 'a' pole 'p' has no terms; add at least one term or remove it", 1),
    ("no terms key", AXIS + "      p:\n        description: none yet\n      q:\n        terms: [x]\n",
     "line 5: axis 'a' pole 'p' has no terms; add at least one term or remove the pole", 1),
    ("null pole", AXIS + "      p:\n      q:\n        terms: [x]\n",
     "line 5: axis 'a' pole 'p' has no terms; add at least one term or remove the pole", 2),
    ("empty category", HEAD + "    terms: []\n", "line 4: category 'c' has no terms; add at least one term or remove it", 1),
    ("empty string term", HEAD + "    terms: ['']\n", "line 4: category 'c': term is empty", 1),
]


@pytest.mark.parametrize("text, message, n_problems", [case[1:] for case in EMPTY_POLES],
                         ids=[case[0] for case in EMPTY_POLES])
def test_empty_pole(tmp_path, text, message, n_problems):
    _check(_write(tmp_path, text), message, n_problems)


DUPLICATES = [
    ("same spelling", HEAD + "    terms:\n      - war\n      - war\n",
     "line 6: category 'c': term 'war' is listed twice (first on line 5); remove one"),
    ("case and long form", HEAD + "    terms:\n      - hostage\n      - term: Hostage\n        note: again\n",
     "line 6: category 'c': term 'Hostage' is listed twice (first on line 5); remove one"),
    ("hyphen and space", HEAD + "    terms:\n      - Hamas run\n      - hamas-run\n",
     "line 6: category 'c': term 'hamas-run' is listed twice (first on line 5); remove one"),
    ("curly apostrophe", HEAD + "    terms:\n      - Israel's\n      - Israel\u2019s\n",
     "line 6: category 'c': term 'Israel\u2019s' is listed twice (first on line 5); remove one"),
    ("two poles of one axis", AXIS + "      p:\n        terms: [hostage*]\n      q:\n        terms:\n          - HOSTAGE*\n",
     "line 9: axis 'a' pole 'q': term 'HOSTAGE*' is also in pole 'p' (line 6); a term belongs to one pole of an axis"),
]


@pytest.mark.parametrize("text, message", [case[1:] for case in DUPLICATES], ids=[case[0] for case in DUPLICATES])
def test_duplicate_term(tmp_path, text, message):
    _check(_write(tmp_path, text), message)


def test_same_words_with_different_case_sensitivity_are_not_duplicates(tmp_path):
    path = _write(tmp_path, HEAD + "    terms:\n      - term: Resistance\n        case_sensitive: true\n"
                                   "      - resistance\n")
    assert [term.text for term in Lexicon.from_yaml(path).categories[0].terms] == ["Resistance", "resistance"]


LONE_STAR = "term '*' is a lone wildcard; a wildcard must end a word, as in 'terror*'"


@pytest.mark.parametrize("text, message", [
    (HEAD + "    terms:\n      - war\n      - '*'\n", f"line 6: category 'c': {LONE_STAR}"),
    (HEAD + "    terms:\n      - ' * '\n", f"line 5: category 'c': {LONE_STAR}"),
    (HEAD + "    terms:\n      - term: '*'\n        note: everything\n", f"line 5: category 'c': {LONE_STAR}"),
    (HEAD + "    terms:\n      - term: war\n        exclude: ['*']\n",
     f"line 5: category 'c', exclusion of 'war': {LONE_STAR}"),
    (AXIS + "      p:\n        terms: ['*']\n      q:\n        terms: [x]\n", f"line 6: axis 'a' pole 'p': {LONE_STAR}"),
], ids=["list", "padded", "long form", "exclusion", "pole"])
def test_lone_wildcard(tmp_path, text, message):
    _check(_write(tmp_path, text), message)


@pytest.mark.parametrize("text, message", [
    (HEAD + "    terms:\n      - war\n      - " + "a" * 500 + "\n",
     "line 6: category 'c': term '" + "a" * 30 + "'... is 500 characters long; the limit is 100"),
    (HEAD + "    terms:\n      - '" + "hostage " * 62 + "deal'\n",
     "line 5: category 'c': term 'hostage hostage hostage hostag'... is 500 characters long; the limit is 100"),
    (HEAD + "    terms:\n      - term: war\n        exclude: ['" + "war " * 125 + "']\n",
     "line 5: category 'c', exclusion of 'war': term 'war war war war war war war wa'... is 499 characters long; "
     "the limit is 100"),
    (HEAD + "    terms:\n      - " + "a" * (MAX_TERM_LENGTH + 1) + "\n",
     "line 5: category 'c': term '" + "a" * 30 + "'... is 101 characters long; the limit is 100"),
], ids=["word", "phrase", "exclusion", "one over"])
def test_overlong_term(tmp_path, text, message):
    _check(_write(tmp_path, text), message)


def test_a_term_of_exactly_the_limit_is_accepted(tmp_path):
    path = _write(tmp_path, HEAD + "    terms:\n      - " + "a" * MAX_TERM_LENGTH + "\n")
    assert Lexicon.from_yaml(path).categories[0].terms[0].text == "a" * MAX_TERM_LENGTH


def test_every_problem_of_a_bad_file_is_listed_in_line_order(tmp_path):
    text = textwrap.dedent("""\
        name: demo
        colour: red
        axes:
          a:
            poles:
              p:
                terms: ['*', hostage]
              q:
                terms: [Hostage]
        categories:
          c:
            terms: ['""" + "x" * 500 + """']
    """)
    path = _write(tmp_path, text)
    problems = validate_lexicon_file(path)
    assert problems[0].startswith(f"{path}, line 2: lexicon has an unknown key 'colour'; allowed keys are axes, ")
    assert problems[1:] == [
        f"{path}, line 7: axis 'a' pole 'p': {LONE_STAR}",
        f"{path}, line 9: axis 'a' pole 'q': term 'Hostage' is also in pole 'p' (line 7); a term belongs to one "
        "pole of an axis",
        f"{path}, line 12: category 'c': term '" + "x" * 30 + "'... is 500 characters long; the limit is 100",
    ]


# -- Pathological text and terms (ReDoS) -----------------------------------------
#
# Terms allow only a trailing "*" (lexicons/README.md, "Term syntax"), and the
# matcher builds its regexes with re.escape, so no user pattern reaches the regex
# engine. The regexes that remain (separators, word gaps, the tokenizer, Punkt's
# sentence splitter, the term-syntax check) still meet adversarial text here.
# Each family runs in a forked child that is killed after REDOS_TIMEOUT seconds;
# without backtracking each takes a few seconds at most.

REDOS_TIMEOUT = 20


def _child(results, function):
    try:
        results.put(("done", function()))
    except BaseException as error:  # report any failure to the parent instead of hanging it
        results.put(("error", repr(error)))


def _run_isolated(function):
    """``function()`` in a forked process, killed (and the test failed) after REDOS_TIMEOUT seconds."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=_child, args=(results, function))
    process.start()
    try:
        status, value = results.get(timeout=REDOS_TIMEOUT)
    except queue.Empty:
        process.kill()
        process.join()
        pytest.fail(f"{function.__name__} was killed after {REDOS_TIMEOUT} s: catastrophic backtracking?")
    process.join()
    assert status == "done", value
    return value


def _tokenize_pathological():
    texts = ["a-" * 100_000, "a'" * 100_000, "-" * 200_000, "'" * 200_000, "a'-" * 70_000,
             "a" * 1_000_000, "." * 200_000, "a" + "-'" * 100_000 + "a"]
    return [(len(tokens), max(map(len, tokens), default=0), count_tokens(text))
            for text, tokens in ((text, tokenize(text)) for text in texts)]


def test_tokenizer_on_pathological_text():
    assert _run_isolated(_tokenize_pathological) == [
        (1, 199_999, 1),          # "a-a-...-a": inner hyphens join, the last one does not
        (1, 199_999, 1),
        (0, 0, 0),
        (0, 0, 0),
        (70_000, 1, 70_000),      # "'-" between letters is two joiners: no token spans it
        (1, 1_000_000, 1),        # one 1 MB word
        (0, 0, 0),
        (2, 1, 2),
    ]


def _split_pathological():
    texts = ["." * 200_000, "-" * 200_000, "'" * 200_000, "a" * 1_000_000, "Word. " * 10_000,
             "Mr. " * 20_000, "Wait" + "." * 100_000 + " Next one."]
    return [(len(spans), spans[0], spans[-1]) for spans in map(split_sentences, texts)]


def test_sentence_splitter_on_pathological_text():
    assert _run_isolated(_split_pathological) == [
        (1, (0, 200_000), (0, 200_000)),
        (1, (0, 200_000), (0, 200_000)),
        (1, (0, 200_000), (0, 200_000)),
        (1, (0, 1_000_000), (0, 1_000_000)),
        (10_000, (0, 5), (59_994, 59_999)),  # "Word." every 6 characters, the final space dropped
        (1, (0, 79_999), (0, 79_999)),      # "Mr." is an abbreviation: no break at all
        (1, (0, 100_014), (0, 100_014)),    # an ellipsis before a capital does not end a sentence
    ]


def _check_pathological_terms():
    terms = ["a-" * 50 + "!", "a " * 49 + "a*", "a'" * 49 + "a", "a" * 100_000, "\ufdfa" * 100, "a" + " -" * 49 + "!"]
    return [term_syntax_problem(term) for term in terms]


def test_term_syntax_check_on_pathological_terms():
    assert _run_isolated(_check_pathological_terms) == [
        "term 'a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-'... is 101 characters long; the limit is 100",
        f"term {'a ' * 49 + 'a*'!r} has a wildcard stem shorter than 2 characters; it would match almost every word",
        None,  # 99 characters of "a'a'a"
        "term '" + "a" * 30 + "'... is 100000 characters long; the limit is 100",
        None,  # 100 characters that normalise to 1,800
        f"term {'a' + ' -' * 49 + '!'!r} has characters outside the term syntax; use words joined by spaces, "
        "hyphens, or an inner apostrophe or period, with an optional final '*'",
    ]


def _html_pathological():
    texts = ["<p>x</p>" + "<a " * 30_000, "<p>x</p>" + "<!--" * 25_000, "<p>x</p>" + "</" * 50_000,
             "<p>x</p>" + "<?" * 50_000, "<p>x</p>" + "<![" * 30_000, "<p>x</p>" + "if a<b then " * 10_000]
    return [(len(text), warning) for text, warning in map(html_to_text, texts)]


def test_html_to_text_on_pathological_markup():
    # html.parser alone takes minutes here (quadratic in unclosed tags) or raises AssertionError ("<![").
    assert _run_isolated(_html_pathological) == [
        (3 + 90_000 - 1, "HTML markup removed"),   # "x\n\n" and the "<a " runs as text, the last space dropped
        (3 + 100_000, "HTML markup removed"),
        (3 + 100_000, "HTML markup removed"),
        (3 + 100_000, "HTML markup removed"),
        (3 + 90_000, "HTML markup removed"),
        (3 + 120_000 - 1, "HTML markup removed"),
    ]


def _match_pathological():
    lexicon = Lexicon.from_dict({"name": "redos", "categories": {
        "phrases": {"terms": ["aa aa aa", "aa aa", "aa*"]},
        "apostrophes": {"terms": ["bb'bb"]},
        "gaps": {"terms": ["cc dd"]},
        "excluded": {"terms": [{"term": "ee", "exclude": ["ee ee ee ee ee"]}]},
    }})
    texts = ["-".join(["aa"] * 30_001), "bb'" * 20_000, "cc" + " -" * 100_000 + " dd",
             "ee " * 30_000, "aa" + "'" * 200_000, "-" * 200_000]
    rows = []
    for engine in ("aho-corasick", "regex"):
        matcher = TermMatcher([lexicon], engine=engine)
        for text in texts:
            matches = matcher.match(normalize_text(text))
            terms = sorted({matcher.entries[match.entry].term.text for match in matches})
            rows.append((engine, len(matches), terms, matches[-1].end if matches else None))
    return rows


def test_matcher_on_pathological_text_and_terms():
    expected = [
        # 30,001 words: 10,000 three-word matches from the start, then the last word alone as "aa*".
        (10_001, ["aa aa aa", "aa*"], 90_002),
        # 20,000 words joined by "'": 10,000 pairs; the trailing "'" belongs to no match.
        (10_000, ["bb'bb"], 59_999),
        # One match across 200,000 characters of spaces and hyphens.
        (1, ["cc dd"], 200_005),
        # Every "ee" lies inside "ee ee ee ee ee".
        (0, [], None),
        (1, ["aa*"], 2),
        (0, [], None),
    ]
    assert _run_isolated(_match_pathological) == [(engine, *row) for engine in ("aho-corasick", "regex")
                                                  for row in expected]
