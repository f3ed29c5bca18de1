"""Bad inputs to the load stage: each is loaded or skipped with its reason, never a crash.

The committed fixtures are in ``tests/data/bad/``; large or generated inputs are
written into ``tmp_path`` by the tests. Every expected value below was worked
out by hand from the fixture bytes.
"""

import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing import Article, Corpus, Lexicon, load_corpus
from framing.readers import parse_date
from framing.matching import TermMatcher
from framing.text import html_to_text, normalize_text

BAD = Path(__file__).parent / "data" / "bad"
ARTICLE_SUFFIXES = (".txt", ".csv", ".jsonl")


@pytest.fixture(scope="module")
def bad_corpus() -> Corpus:
    return load_corpus(BAD)


def _row(report: pd.DataFrame, source: str, record=None) -> pd.Series:
    rows = report[report["source"] == source]
    if record is not None:
        rows = rows[rows["record"] == record]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# source, record, status, article id, a substring of the reason, a substring of the warnings
REPORT = [
    ("binary.txt", None, "skipped", "", "binary file (contains NUL bytes)", ""),
    ("control_bytes.txt", None, "skipped", "", "binary file (8 control characters in the first 15)", ""),
    ("empty.txt", None, "skipped", "", "empty file (0 bytes)", ""),
    ("whitespace.txt", None, "skipped", "", "no text (the file holds only whitespace)", ""),
    ("utf16_bom.txt", None, "loaded", "utf16_bom", "", "decoded as utf-16; outlet 'AL MAYADEEN' merged with 'Al Mayadeen'"),
    ("cp1252.txt", None, "loaded", "cp1252", "", "decoded as cp1252"),
    ("latin1.txt", None, "loaded", "latin1", "", "decoded as latin-1; outlet 'wire' merged with 'Wire'"),
    ("latin1_plain.txt", None, "loaded", "latin1_plain", "", "decoded as cp1252; outlet 'WIRE' merged with 'Wire'"),
    ("mixed_newlines.txt", None, "loaded", "mixed_newlines", "", ""),
    ("html_article.txt", None, "loaded", "html_article", "", "HTML markup removed"),
    ("entities_only.txt", None, "loaded", "entities_only", "", "HTML entities decoded"),
    ("plain_lt.txt", None, "loaded", "plain_lt", "", "manifest date 'next Tuesday' not understood; kept as meta date_raw"),
    ("broken.csv", 2, "loaded", "c1", "", ""),
    ("broken.csv", 3, "skipped", "", "row 3: broken CSV quoting (',' expected after '\"'); line 3 skipped", ""),
    ("broken.csv", 4, "skipped", "", "row 4: broken CSV quoting (',' expected after '\"'); lines 4-5 skipped", ""),
    ("broken.csv", 5, "loaded", "c5", "", "outlet 'wire' merged with 'Wire' (differs only in case or spacing)"),
    ("broken.csv", 6, "skipped", "", "row 6: 4 fields where the header has 5 (broken quoting?)", ""),
    ("broken.csv", 7, "loaded", "c1#2", "", "duplicate id 'c1' renamed to c1#2; outlet 'WIRE' merged with 'Wire'"),
    ("stories.jsonl", 1, "loaded", "j1", "", ""),
    ("stories.jsonl", 2, "loaded", "j2", "", "outlet 'al mayadeen' merged with 'Al Mayadeen'"),
    ("stories.jsonl", 3, "loaded", "j3", "", "outlet 'Al  Mayadeen' merged with 'Al Mayadeen'"),
    ("stories.jsonl", 7, "loaded", "j7", "", "date '13/07/2025' not understood; kept as meta date_raw"),
    ("stories.jsonl", 8, "loaded", "j8", "", "date 'last Tuesday' not understood; kept as meta date_raw"),
    ("stories.jsonl", 9, "skipped", "", "line 9: not a JSON object (got list)", ""),
    ("stories.jsonl", 10, "skipped", "", "line 10: not a JSON object (got str)", ""),
    ("stories.jsonl", 11, "skipped", "", "line 11: not a JSON object (got int)", ""),
    ("stories.jsonl", 12, "skipped", "", "line 12: not a JSON object (got NoneType)", ""),
    ("stories.jsonl", 13, "skipped", "", "record 13: text is int, not a string", ""),
    ("stories.jsonl", 14, "skipped", "", "record 14: empty text", ""),
    ("stories.jsonl", 15, "loaded", "j1#2", "", "duplicate id 'j1' renamed to j1#2"),
    ("stories.jsonl", 16, "loaded", "j16", "", "HTML markup removed"),
    ("stories.jsonl", 17, "skipped", "", "record 17: no text once HTML markup was removed", ""),
    ("stories.jsonl", 19, "loaded", "j19", "", "lone surrogate escapes replaced by U+FFFD"),
    ("stories.jsonl", 20, "skipped", "", "line 20: invalid JSON (Unterminated string starting at column 41)", ""),
]


