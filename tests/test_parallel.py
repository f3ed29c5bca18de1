"""Parallel counting gives exactly what counting in one process gives, tables and bytes alike."""

import os
import re
import sys
import threading

import pandas as pd
import pytest

from framing import Article, Corpus, FramingError, _parallel, count_terms, find_matches, write_report
from framing._parallel import resolve_n_jobs

WORDS = ["hostages", "captives", '"the occupation"', "Hamas militants", "the Resistance", "prisoners", "ceasefire",
         "killed", "war on Gaza", "negotiations"]


def _generated_corpus(n_articles: int = 60) -> Corpus:
    """Articles whose texts cycle through framing words, quotes included, so counts differ between articles."""
    articles = []
    for index in range(n_articles):
        words = [WORDS[(index * 3 + k) % len(WORDS)] for k in range(1 + index % 7)]
        text = f"Report {index}. " + " and ".join(words) + f'. "We saw {WORDS[index % len(WORDS)]}," he said.'
        articles.append(Article(f"a{index:03d}", text, outlet=f"Outlet {index % 4}", event=f"e{index % 3}"))
    return Corpus(articles)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(_parallel, "CHUNK_SIZE", 7)  # 60 articles -> 9 chunks over the workers


def test_counts_are_identical_whatever_n_jobs(small_chunks):
    tables = [count_terms(_generated_corpus(), "israel_gaza", by="article", n_jobs=n_jobs, progress=False)
              for n_jobs in (1, 2, 3)]
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])
    # by hand: a001 is 'Report 1. Hamas militants and the Resistance. "We saw captives," he said.'
    assert _generated_corpus()["a001"].text == 'Report 1. Hamas militants and the Resistance. "We saw captives," he said.'
    a001 = tables[0][tables[0]["article_id"] == "a001"].set_index("term")
    assert a001.loc["captives", ["count", "count_quotation"]].tolist() == [1, 1]
    # token counts (the rate denominators) are cached by the workers' pass too
    corpus = _generated_corpus()
    count_terms(corpus, "israel_gaza", n_jobs=2, progress=False)
    assert corpus.n_tokens("a000") == len(re.findall(r"[^\W_]+(?:['-][^\W_]+)*", corpus["a000"].text))


def test_matches_are_identical_whatever_n_jobs(small_chunks):
    frames = [find_matches(_generated_corpus(), "israel_gaza", n_jobs=n_jobs) for n_jobs in (1, 2)]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    # by hand: a001's quoted "captives" ('Report 1. Hamas militants and the Resistance. "We saw captives," he said.')
    captives = frames[0][(frames[0]["article_id"] == "a001") & (frames[0]["term"] == "captives")]
    assert captives[["match", "voice", "speaker", "sentence"]].values.tolist() == [
        ["captives", "quotation", "unknown", '"We saw captives," he said.']]  # "he" names no one before it
    assert frames[0]["article_id"].is_monotonic_increasing  # corpus order, chunk after chunk


def test_report_tables_are_byte_identical_for_one_and_two_jobs(small_chunks, tmp_path):
    corpus = _generated_corpus(30)
    write_report(corpus, tmp_path / "one", formats="png", n_jobs=1, progress=False)
    write_report(corpus, tmp_path / "two", formats="png", n_jobs=2, progress=False)
    tables = sorted(path.name for path in (tmp_path / "one" / "tables").iterdir())
    assert len(tables) == 13
    for name in tables:
        assert (tmp_path / "one" / "tables" / name).read_bytes() == (tmp_path / "two" / "tables" / name).read_bytes()


def test_no_progress_bar_when_output_is_not_interactive(capsys):
    count_terms(_generated_corpus(10), "israel_gaza", n_jobs=1)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


@pytest.mark.parametrize("value", [0, -2, 1.5, "2", True])
def test_bad_n_jobs_is_named(value):
    with pytest.raises(FramingError, match=re.escape(f"n_jobs must be a positive integer, -1 (every core) or None "
                                                     f"(automatic), got {value!r}")):
        resolve_n_jobs(value, 100)


def test_n_jobs_default_is_one_process_for_small_corpora():
    assert resolve_n_jobs(None, 10) == 1
    assert resolve_n_jobs(3, 10) == 3


def test_dask_engine_on_a_local_cluster_gives_the_same_tables(small_chunks, tmp_path):
    pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    corpus = _generated_corpus(30)
    write_report(corpus, tmp_path / "local", formats="png", n_jobs=1, progress=False)
    write_report(corpus, tmp_path / "dask", formats="png", n_jobs=2, progress=False, engine="dask")
    names = sorted(path.name for path in (tmp_path / "local" / "tables").iterdir())
    assert len(names) == 13
    for name in names:
        assert (tmp_path / "local" / "tables" / name).read_bytes() == (tmp_path / "dask" / "tables" / name).read_bytes()


