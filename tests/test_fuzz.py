"""Property tests (hypothesis) of the normaliser, the loaders, the counting engine and the lexicon reader.

Two settings profiles, which apply to this module only:

- ``modest`` (the default): a few dozen examples per property, so ``make test`` stays fast;
- ``fuzz``: thousands per property, chosen with ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``).

The fixed-lexicon comparisons of the fast matcher with
:func:`framing.matching.reference_matches` are in ``tests/test_matching.py``;
here the *lexicons* are random as well, and the comparison goes on through
:func:`framing.count_terms` and :func:`framing.find_matches`.
"""

import collections
import gzip
import json
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from framing import Article, Corpus, Lexicon, LexiconError, count_terms, find_matches, load_corpus
from framing.matching import TermMatcher, reference_matches
from framing.text import html_to_text, normalize_text

settings.register_profile("modest", max_examples=60, deadline=None)
settings.register_profile("fuzz", max_examples=5_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "modest"))


# -- the normaliser ---------------------------------------------------------------

# Characters that normalisation replaces, drops, decomposes or composes, among plain ones.
_TRICKY = list("aZ9 -'\".\n\t\r") + [
    "\u2019", "\u201c", "\u2014", "\u00a0", "\u2026", "\ufb01", "\u200b", "\u00ad", "\ufeff", "\u0301", "\u0308",
    "\u0327", "\u0130", "\u00bd", "\u2474", "\ufdfa", "\uff21", "\u1100", "\u1161", "\u0344", "\u0f73", "\u00a8",
    "\u3099", "\u304b", "e", "\u00e9", "\u2460", "\u212b", "\u01c4",
]
texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from(_TRICKY)),
                  st.lists(st.one_of(st.text(), st.text(alphabet=st.sampled_from(_TRICKY)))).map("".join))


@PROFILE
@given(texts)
@example("\u0300\u3099")  # found by fuzzing: NFKC reorders the two marks (bug fixed)
def test_every_normalised_character_maps_back_to_its_original(raw):
    """The normalised text is the concatenation, in order, of the normalisations of disjoint original spans.

    Characters between those spans are exactly the ones normalisation drops.
    """
    normalized = normalize_text(raw)
    assert len(normalized.lower) == len(normalized.text)
    groups: list[list] = []  # [original start, original end, normalised characters]
    for index, char in enumerate(normalized.text):
        start, end = normalized.original_span(index, index + 1)
        assert 0 <= start < end <= len(raw)
        if groups and groups[-1][:2] == [start, end]:
            groups[-1][2] += char
        else:
            assert not groups or groups[-1][1] <= start  # spans never overlap and never go back
            groups.append([start, end, char])
    position = 0
    for start, end, chars in groups:
        assert normalize_text(raw[position:start]).text == ""  # only dropped characters in between
        assert normalize_text(raw[start:end]).text == chars
        position = end
    assert normalize_text(raw[position:]).text == ""
    if normalized.text:
        assert normalized.original_span(0, len(normalized.text)) == (groups[0][0], groups[-1][1])


@PROFILE
@given(texts)
@example("\u00a8\u3099")  # found by fuzzing: the marks after an expanded "\u00a8" were left out of order (fixed)
@example("\ufb01\u0301")  # the same for a ligature: "fi" + combining acute composes to "f\u00ed"
@example("A\ufeff\u0300")  # found by fuzzing: a dropped zero-width character kept "A" and its accent apart (fixed)
def test_normalisation_is_idempotent(raw):
    once = normalize_text(raw).text
    assert normalize_text(once).text == once


@PROFILE
@given(st.text())
def test_html_to_text_never_raises_and_leaves_plain_text_alone(raw):
    text, warning = html_to_text(raw)
    assert warning in ("", "HTML markup removed", "HTML entities decoded")
    if "<" not in raw and "&" not in raw:
        assert (text, warning) == (raw, "")


_MARKUP = st.sampled_from(["<p>", "</p>", "<br>", "<div class='x'>", "</div>", "<script>", "</script>", "<style>",
                           "</style>", "<a href=\"?a=1&amp;b\">", "</a>", "<!--", "-->", "<![CDATA[", "<pre>",
                           "</pre>", "&amp;", "&nbsp;", "&#8220;", "&#x201D;", "&bogus;", "<", ">", "&", " ", "\n",
                           "<![", "<![if x]>", "<![endif]>", "]]>", "<a ", "<!", "</", "<?", "'", '"', "="])