@pytest.mark.parametrize("source, record, status, article_id, reason, warning", REPORT)
def test_each_bad_input_has_its_status_and_reason(bad_corpus, source, record, status, article_id, reason, warning):
    row = _row(bad_corpus.load_report, source, record)
    assert (row["status"], row["article_id"]) == (status, article_id)
    assert reason in row["reason"]
    assert warning in row["warnings"]
    if status == "skipped":
        assert row["reason"]


def test_every_file_and_record_appears_in_the_report(bad_corpus):
    report = bad_corpus.load_report
    expected = {path.name: 1 for path in BAD.iterdir() if path.is_file()}
    expected["broken.csv"] = 6     # rows 2-8; the row on lines 4-5 is one record
    expected["stories.jsonl"] = 19  # 20 lines, one of them blank
    expected["manifest.csv"] = 3    # the manifest itself and its two missing files
    assert report["source"].value_counts().to_dict() == expected
    assert set(report["status"]) == {"loaded", "skipped"}
    assert (report.loc[report["status"] == "skipped", "reason"] != "").all()
    others = report[~report["source"].str.endswith((*ARTICLE_SUFFIXES, "manifest.csv"))]
    assert set(others["reason"]) == {"not an article file (expected .txt, .jsonl, .jsonl.gz, .csv or .parquet)"}
    loaded = report[(report["status"] == "loaded") & (report["source"] != "manifest.csv")]
    assert sorted(loaded["article_id"]) == sorted(bad_corpus.ids)


def test_manifest_rows_for_missing_and_for_skipped_files(bad_corpus):
    report = bad_corpus.load_report
    manifest = report[report["source"] == "manifest.csv"]
    assert manifest["reason"].tolist() == [
        "manifest with 12 rows",
        "manifest names 'archive/missing.txt' but no such file was found",
        "manifest names 'ghost.txt' but no such file was found",
    ]
    # binary.txt and empty.txt exist: they are skipped for what they hold, not reported as missing.
    assert not manifest["reason"].str.contains("binary.txt|empty.txt").any()


TEXTS = {
    "utf16_bom": "Families of the \u201chostages\u201d met at the caf\u00e9 \u2014 in Doha.",
    "cp1252": "\u201cHostages\u201d \u2013 freed after 470 days, the caf\u00e9 owner told us.",
    "latin1": "Les otages lib\u00e9r\u00e9s \x8d a hostage exchange near the caf\u00e9.",
    "latin1_plain": "Caf\u00e9 owners sheltered the hostage.",
    "mixed_newlines": "First hostage line.\nSecond line with hostages.\nThird line, a hostage again.",
    "html_article": ("Families of the \u201chostages\u201d met in Doha\u00a0on Sunday.\n\n"
                     "Officials described the hostage deal as close.\n"
                     "Talks resume on Monday & Tuesday \u2014 sources \"confirmed\"."),
    "entities_only": "Tom & Jerry: the \"hostages\" were freed \u2014 officials.",
    "plain_lt": "If a < b and b > c, then 3<4; x<y>z too. AT&T and R&D staff saw one hostage freed.",
    "c1": "A hostage was freed, officials said.",
    "c5": "Two hostages were freed.",
    "c1#2": "Another hostage story.",
    "j3": "Hostages, hostages, hostages.",
    "j16": "The hostages & their families",
    "j19": "Two hostages \ufffd freed.",
}


