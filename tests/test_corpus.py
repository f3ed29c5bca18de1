import datetime as dt
import gzip
import json
import re

import pandas as pd
import pytest

from framing import Article, Corpus, CorpusError, load_corpus
from framing.corpus import LOAD_REPORT_COLUMNS
from framing.readers import parse_date, split_text_file


def _row(report: pd.DataFrame, source: str, record=None) -> pd.Series:
    rows = report[report["source"] == source]
    if record is not None:
        rows = rows[rows["record"] == record]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_seeds_load_with_manifest_metadata(seed_corpus):
    assert len(seed_corpus) == 5
    assert seed_corpus.outlets == ["A News", "Al Mayadeen English", "Mangalorean", "unknown republisher"]
    article = seed_corpus["000_8015344880bb54a8"]
    assert article.date == dt.date(2025, 7, 13)
    assert article.event == "doha-2025-07"
    assert article.url.startswith("https://www.anews.com.tr/")
    assert article.meta["host"] == "anews.com.tr"
    assert article.title is None  # first line ends with a period: it is text
    assert article.text.startswith("The Palestinian resistance groups")  # " date ..." header removed
    assert seed_corpus["001_6c84b83942d16bb2"].title == "Hamas says indirect talks with Israel resumes in Qatari capital"
    assert seed_corpus["001_6c84b83942d16bb2"].text.startswith("Gaza: Hamas confirmed")
    # 002's date comes from the manifest only ("inferred from text").
    assert seed_corpus["002_01f7d1bb75bbb616"].date == dt.date(2024, 5, 5)
    assert seed_corpus["004_3cabf72616562acd"].title == "Hamas delegation leaves Cairo to consult negotiations in Doha"


def test_seed_load_report_lists_every_file(seed_corpus):
    report = seed_corpus.load_report
    assert list(report.columns) == LOAD_REPORT_COLUMNS
    assert sorted(report["source"]) == ["000_8015344880bb54a8.txt", "001_6c84b83942d16bb2.txt",
                                        "002_01f7d1bb75bbb616.txt", "003_9c3a215738b07338.txt",
                                        "004_3cabf72616562acd.txt", "manifest.csv"]
    assert set(report["status"]) == {"loaded"}
    assert set(report["encoding"]) == {"utf-8"}


def test_to_frame_is_tidy(seed_corpus):
    frame = seed_corpus.to_frame()
    assert list(frame.columns[:8]) == ["id", "outlet", "date", "title", "url", "event", "n_chars", "n_tokens"]
    assert len(frame) == 5 and frame["id"].is_unique
    assert {"host", "note", "date_source"} <= set(frame.columns)
    assert frame["n_tokens"].sum() == sum(seed_corpus.n_tokens(a) for a in seed_corpus)


@pytest.mark.parametrize("text, title, date, body_start", [
    (" date 2025-07-13 The talks resumed. More.", None, dt.date(2025, 7, 13), "The talks resumed."),
    (" date 2025-01-04 Short headline\n\nBody text here.", "Short headline", dt.date(2025, 1, 4), "Body text"),
    ("Headline: with colon ends in text.\nBody.", None, None, "Headline: with colon"),
    ("A headline ending in a quote \u201cnow\u201d\nBody.", None, None, "A headline"),
    ("Only one line without period", None, None, "Only one line"),
    ("Headline\r\nBody on a CRLF line.", "Headline", None, "Body on a CRLF"),
])
def test_split_text_file(text, title, date, body_start):
    parsed_title, parsed_date, body = split_text_file(text)
    assert (parsed_title, parsed_date) == (title, date)
    assert body.startswith(body_start)
    assert "\r" not in body