def test_engine_options_are_checked():
    with pytest.raises(FramingError, match=re.escape("engine must be one of local, dask, got 'spark'")):
        count_terms(_generated_corpus(3), engine="spark")
    with pytest.raises(FramingError, match=re.escape("scheduler='tcp://x:1' needs engine='dask'")):
        count_terms(_generated_corpus(3), scheduler="tcp://x:1")


def _texts_and_titles(articles: list) -> list:
    """A worker function: what arrived, rebuilt."""
    return [(article.text, article.title, type(article).__name__) if isinstance(article, Article) else article
            for article in articles]


@pytest.mark.parametrize("as_stream", [False, True], ids=["list", "stream"])
def test_texts_reach_the_workers_whole_and_stay_their_size_here(small_chunks, as_stream):
    """Pickled as they are, non-ASCII texts would keep a UTF-8 copy in this process for good (a stream's
    chunks are sent to the workers; a list is inherited by forked workers)."""
    articles = [Article(f"a{i}", f"Caf\u00e9 \u201cquote\u201d {i} \ud83d\ude00"[: 12 + i % 9] * 50, title=f"T\u00eftle {i}",
                        date=None) for i in range(20)]
    items = [*articles, ("id", "na\u00efve \u2019s"), "plain ascii", "\u05e9\u05dc\u05d5\u05dd"]
    sizes = [sys.getsizeof(article.text) for article in articles]
    results = [row for _, rows in _parallel.map_chunks(_texts_and_titles, iter(items) if as_stream else items,
                                                        n_jobs=2, progress=False)
               for row in rows]
    assert results == [(a.text, a.title, "Article") for a in articles] + items[20:]
    assert [sys.getsizeof(article.text) for article in articles] == sizes


def _lock_states(items: list) -> list:
    return [item.locked() for item in items]


@pytest.mark.skipif(_parallel._start_method() != "fork", reason="workers are forked only on Linux")
def test_forked_workers_read_a_list_they_inherit_rather_than_a_pickled_copy(small_chunks):
    """Locks cannot be pickled: only workers that read the list they inherited can get at them."""
    items = [threading.Lock() for _ in range(30)]
    items[3].acquire()
    chunks = list(_parallel.map_chunks(_lock_states, items, n_jobs=2, progress=False))
    assert [len(chunk) for chunk, _ in chunks] == [7, 7, 7, 7, 2]
    assert [state for _, states in chunks for state in states] == [index == 3 for index in range(30)]
    assert chunks[0][0] == items[:7]  # the chunks handed back are this process's items
    with pytest.raises(TypeError, match="pickle"):  # a stream's chunks are pickled on their way
        list(_parallel.map_chunks(_lock_states, iter(items), n_jobs=2, progress=False))


def _started(event: threading.Event, value: int, n_jobs=None) -> tuple:
    event.set()
    if value < 0:
        raise FramingError(f"value must not be negative, got {value}")
    return value, n_jobs


def test_meanwhile_starts_the_call_at_once_with_workers_and_on_request_without():
    started = threading.Event()
    with _parallel.meanwhile(_started, started, 5, n_jobs=2, n_items=10) as result:
        assert started.wait(timeout=60)  # running before its result is asked for
        assert result() == (5, 2)  # n_jobs is handed on
    started.clear()
    with _parallel.meanwhile(_started, started, 5, n_jobs=None, n_items=10) as result:  # one worker for 10 items
        assert not started.is_set()
        assert result() == (5, None) and started.is_set()
    with pytest.raises(FramingError, match="got -1"), _parallel.meanwhile(_started, threading.Event(), -1,
                                                                            n_jobs=2, n_items=10) as result:
        result()


def _pid_and_lock_state(lock) -> tuple:
    if lock is None:
        raise FramingError("lock must be a lock, got None")
    return os.getpid(), lock.locked()


@pytest.mark.skipif(_parallel._start_method() != "fork", reason="children are forked only on Linux")
def test_in_child_runs_in_a_forked_process_that_inherits_its_arguments():
    """A lock cannot be pickled: only a child that inherited it can read it."""
    lock = threading.Lock()
    lock.acquire()
    with _parallel.in_child(_pid_and_lock_state, lock) as result:
        pid, locked = result()
    assert pid != os.getpid() and locked
    with pytest.raises(FramingError, match="got None"), _parallel.in_child(_pid_and_lock_state, None) as result:
        result()
    assert not _parallel._inherited  # nothing left registered