@pytest.mark.parametrize("article_id, text", TEXTS.items())
def test_loaded_text_is_exact(bad_corpus, article_id, text):
    assert bad_corpus[article_id].text == text


def test_titles_of_text_files(bad_corpus):
    assert bad_corpus["utf16_bom"].title == "Talks in Doha"
    assert bad_corpus["mixed_newlines"].title == "Mixed newlines"
    assert bad_corpus["html_article"].title == "Hostage talks resume"  # from <title>; <style> and <script> dropped
    assert bad_corpus["cp1252"].title is None


def test_outlets_differing_in_case_or_spacing_are_merged(bad_corpus):
    assert bad_corpus.outlets == ["Al Jazeera", "Al Mayadeen", "Wire"]
    outlets = {article.id: article.outlet for article in bad_corpus}
    assert {outlets[i] for i in ("j1", "j2", "j3", "utf16_bom", "mixed_newlines")} == {"Al Mayadeen"}
    assert {outlets[i] for i in ("c5", "c1#2", "latin1", "latin1_plain", "cp1252")} == {"Wire"}


JULY_13 = dt.date(2025, 7, 13)
DATES = {
    # manifest dates
    "cp1252": JULY_13,            # 2025-07-13
    "latin1": JULY_13,            # 13 July 2025
    "latin1_plain": JULY_13,      # July 13, 2025
    "mixed_newlines": JULY_13,    # Sun, 13 Jul 2025 08:00:00 GMT
    "utf16_bom": JULY_13,         # 2025/07/13
    "html_article": JULY_13,      # 2025-07-13T08:30:00Z
    "plain_lt": None,             # next Tuesday
    "entities_only": None,        # empty
    # JSONL dates
    "j1": JULY_13, "j2": JULY_13, "j3": JULY_13, "j4": JULY_13, "j5": JULY_13, "j6": JULY_13,
    "j7": None,                   # 13/07/2025 is ambiguous, so refused
    "j8": None,                   # last Tuesday
    "c5": dt.date(2025, 7, 14),
}


def test_dates_in_every_format_and_garbage(bad_corpus):
    assert {article_id: bad_corpus[article_id].date for article_id in DATES} == DATES
    assert bad_corpus["plain_lt"].meta["date_raw"] == "next Tuesday"
    assert bad_corpus["j7"].meta["date_raw"] == "13/07/2025"


@pytest.mark.parametrize("value, expected", [
    ("2025-07-13", JULY_13),
    ("2025-07-13T08:30:00+05:30", JULY_13),
    ("2025-07-13 23:59:59", JULY_13),
    ("20250713", JULY_13),
    ("2025.07.13", JULY_13),
    ("13 Jul 2025", JULY_13),
    ("Jul 13 2025", JULY_13),
    ("Sunday, July 13, 2025", JULY_13),
    ("  13   July\n2025 ", JULY_13),
    ("2025-02-30", None),
    ("32 July 2025", None),
    ("1720857600", None),  # a Unix time is not guessed
    ("Sun, 13 Jul 99999 08:00:00 GMT", None),
    ("\x00\x01", None),
    ("-", None),
])
def test_parse_date_formats_and_garbage(value, expected):
    assert parse_date(value) == expected


HOSTAGE_WORDS = {
    "c1": ["hostage"], "c5": ["hostages"], "c1#2": ["hostage"],
    "cp1252": ["Hostages"], "entities_only": ["hostages"],
    "html_article": ["hostages", "hostage"],  # not the title, the <script> or the comment
    "latin1": ["hostage"], "latin1_plain": ["hostage"],
    "mixed_newlines": ["hostage", "hostages", "hostage"],
    "plain_lt": ["hostage"], "utf16_bom": ["hostages"],
    "j1": ["hostage"], "j2": ["hostage"], "j3": ["Hostages", "hostages", "hostages"], "j5": ["Hostage"],
    "j1#2": ["hostage"], "j16": ["hostages"], "j19": ["hostages"],
}


