"""Streaming: readers hand on one article at a time, and counting a stream keeps only the sums.

Every table from a stream must equal the table from the corpus loaded whole,
for every reader (folder, JSONL, JSONL.gz, CSV, Parquet), any ``n_jobs`` and
the Dask engine.
"""

import csv
import datetime as dt
import gzip
import json
import weakref

import pandas as pd
import pytest

from framing import Article, CorpusStream, _parallel, count_tables, count_terms, load_corpus, stream_corpus
from framing.cli import main
from framing.counting import find_matches, summarize_poles
from framing.exceptions import CorpusError
from framing.report import write_table

WORDS = ["hostages", "captives", "Hamas militants", "the Resistance", "prisoners", "ceasefire", "killed",
         "war on Gaza", "the occupation", "negotiations"]


def _records(n: int) -> list[dict]:
    """Records whose texts cycle through framing words, a quotation in every third one."""
    records = []
    for index in range(n):
        words = " and ".join(WORDS[(index * 3 + k) % len(WORDS)] for k in range(1 + index % 5))
        quote = f' "We saw {WORDS[index % len(WORDS)]}," he said.' if index % 3 == 0 else ""
        records.append({"id": f"r{index:04d}", "outlet": f"Outlet {index % 4}", "date": f"2025-01-{1 + index % 9:02d}",
                        "title": f"Story {index}", "text": f"Report {index}. {words}.{quote}", "desk": f"d{index % 2}"})
    return records