@PROFILE
@given(st.lists(st.one_of(_MARKUP, st.text(max_size=5))).map("".join))
@example("<pre>0<p>\n&amp;")  # inside <pre>, line breaks of the source are kept: three in a row is right
@example("<p>x</p><![<![")  # found by hand: html.parser raised AssertionError (fixed)
def test_html_to_text_on_markup_soup(raw):
    text, warning = html_to_text(raw)
    if warning == "HTML markup removed":
        assert text == text.strip("\n")
        assert all(line == line.strip(" ") for line in text.split("\n"))
        if "<pre" not in raw.lower():
            assert "\n\n\n" not in text and "  " not in text
    elif warning == "HTML entities decoded":
        assert len(text) < len(raw)  # each reference of 4 characters or more became 1 or 2
    else:
        assert (text, warning) == (raw, "")


def test_reordered_marks_map_back_as_one_stretch():
    # NFKC puts U+3099 (combining class 8) before U+0300 (class 230): the letter and its two marks
    # map to the whole cluster; before the fix, each mark pointed at the other one.
    normalized = normalize_text("x\u0300\u3099y")
    assert normalized.text == "x\u3099\u0300y"
    assert [normalized.original_span(i, i + 1) for i in range(4)] == [(0, 3), (0, 3), (0, 3), (3, 4)]
    alone = normalize_text("1\u0300\u3099")  # a digit takes no marks: the cluster is the two marks
    assert [alone.original_span(i, i + 1) for i in range(3)] == [(0, 1), (1, 3), (1, 3)]


@pytest.mark.parametrize("raw, text", [
    ("\u00a8\u3099", " \u3099\u0308"),  # "\u00a8" is " " + U+0308, which then sorts after U+3099
    ("\ufb01\u0301", "f\u00ed"),         # the ligature's "i" takes the accent
    ("caf\u00e9 \ufb01ne", "caf\u00e9 fine"),
])
def test_marks_after_an_expanded_character_are_normalised_with_it(raw, text):
    assert normalize_text(raw).text == text == normalize_text(text).text


@pytest.mark.parametrize("name, data, reason", [
    ("empty.jsonl", b"", "empty file (0 bytes)"),
    ("blank.jsonl", b"\n  \n\n", "no records (the file holds only blank lines or a header row)"),
    ("header.csv", b"id,outlet,text\n", "no records (the file holds only blank lines or a header row)"),
])
def test_a_file_without_records_still_has_its_row(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    report = load_corpus(tmp_path).load_report
    assert report[["source", "status", "reason"]].values.tolist() == [[name, "skipped", reason]]


# -- the loaders ----------------------------------------------------------------------

_NAMES = ["a.txt", "b.txt", "c.jsonl", "d.csv", "e.jsonl.gz", "g.jsonl.gz", "manifest.csv", "f.md"]


def _write_and_load(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as directory:
        for name, data in files.items():
            (Path(directory) / name).write_bytes(data)
        return load_corpus(directory)


def _check_report(corpus, files: dict[str, bytes]) -> None:
    report = corpus.load_report
    assert set(report["status"]) <= {"loaded", "skipped"}
    assert set(report["source"]) == set(files)  # every file appears; nothing else does
    articles = report[(report["status"] == "loaded") & (report["article_id"] != "")]
    assert sorted(articles["article_id"]) == sorted(corpus.ids)
    assert (report.loc[report["status"] == "skipped", "reason"] != "").all()
    for article in corpus:
        assert article.text and article.text == article.text.strip()


@PROFILE
@given(st.dictionaries(st.sampled_from(_NAMES), st.binary(max_size=300), min_size=1), st.integers(0, 400))
@example({"c.jsonl": b""}, 0)  # found by fuzzing: an empty JSONL file had no row in the report (fixed)
@example({"d.csv": b'"'}, 0)  # found by fuzzing: broken quoting in a CSV header raised csv.Error (fixed)
def test_arbitrary_bytes_never_crash_a_load(files, cut):
    if "g.jsonl.gz" in files:  # random bytes, compressed, and perhaps cut short
        files["g.jsonl.gz"] = gzip.compress(files["g.jsonl.gz"])[:cut]
    corpus = _write_and_load(files)
    _check_report(corpus, files)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)
_records = st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.text(max_size=6), st.integers(), st.none()),
    "outlet": st.one_of(st.sampled_from(["Wire", "wire ", " WIRE", "Al  Jazeera", "al jazeera"]), _json_values),
    "date": st.one_of(st.sampled_from(["2025-07-13", "13 July 2025", "garbage", "2025-02-30", ""]), _json_values),
    "title": _json_values,
    "text": st.one_of(st.text(max_size=40), st.sampled_from(["<p>a hostage</p>", "  ", "x &amp; y"]), _json_values),
})
_jsonl_lines = st.lists(st.one_of(
    _records.map(json.dumps),
    _json_values.map(json.dumps),
    st.text(max_size=30),
    _records.map(json.dumps).flatmap(lambda line: st.integers(0, len(line)).map(lambda cut: line[:cut])),
), max_size=8)