def test_kwic_offsets_point_into_the_loaded_text(bad_corpus):
    lines = framing.kwic(bad_corpus, "hostage*")
    for row in lines.itertuples():
        assert bad_corpus[row.article_id].text[row.start:row.end] == row.match
    found = lines.groupby("article_id", sort=False)["match"].agg(list).to_dict()
    assert found == HOSTAGE_WORDS
    spans = {(row.article_id, row.start, row.end) for row in lines.itertuples()}
    # "First hostage line.\n" is 20 characters, "Second line with hostages.\n" 27.
    assert {("mixed_newlines", 6, 13), ("mixed_newlines", 37, 45), ("mixed_newlines", 61, 68)} <= spans
    assert ("cp1252", 1, 9) in spans  # after the opening curly quote decoded from byte 0x93
    # After "Families of the \u201c" (17 characters) and, past the 49-character first paragraph
    # and its blank line, "Officials described the " (24 characters).
    assert {("html_article", 17, 25), ("html_article", 75, 82)} <= spans


# -- generated inputs ---------------------------------------------------------

def test_a_50_megabyte_article_loads_and_counts(tmp_path):
    sentence = "The ceasefire talks resumed in Doha on Sunday and the negotiators met again.\n"  # 13 tokens
    unit = sentence * 9 + "Families of the hostages waited for news.\n"  # 9 * 13 + 7 = 124 tokens, 1 match
    repeats = 50 * 2**20 // len(unit) + 1
    (tmp_path / "long.txt").write_text("Long article\n" + unit * repeats, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    article = corpus["long"]
    assert _row(corpus.load_report, "long.txt")[["status", "encoding"]].tolist() == ["loaded", "utf-8"]
    assert article.title == "Long article"
    assert len(article.text) == len(unit) * repeats - 1 >= 50 * 2**20  # the final newline is stripped
    lexicon = Lexicon.from_dict({"name": "big", "categories": {"captivity": {"terms": ["hostage*"]}}})
    counts = framing.count_terms(corpus, lexicon)
    assert counts[["term", "count", "n_tokens"]].values.tolist() == [["hostage*", repeats, 124 * repeats]]
    matcher = TermMatcher([lexicon])
    normalized = normalize_text(article.text)
    starts = [normalized.original_span(m.start, m.end)[0] for m in matcher.match(normalized)]
    offset = len(sentence) * 9 + len("Families of the ")
    assert starts == [offset + i * len(unit) for i in range(repeats)]
    assert {article.text[start:start + 8] for start in starts} == {"hostages"}


def test_jsonl_damage_beyond_bad_syntax(tmp_path):
    lines = [
        '{"id": "big", "text": "x", "count": 1' + "0" * 5000 + "}",  # more digits than Python converts
        "[" * 100_000 + "]" * 100_000,                               # deeper than the JSON parser recurses
        '{"id": "ok", "text": "One hostage."}',
    ]
    (tmp_path / "damaged.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(tmp_path / "damaged.jsonl")
    report = corpus.load_report
    assert corpus.ids == ["ok"]
    assert _row(report, "damaged.jsonl", 1)["reason"] == (
        "line 1: invalid JSON (Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits)")
    assert _row(report, "damaged.jsonl", 2)["reason"] == "line 2: invalid JSON (nested too deeply to read)"


def test_damaged_gzip_keeps_the_records_before_the_damage(tmp_path):
    records = b"".join(json.dumps({"id": f"r{i}", "text": f"Hostage story {i}."}).encode() + b"\n"
                       for i in range(2000))
    compressed = gzip.compress(records)
    (tmp_path / "cut.jsonl.gz").write_bytes(compressed[: len(compressed) // 2])
    (tmp_path / "garbled.jsonl.gz").write_bytes(compressed[:10] + b"\xff" * 200)
    (tmp_path / "plain.jsonl.gz").write_bytes(records[:100])
    corpus = load_corpus(tmp_path)
    report = corpus.load_report
    cut = report[report["source"] == "cut.jsonl.gz"]
    assert (cut["status"].iloc[:-1] == "loaded").all() and len(cut) > 1
    assert cut["reason"].iloc[-1] == ("damaged compressed file (Compressed file ended before the end-of-stream "
                                      "marker was reached); the records before the damage were loaded")
    assert corpus.ids[: len(cut) - 1] == [f"r{i}" for i in range(len(cut) - 1)]
    garbled = _row(report, "garbled.jsonl.gz")
    assert garbled["status"] == "skipped"
    assert garbled["reason"].startswith("damaged compressed file (Error -3 while decompressing data")
    assert _row(report, "plain.jsonl.gz")["reason"].startswith("cannot be read (Not a gzipped file")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_jsonl_and_csv(tmp_path, encoding):
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[encoding]
    lines = ['{"id": "u1", "outlet": "Wire", "text": "Two \u201chostages\u201d freed."}', "[1]",
             '{"id": "u2", "outlet": "Wire", "text": "Caf\u00e9 hostage talks."}']
    (tmp_path / "wide.jsonl").write_bytes(bom + "\r\n".join(lines).encode(encoding))
    (tmp_path / "wide.csv").write_bytes(bom + 'id,text\r\nv1,"One hostage, freed."\r\n'.encode(encoding))
    corpus = load_corpus(tmp_path)
    report = corpus.load_report
    reported_encoding = "utf-16" if encoding == "utf-16-be" else encoding
    assert corpus.ids == ["v1", "u1", "u2"]
    assert corpus["u1"].text == "Two \u201chostages\u201d freed."
    assert corpus["v1"].text == "One hostage, freed."
    assert set(report["encoding"]) == {reported_encoding}
    assert _row(report, "wide.jsonl", 2)["reason"] == "line 2: not a JSON object (got list)"


def test_manifest_with_a_field_longer_than_the_csv_default(tmp_path):
    (tmp_path / "a.txt").write_text("One hostage was freed.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,outlet,note\na.txt,Wire,\"" + "n" * 200_000 + "\"\n",
                                           encoding="utf-8")
    default = csv.field_size_limit(131072)  # as in a fresh interpreter, whatever ran before
    try:
        corpus = load_corpus(tmp_path)
    finally:
        csv.field_size_limit(default)
    assert corpus["a"].outlet == "Wire"
    assert len(corpus["a"].meta["note"]) == 200_000


def test_article_text_with_lone_surrogates_can_be_counted_and_written(tmp_path):
    (tmp_path / "s.jsonl").write_text('{"id": "s", "title": "T \\udc00", "text": "A hostage \\ud83d freed."}\n',
                                      encoding="utf-8")
    corpus = load_corpus(tmp_path)
    article = corpus["s"]
    assert (article.title, article.text) == ("T \ufffd", "A hostage \ufffd freed.")
    lexicon = Lexicon.from_dict({"name": "one", "categories": {"captivity": {"terms": ["hostage*"]}}})
    assert framing.count_terms(corpus, lexicon)["count"].tolist() == [1]
    article.text.encode("utf-8")  # no UnicodeEncodeError when a report writes it


# -- HTML -----------------------------------------------------------------------

@pytest.mark.parametrize("raw, text, warning", [
    ("<p>One</p><p>Two</p>", "One\n\nTwo", "HTML markup removed"),
    ("Line<br>break<br/>here<br />", "Line\nbreak\nhere", "HTML markup removed"),
    ("a<br><br>b", "a\n\nb", "HTML markup removed"),
    ("<div>a</div><div>b</div>", "a\nb", "HTML markup removed"),
    ("<ul><li>x</li><li>y</li></ul>after", "x\ny\n\nafter", "HTML markup removed"),
    ("<p>x <b>bold</b>  and\n  <i>it</i></p>", "x bold and it", "HTML markup removed"),
    ('<a href="https://example.org/?a=1&amp;b=2">a link</a> here', "a link here", "HTML markup removed"),
    ("x<script>if (a < b) { y('</p>') }</script>z", "xz", "HTML markup removed"),
    ("<style>p { color: red }</style>Body", "Body", "HTML markup removed"),
    ("<P>Upper case tags</P>", "Upper case tags", "HTML markup removed"),
    ("<p>Tom&nbsp;&amp;&nbsp;Jerry &quot;q&quot; &#8220;r&#8221; &#x2014;</p>",
     "Tom\u00a0&\u00a0Jerry \"q\" \u201cr\u201d \u2014", "HTML markup removed"),
    ("Text <!-- hidden --> more", "Text more", "HTML markup removed"),
    ("<p>if a<b then</p><pre>1<2\n 3</pre>", "if a<b then\n\n1<2\n3", "HTML markup removed"),  # "<" never closed
    ("<p>x</p><!-- never closed", "x\n\n<!-- never closed", "HTML markup removed"),
    ("<p>x</p><![foo]>y<![if !x]>z<![endif]>", "x\n\n<![foo]>yz", "HTML markup removed"),  # used to raise
    ("<p>x</p><![<![", "x\n\n<![<![", "HTML markup removed"),  # used to raise AssertionError
    ("Tom &amp; Jerry &#8220;q&#8221;", "Tom & Jerry \u201cq\u201d", "HTML entities decoded"),
    ("If a < b and b > c", "If a < b and b > c", ""),
    ("x<y>z and 3<4", "x<y>z and 3<4", ""),
    ("AT&T and R&D; &bogus; &ampx; & &#;", "AT&T and R&D; &bogus; &ampx; & &#;", ""),
    ("<3 you", "<3 you", ""),
])
def test_html_to_text(raw, text, warning):
    assert html_to_text(raw) == (text, warning)


def test_html_in_csv_text_and_title(tmp_path):
    (tmp_path / "h.csv").write_text(
        'id,title,text\nh1,"<b>Two</b> &amp; more","<p>The <em>hostages</em></p><p>were freed.</p>"\n'
        'h2,Plain &amp; title,"if a < b, no hostage"\n', encoding="utf-8")
    corpus = load_corpus(tmp_path / "h.csv")
    assert (corpus["h1"].title, corpus["h1"].text) == ("Two & more", "The hostages\n\nwere freed.")
    assert (corpus["h2"].title, corpus["h2"].text) == ("Plain & title", "if a < b, no hostage")
    report = corpus.load_report
    assert report["warnings"].tolist() == ["HTML markup removed", ""]
    lines = framing.kwic(corpus, "hostage*")
    assert [(row.article_id, row.start, row.end, row.match) for row in lines.itertuples()] == [
        ("h1", 4, 12, "hostages"), ("h2", 13, 20, "hostage")]


def test_a_file_of_markup_only_is_skipped_with_its_reason(tmp_path):
    (tmp_path / "script.txt").write_text("<html><script>var hostages = 1;</script></html>", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert len(corpus) == 0
    assert _row(corpus.load_report, "script.txt")["reason"] == "no text once HTML markup was removed"


def test_directly_built_articles_are_not_altered():
    article = Article("a", "<p>kept as given</p>")
    assert Corpus([article])["a"].text == "<p>kept as given</p>"


@pytest.mark.parametrize("data, reason", [
    (b'"', "broken CSV quoting in the header row (unexpected end of data); line 1 skipped"),
    (b'"id\ntext"x,y\n1,2\n', "broken CSV quoting in the header row (',' expected after '\"'); lines 1-2 skipped"),
])
def test_broken_quoting_in_the_csv_header(tmp_path, data, reason):
    (tmp_path / "head.csv").write_bytes(data)
    report = load_corpus(tmp_path).load_report
    assert report[["source", "status", "reason"]].values.tolist() == [["head.csv", "skipped", reason]]