@pytest.mark.parametrize("value, expected", [
    ("2025-07-13", dt.date(2025, 7, 13)),
    ("2025-07-13T08:30:00Z", dt.date(2025, 7, 13)),
    ("2025/07/13", dt.date(2025, 7, 13)),
    ("13 July 2025", dt.date(2025, 7, 13)),
    ("July 13, 2025", dt.date(2025, 7, 13)),
    ("Sun, 13 Jul 2025 08:00:00 GMT", dt.date(2025, 7, 13)),
    ("07/08/2025", None),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_bad_files_are_reported_and_the_rest_load(tmp_path):
    (tmp_path / "good.txt").write_text("Hostages were freed on Sunday.", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Caf\u00e9 talks: the captives were freed.".encode("latin-1"))
    (tmp_path / "smart.txt").write_bytes("\u201cCaptives\u201d \u2013 freed.".encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes("Detainees were freed.".encode("utf-16"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    report = corpus.load_report
    assert sorted(corpus.ids) == ["good", "latin", "smart", "utf16"]
    assert _row(report, "latin.txt")["encoding"] == "cp1252"
    assert "decoded as cp1252" in _row(report, "latin.txt")["warnings"]
    assert corpus["latin"].text == "Caf\u00e9 talks: the captives were freed."
    assert corpus["smart"].text == "\u201cCaptives\u201d \u2013 freed."
    assert _row(report, "utf16.txt")["encoding"] == "utf-16"
    assert _row(report, "empty.txt")[["status", "reason"]].tolist() == ["skipped", "empty file (0 bytes)"]
    assert _row(report, "blank.txt")["reason"] == "no text (the file holds only whitespace)"
    assert _row(report, "image.txt")["reason"] == "binary file (contains NUL bytes)"
    assert _row(report, "notes.md")["status"] == "skipped"
    assert len(report) == 8  # every input file appears exactly once
    assert "no manifest.csv; outlet set to 'unknown'" in _row(report, "good.txt")["warnings"]


def test_latin1_fallback_is_recorded(tmp_path):
    # 0x81 is undefined in cp1252, so only latin-1 can decode this file.
    (tmp_path / "odd.txt").write_bytes(b"Gaza \x81 ceasefire talks resumed.")
    corpus = load_corpus(tmp_path)
    assert _row(corpus.load_report, "odd.txt")["encoding"] == "latin-1"
    assert corpus["odd"].text == "Gaza \x81 ceasefire talks resumed."


def test_manifest_wins_and_missing_entries_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2020-01-01 Headline here\nBody text about hostages.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Body text without manifest row.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,outlet,date,title,event,desk\n"
        "a.txt,  Outlet   One ,2024-05-05,Manifest title,ev1,world\n"
        "ghost.txt,Outlet Two,2024-05-06,,,\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    a = corpus["a"]
    assert (a.outlet, a.date, a.title, a.event, dict(a.meta)) == (
        "Outlet One", dt.date(2024, 5, 5), "Manifest title", "ev1", {"desk": "world"})
    assert a.text == "Body text about hostages."
    assert corpus["b"].outlet == "unknown"
    report = corpus.load_report
    assert "not in manifest.csv; outlet set to 'unknown'" in _row(report, "b.txt")["warnings"]
    ghost = report[report["reason"].str.contains("ghost.txt")]
    assert ghost["status"].tolist() == ["skipped"]
    assert ghost["reason"].tolist() == ["manifest names 'ghost.txt' but no such file was found"]


def test_jsonl_bad_lines_are_skipped_with_reasons(tmp_path):
    lines = [
        json.dumps({"id": "s1", "outlet": "Wire", "date": "2024-05-05", "title": "T", "text": "Hostages freed."}),
        '{"id": "s2", "text": "truncated',
        "[1, 2, 3]",
        json.dumps({"id": "s3", "outlet": "Wire"}),
        "",
        json.dumps({"media_name": "Media Cloud Outlet", "publish_date": "2024-05-06 10:00:00", "title": "MC",
                    "url": "https://example.org/x", "text": "Captives freed.", "stories_id": 42}),
        json.dumps({"id": "s1", "outlet": "wire ", "text": "Same id again.", "date": "not a date"}),
    ]
    path = tmp_path / "stories.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.ids == ["s1", "42", "s1#2"]
    report = corpus.load_report
    assert _row(report, "stories.jsonl", 2)["reason"].startswith("line 2: invalid JSON")
    assert _row(report, "stories.jsonl", 3)["reason"] == "line 3: not a JSON object (got list)"
    assert _row(report, "stories.jsonl", 4)["reason"].startswith("record 4: no text field")
    mc = corpus["42"]
    assert (mc.outlet, mc.date, mc.url) == ("Media Cloud Outlet", dt.date(2024, 5, 6), "https://example.org/x")
    duplicate = _row(report, "stories.jsonl", 7)
    assert "duplicate id 's1' renamed to s1#2" in duplicate["warnings"]
    assert "merged with 'Wire'" in duplicate["warnings"]
    assert "date 'not a date' not understood" in duplicate["warnings"]
    assert corpus["s1#2"].outlet == "Wire" and corpus["s1#2"].meta["date_raw"] == "not a date"
    assert len(report) == 6  # 7 lines, one blank


def test_jsonl_gz_and_csv(tmp_path):
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g1", "outlet": "Gz", "text": "Militants attacked."}) + "\n")
    (tmp_path / "b.csv").write_text('id,outlet,date,title,text,url,topic\n'
                                    'c1,CSV Outlet,2024-01-02,Title,"Text, with comma\nand a newline",,elections\n'
                                    'c2,CSV Outlet,2024-01-03,Title,"broken quoting\n', encoding="utf-8")
    (tmp_path / "c.csv").write_text("id,body_text\n1,hello\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["g1", "c1"]
    assert corpus["c1"].text == "Text, with comma\nand a newline"
    assert corpus["c1"].meta == {"topic": "elections"}
    report = corpus.load_report
    assert report[report["source"] == "b.csv"]["status"].tolist() == ["loaded", "skipped"]
    assert _row(report, "c.csv")["reason"].startswith("no text column (looked for text, content")


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match=re.escape("corpus path 'nowhere' does not exist")):
        load_corpus("nowhere")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="is not a supported type"):
        load_corpus(tmp_path / "x.pdf")


def test_corpus_rejects_duplicate_ids_and_bad_articles():
    with pytest.raises(CorpusError, match=re.escape("article id 'a' appears twice")):
        Corpus([Article("a", "x"), Article("a", "y")])
    with pytest.raises(CorpusError, match="outlet must be a non-empty string"):
        Article("a", "x", outlet="  ")
    with pytest.raises(CorpusError, match="date must be a datetime.date"):
        Article("a", "x", date="2024-01-01")