@PROFILE
@given(_jsonl_lines, st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]), st.sampled_from(["\n", "\r\n"]))
def test_jsonl_lines_each_appear_once_in_the_report(lines, encoding, newline):
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    data = newline.join(lines).encode(encoding)
    assume(not data.startswith(b"\xff\xfe\x00\x00"))  # UTF-16 starting with U+0000 reads as UTF-32
    corpus = _write_and_load({"s.jsonl": data})
    _check_report(corpus, {"s.jsonl": data})
    # A line of spaces is no record; the first line of a UTF-8 file with a BOM holds at least the BOM.
    non_blank = [number for number, line in enumerate(lines, start=1)
                 if line.strip(" \t\r\n\x0b\x0c") or (number == 1 and encoding == "utf-8-sig")]
    records = corpus.load_report["record"].dropna().tolist()
    assert records == non_blank or (not non_blank and len(corpus.load_report) == 1)


_cells = st.one_of(st.text(max_size=12), st.sampled_from(['"', '""', '"a"b', 'a,b', '"x\ny"', "\r", "\n", "<br>"]))


@PROFILE
@given(st.lists(st.lists(_cells, min_size=1, max_size=5), max_size=6),
       st.sampled_from([["id", "outlet", "text"], ["text"], ["body", "date"], ["id", "title"]]))
@example([], ["id", "outlet", "text"])  # found by fuzzing: a header-only CSV had no row in the report (fixed)
def test_csv_rows_never_crash_and_are_reported(rows, header):
    data = ("\n".join([",".join(header)] + [",".join(row) for row in rows]) + "\n").encode("utf-8", "surrogatepass")
    corpus = _write_and_load({"t.csv": data})
    _check_report(corpus, {"t.csv": data})


# -- the counting engine against the reference implementation ---------------------

_WORDS = ["hostage", "Hostage", "deal", "aa", "Aa", "ab", "b", "u", "s", "x1", "\u00e9t\u00e9", "caf\u00e9"]
# Extra words before a term in its exclusions; a word of _WORDS there makes exclusions that can
# overlap themselves ("hostage hostage*"), as in test_overlapping_exclusions_drop_every_match_inside_them.
_BEFORE = ["zz", "Zz", "of"]
_GAPS = [" ", "-", " - ", "  ", "'", "\u2019", ".", ", ", "\n", "\u2013", "\u00a0", "_", "&"]
_SEPARATORS = [" ", "-", "'", "."]


@st.composite
def _terms(draw):
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3))
    separators = draw(st.lists(st.sampled_from(_SEPARATORS), min_size=len(words) - 1, max_size=len(words) - 1))
    text = words[0] + "".join(separator + word for separator, word in zip(separators, words[1:]))
    if len(words[-1]) >= 2 and draw(st.booleans()):
        text += "*"
    term = {"term": text, "case_sensitive": draw(st.booleans())}
    if draw(st.booleans()):
        before = draw(st.sampled_from(_WORDS + _BEFORE))
        term["exclude"] = [f"{before} {text}"]
    return term