def _write(tmp_path, kind: str, records: list[dict]):
    if kind == "jsonl":
        path = tmp_path / "corpus.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif kind == "jsonl.gz":
        path = tmp_path / "corpus.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.writelines(json.dumps(r) + "\n" for r in records)
    elif kind == "csv":
        path = tmp_path / "corpus.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    elif kind == "parquet":
        pytest.importorskip("pyarrow")
        path = tmp_path / "corpus.parquet"
        pd.DataFrame(records).to_parquet(path, row_group_size=7)
    else:  # a folder of text files with a manifest
        path = tmp_path / "folder"
        path.mkdir()
        for record in records:
            (path / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
        pd.DataFrame(records).drop(columns=["text", "id"]).assign(
            file=[f"{r['id']}.txt" for r in records]).to_csv(path / "manifest.csv", index=False)
    return path


KINDS = ["jsonl", "jsonl.gz", "csv", "parquet", "folder"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_reader_hands_on_one_article_at_a_time(tmp_path, kind):
    path = _write(tmp_path, kind, _records(40))
    alive, most_alive = set(), 0
    for article in stream_corpus(path):
        alive.add(article.id)
        weakref.finalize(article, alive.discard, article.id)
        most_alive = max(most_alive, len(alive))
        del article  # the consumer lets go; a reader that kept a list of articles would keep them alive
    assert most_alive == 1
    assert alive == set()


@pytest.mark.parametrize("kind", KINDS)
def test_a_stream_gives_the_articles_and_load_report_of_load_corpus(tmp_path, kind):
    path = _write(tmp_path, kind, _records(25))
    stream = stream_corpus(path)
    assert stream.load_report is None  # nothing read yet
    streamed = list(stream)
    corpus = load_corpus(path)
    assert [(a.id if kind != "folder" else a.id, a.outlet, a.date, a.text) for a in streamed] == \
        [(a.id, a.outlet, a.date, a.text) for a in corpus]
    pd.testing.assert_frame_equal(stream.load_report, corpus.load_report)
    assert streamed[3].outlet == "Outlet 3" and streamed[3].date == dt.date(2025, 1, 4)
    assert list(stream) == streamed  # a second pass reads the same articles again


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("by", ["article", "outlet", "date", "desk"])
def test_counting_a_stream_equals_counting_the_loaded_corpus(tmp_path, kind, by):
    path = _write(tmp_path, kind, _records(30))
    corpus = load_corpus(path)
    terms, poles = count_tables(stream_corpus(path), by=by, voice="narration")
    expected_terms = count_terms(corpus, by=by, voice="narration")
    pd.testing.assert_frame_equal(terms, expected_terms)
    pd.testing.assert_frame_equal(poles, summarize_poles(corpus, by=by, voice="narration", counts=expected_terms))
    pd.testing.assert_frame_equal(count_terms(stream_corpus(path), by=by, voice="narration"), expected_terms)


def test_stream_counts_by_hand():
    """Two articles of one outlet: the sums are worked out by hand from the texts."""
    articles = iter([
        Article("a", 'Hostages were freed. "The hostages are home," she said.', outlet="Wire"),
        Article("b", "Captives and hostages.", outlet="Wire"),
        Article("c", "Nothing here.", outlet="Other"),
    ])
    terms, poles = count_tables(articles, by="outlet")
    hostage = terms[(terms["outlet"] == "Wire") & (terms["term"] == "hostage*")].iloc[0]
    assert hostage[["n_articles", "n_tokens", "count", "count_narration", "count_quotation"]].tolist() == \
        [2, 12, 3, 2, 1]
    # 'Other' has no match: no term row, but its pole rows are there with zero counts and its size
    other = poles[poles["outlet"] == "Other"]
    assert set(other["count"]) == {0} and set(other["n_articles"]) == {1} and set(other["n_tokens"]) == {2}
    assert "Other" not in set(terms["outlet"])


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(_parallel, "CHUNK_SIZE", 4)


def test_counting_keeps_only_a_few_chunks_of_a_stream_alive(small_chunks):
    """With chunks of 4 and 2 workers, at most 2 windows of 2 x 2 chunks (32 articles) are held, not 200."""
    alive, most_alive = set(), [0]

    def articles():
        for record in _records(200):
            article = Article(record["id"], record["text"], outlet=record["outlet"])
            alive.add(article.id)
            weakref.finalize(article, alive.discard, article.id)
            most_alive[0] = max(most_alive[0], len(alive))
            yield article

    table = count_terms(articles(), by="outlet", n_jobs=2, progress=False)
    assert table["n_articles"].groupby(table["outlet"]).first().sum() == 200
    assert most_alive[0] <= 2 * _parallel.IN_FLIGHT * 2 * 4 + 1


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_stream_tables_are_identical_for_any_n_jobs(tmp_path, small_chunks, n_jobs):
    path = _write(tmp_path, "jsonl", _records(60))
    expected = count_tables(load_corpus(path), by="outlet")
    for got, want in zip(count_tables(stream_corpus(path), by="outlet", n_jobs=n_jobs, progress=False), expected):
        pd.testing.assert_frame_equal(got, want)


def test_dask_engine_counts_a_stream_like_the_local_engine(tmp_path, small_chunks):
    pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    path = _write(tmp_path, "jsonl.gz", _records(40))
    local = count_terms(stream_corpus(path), by="article", progress=False)
    dask = count_terms(stream_corpus(path), by="article", n_jobs=2, engine="dask", progress=False)
    pd.testing.assert_frame_equal(local, dask)


def test_parquet_records_become_articles_with_their_reasons(tmp_path):
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    table = pyarrow.table({
        "story_id": [1, 2, 3],
        "media_name": ["Wire", "Wire", "Post"],
        "publish_date": pyarrow.array([dt.datetime(2025, 1, 15, 8), None, dt.datetime(2025, 2, 1)]),
        "text": ["Hostages were freed.", None, "<p>Captives &amp; prisoners</p>"],
        "words": [3, 0, 3],
    })
    path = tmp_path / "export.parquet"
    pyarrow.parquet.write_table(table, path)
    corpus = load_corpus(path)
    assert [(a.id, a.outlet, a.date, a.text, dict(a.meta)) for a in corpus] == [
        ("1", "Wire", dt.date(2025, 1, 15), "Hostages were freed.", {"words": "3"}),
        ("3", "Post", dt.date(2025, 2, 1), "Captives & prisoners", {"words": "3"}),
    ]
    report = corpus.load_report
    assert report["status"].tolist() == ["loaded", "skipped", "loaded"]
    assert report.loc[1, "reason"] == "record 2: no text field (looked for text, content, body, story_text, " \
                                      "article_text)"
    assert report.loc[2, "warnings"] == "HTML markup removed"


def test_damaged_and_textless_parquet_files_are_skipped_with_a_reason(tmp_path):
    pytest.importorskip("pyarrow")
    good = _write(tmp_path, "parquet", _records(5))
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    no_text = tmp_path / "no_text.parquet"
    pd.DataFrame({"headline": ["a"]}).to_parquet(no_text)
    report = load_corpus(tmp_path).load_report.set_index("source")
    assert report.loc["corpus.parquet", "status"].tolist() == ["loaded"] * 5
    assert report.loc["damaged.parquet", "status"] == "skipped"
    assert report.loc["damaged.parquet", "reason"].startswith("not a readable Parquet file (")
    assert report.loc["no_text.parquet", "reason"] == ("no text column (looked for text, content, body, story_text, "
                                                       "article_text); its columns are headline")


def test_csv_encoding_is_found_past_the_first_block(tmp_path):
    """One cp1252 byte after 2 MB of ASCII: the whole file is read as cp1252, as decode_bytes would."""
    path = tmp_path / "late.csv"
    filler = "x" * 1000
    rows = "".join(f"r{i},Wire,{filler}\n" for i in range(2100))
    path.write_bytes(b"id,outlet,text\n" + rows.encode("ascii") + "r9999,Wire,Caf\xe9 talks\n".encode("cp1252"))
    corpus = load_corpus(path)
    assert len(corpus) == 2101
    assert corpus["r9999"].text == "Café talks"
    assert set(corpus.load_report["encoding"]) == {"cp1252"}


def test_stream_errors_are_raised_before_reading(tmp_path):
    with pytest.raises(CorpusError, match="corpus path 'no/such' does not exist"):
        stream_corpus("no/such")
    (tmp_path / "a.docx").write_text("x")
    with pytest.raises(CorpusError, match="is not a supported type"):
        CorpusStream(tmp_path / "a.docx")
    with pytest.raises(CorpusError, match="by='colour' is not a column of the corpus"):
        count_terms(stream_corpus(_write(tmp_path, "jsonl", _records(3))), by="colour")


def test_cli_counts_streams_and_writes_the_same_tables(tmp_path, small_chunks, capsys):
    path = _write(tmp_path, "jsonl", _records(30))
    assert main(["counts", str(path), "--by", "outlet", "--out", str(tmp_path / "out")]) == 0
    corpus = load_corpus(path)
    expected = tmp_path / "expected"
    terms = count_terms(corpus, by="outlet")
    write_table(terms, expected / "term_counts.csv")
    write_table(summarize_poles(corpus, by="outlet", counts=terms), expected / "pole_counts.csv")
    write_table(find_matches(corpus), expected / "matches.csv")  # the CLI writes it 4 articles at a time
    write_table(corpus.load_report, expected / "load_report.csv")
    for name in ("term_counts.csv", "pole_counts.csv", "matches.csv", "load_report.csv"):
        assert (tmp_path / "out" / "tables" / name).read_bytes() == (expected / name).read_bytes(), name
    assert len(pd.read_csv(expected / "matches.csv")) > 30


@pytest.mark.parametrize("scale", ["count", "rate", "share"])
def test_lexicon_features_of_a_stream_in_workers_equal_those_of_a_list(tmp_path, small_chunks, scale):
    from framing import LexiconVectorizer

    path = _write(tmp_path, "jsonl", _records(30))
    texts = [article.text for article in load_corpus(path)]
    expected = LexiconVectorizer(scale=scale).fit_transform(texts)
    streamed = LexiconVectorizer(scale=scale, n_jobs=2).fit_transform(stream_corpus(path))
    assert streamed.shape == (30, expected.shape[1])
    assert (streamed == expected).all()
    # record 0 is 'Report 0. hostages. "We saw hostages," he said.': two hostage matches, 8 tokens
    column = list(LexiconVectorizer().fit().get_feature_names_out()).index("captivity:hostage")
    assert expected[0, column] == {"count": 2, "rate": 250.0, "share": 1.0}[scale]