@st.composite
def _lexicons(draw):
    terms = draw(st.lists(_terms(), min_size=1, max_size=8))
    axis = terms[: len(terms) // 2]
    poles = {"p": {"terms": axis[::2]}, "q": {"terms": axis[1::2]}}
    data = {"name": "random", "categories": {"c": {"terms": terms[len(terms) // 2:]}}}
    if axis[1::2]:
        data["axes"] = {"a": {"poles": poles}}
    try:
        return Lexicon.from_dict(data)
    except LexiconError:
        assume(False)  # the same term twice: the validator refuses it, as it should


_texts_for_matching = st.lists(st.tuples(st.sampled_from(_WORDS + _BEFORE), st.sampled_from(_GAPS)), max_size=20).map(
    lambda parts: "".join(word + gap for word, gap in parts))


@PROFILE
@given(_lexicons(), st.lists(_texts_for_matching, min_size=1, max_size=3))
def test_random_lexicons_count_as_the_reference_does(lexicon, texts):
    corpus = Corpus([Article(f"t{i}", text) for i, text in enumerate(texts) if text.strip()])
    assume(len(corpus))
    expected = collections.Counter()
    reference = {}
    for article in corpus:
        normalized = normalize_text(article.text)
        reference[article.id] = reference_matches(normalized, [lexicon])
        for engine in ("aho-corasick", "regex"):
            matcher = TermMatcher([lexicon], engine=engine)
            fast = sorted((m.start, m.end, lexicon.name, matcher.entries[m.entry].axis, matcher.entries[m.entry].pole,
                           matcher.entries[m.entry].term.text) for m in matcher.match(normalized))
            assert fast == reference[article.id]
        expected.update((article.id, axis, pole, term) for _, _, _, axis, pole, term in reference[article.id])
    counts = count_terms(corpus, lexicon)
    counted = collections.Counter()  # two terms may share a text, one of them case-sensitive: add their rows
    for row in counts.itertuples():
        counted[(row.article_id, row.axis, row.pole, row.term)] += row.count
    assert counted == expected
    matches = find_matches(corpus, lexicon)
    assert len(matches) == sum(expected.values())
    for row in matches.itertuples():
        text = corpus[row.article_id].text
        assert text[row.start:row.end] == row.match
        assert row.sentence_start <= row.start < row.end <= row.sentence_end
        spans = [normalize_text(text).original_span(start, end) for start, end, *_ in reference[row.article_id]]
        assert (row.start, row.end) in spans


_SELF_OVERLAPPING = Lexicon.from_dict({"name": "overlap", "categories": {"c": {"terms": [
    {"term": "hostage*", "exclude": ["hostage hostage*"]}]}}})


def test_overlapping_exclusions_in_the_reference():
    # "hostage hostage" occurs at words 1-2 and at words 2-3: every word lies inside an occurrence.
    assert reference_matches(normalize_text("hostage hostage hostage"), [_SELF_OVERLAPPING]) == []


@pytest.mark.parametrize("engine", ["aho-corasick", "regex"])
def test_overlapping_exclusions_drop_every_match_inside_them(engine):
    # Found by fuzzing: TermMatcher._accept looked for exclusions with finditer, which skips overlapping
    # occurrences; it now searches from every position.
    assert TermMatcher([_SELF_OVERLAPPING], engine=engine).match(normalize_text("hostage hostage hostage")) == []


# -- the lexicon reader ------------------------------------------------------------------

_VALID_LEXICON = """\
name: demo
axes:
  captivity:
    poles:
      hostage:
        terms:
          - hostage*
          - term: abducted
            note: Stresses the act.
            exclude: [abducted children]
      captive:
        terms: [captive*]
categories:
  places:
    terms: [West Bank, Gaza]
"""
_YAML_PIECES = st.sampled_from(["", " ", "  ", "\t", ":", "- ", "[", "]", "{", "}", ",", "'", '"', "*", "&a", "*a",
                                "? ", "!!str ", "#", "|", ">", "---", "...", "%YAML 1.1", "\x07", "\ufeff", "~",
                                "null", "true", "1e3", "terms", "poles", "name", "hostage*", "\u2028", "\n"])


@PROFILE
@given(st.lists(st.tuples(st.integers(0, len(_VALID_LEXICON)), st.integers(0, 3),
                          st.lists(_YAML_PIECES, max_size=3).map("".join)), min_size=1, max_size=4))
def test_a_damaged_lexicon_raises_only_lexicon_error(edits):
    text = _VALID_LEXICON
    for position, removed, inserted in edits:
        position = min(position, len(text))
        text = text[:position] + inserted + text[position + removed:]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "lex.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            lexicon = Lexicon.from_yaml(path)
        except LexiconError as error:
            assert all(problem.startswith(f"{path}, line ") for problem in error.problems)
        else:
            assert lexicon.name and (lexicon.axes or lexicon.categories)
            assert Lexicon.from_dict(yaml.safe_load(lexicon.to_yaml())) == lexicon
