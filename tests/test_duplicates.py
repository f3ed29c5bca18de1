"""Tests of framing.duplicates: hand-worked shingle overlaps, the reworded-copy fixture, seeds, MinHash."""

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing import Article, Corpus, load_corpus
from framing.distinctive import distinctive_terms
from framing.duplicates import (DUPLICATE_COLUMNS, _minhash_signatures, copy_weights, find_duplicates,
                                find_shared_passages)
from framing.exceptions import FramingError

FIXTURE = Path(__file__).resolve().parent / "data" / "duplicates"


@pytest.fixture(scope="module")
def fixture_corpus():
    """original.txt (wire story), reworded.txt (its reworded copy), independent.txt (same event)."""
    return load_corpus(FIXTURE)


# -- hand-worked overlaps ----------------------------------------------------------

@pytest.mark.parametrize("method", ["exact", "minhash"])
def test_jaccard_and_containment_by_hand(method):
    # 2-word shingles: {red fox, fox jumps, jumps over, over lazy, lazy dog} and
    # {red fox, fox jumps, jumps over, over sleepy, sleepy cat}: 3 shared of 7 in all, 5 in each
    corpus = Corpus([Article("a", "Red fox jumps over lazy dog", outlet="One"),
                     Article("b", "red fox jumps over sleepy cat", outlet="Two")])
    table = find_duplicates(corpus, shingle_size=2, method=method)
    assert list(table.columns) == DUPLICATE_COLUMNS
    row = table.iloc[0]
    assert (row["article_id_a"], row["article_id_b"], row["outlet_a"], row["outlet_b"]) == ("a", "b", "One", "Two")
    assert row["n_shared_shingles"] == 3
    assert row["jaccard"] == pytest.approx(3 / 7)
    assert row["containment"] == pytest.approx(3 / 5)
    assert row["shared_passages"] == ""  # the shared run has 4 words, fewer than 8


def test_threshold_is_inclusive():
    corpus = Corpus([Article("a", "Red fox jumps over lazy dog"), Article("b", "red fox jumps over sleepy cat")])
    assert len(find_duplicates(corpus, shingle_size=2, threshold=0.6)) == 1
    assert len(find_duplicates(corpus, shingle_size=2, threshold=0.61)) == 0


def test_containment_uses_the_shorter_article():
    # b is the first half of a: all 6 of b's 3-word shingles are in a's 14
    words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    corpus = Corpus([Article("a", words), Article("b", " ".join(words.split()[:8]))])
    row = find_duplicates(corpus, shingle_size=3).iloc[0]
    assert (row["n_shared_shingles"], row["containment"]) == (6, 1.0)
    assert row["jaccard"] == pytest.approx(6 / 14)
    assert row["shared_passages"] == "[0:39] one two three four five six seven eight"


def test_short_and_empty_articles():
    corpus = Corpus([Article("a", "Ceasefire now."), Article("b", "ceasefire NOW"), Article("c", ""),
                     Article("d", "Something else entirely.")])
    table = find_duplicates(corpus)
    assert table[["article_id_a", "article_id_b", "containment"]].values.tolist() == [["a", "b", 1.0]]


# -- reworded copy versus independent article ----------------------------------

def test_reworded_copy_is_flagged_and_independent_article_is_not(fixture_corpus):
    table = find_duplicates(fixture_corpus)
    assert table[["article_id_a", "article_id_b"]].values.tolist() == [["original", "reworded"]]
    row = table.iloc[0]
    # 190 shingles in original.txt, 181 in reworded.txt, 55 shared
    assert row["n_shared_shingles"] == 55
    assert row["containment"] == pytest.approx(55 / 181)
    assert row["jaccard"] == pytest.approx(55 / (190 + 181 - 55))
    assert row["jaccard"] < 0.2  # Jaccard alone would miss this copy
    assert row["shared_passages"].startswith(
        "[547:643] from the enclave. Israeli Prime Minister Benjamin Netanyahu said on Sunday that Israel would not | ")
    assert row["shared_passages"].count(" | ") == 2


def test_independent_article_shares_only_a_name(fixture_corpus):
    table = find_duplicates(fixture_corpus, threshold=1e-9).set_index(["article_id_a", "article_id_b"])
    independent = table.loc[("independent", "original")]
    assert independent["n_shared_shingles"] == 1  # "Israeli Prime Minister Benjamin Netanyahu"
    assert independent["containment"] < 0.01
    assert independent["shared_passages"] == ""


def test_original_is_article_a_whatever_the_corpus_order(fixture_corpus):
    reversed_corpus = Corpus(list(fixture_corpus)[::-1])
    pd.testing.assert_frame_equal(find_duplicates(fixture_corpus), find_duplicates(reversed_corpus))


# -- seeds ------------------------------------------------------------------------

def test_seed_pairs_are_not_copies(seed_corpus):
    assert find_duplicates(seed_corpus).empty


def test_seed_002_and_004_share_one_netanyahu_quote(seed_corpus):
    table = find_duplicates(seed_corpus, threshold=1e-9)
    assert table["containment"].max() < 0.02
    top = table.iloc[0]
    assert (top["article_id_a"], top["article_id_b"]) == ("002_01f7d1bb75bbb616", "004_3cabf72616562acd")
    assert top["n_shared_shingles"] == 8
    assert top["shared_passages"] == "[999:1042] withdraw all our troops from the Gaza Strip"
    assert seed_corpus["002_01f7d1bb75bbb616"].text[999:1042] == "withdraw all our troops from the Gaza Strip"


# -- shared passages -----------------------------------------------------------------

def test_shared_passages_map_to_displayed_text():
    a = Article("a", "The \ufb01rst report said \u201cthe crossing was closed after a rocket attack\u201d on Sunday.")
    b = Article("b", "A first report said: \"The crossing was closed after a rocket attack\", officials added.")
    passages = find_shared_passages(a, b, min_words=5)
    assert len(passages) == 1
    row = passages.iloc[0]
    assert row["n_words"] == 11
    assert row["text"] == "\ufb01rst report said \u201cthe crossing was closed after a rocket attack"
    assert a.text[row["start"]:row["end"]] == row["text"]
    assert b.text[row["start_b"]:row["end_b"]] == "first report said: \"The crossing was closed after a rocket attack"


def test_shared_passages_found_in_any_order_longest_first():
    a = Article("a", "alpha beta gamma delta epsilon zeta. one two three four five six seven eight nine.")
    b = Article("b", "one two three four five six seven eight nine. filler words here. "
                     "alpha beta gamma delta epsilon zeta")
    passages = find_shared_passages(a, b, min_words=3, top=None)
    assert passages["text"].tolist() == ["one two three four five six seven eight nine",
                                         "alpha beta gamma delta epsilon zeta"]
    assert passages["start_b"].tolist() == [0, len("one two three four five six seven eight nine. filler words here. ")]
    assert find_shared_passages(a, b, min_words=7, top=None)["n_words"].tolist() == [9]
    assert len(find_shared_passages(a, b, min_words=3, top=1)) == 1


def _reference_passages(words_a, words_b, min_words):
    """Every maximal run of equal words at one offset, longest first, each word of a used once: by brute force."""
    runs = []
    for offset in range(-len(words_b), len(words_a) + 1):
        length = 0
        for position_a in range(len(words_a) + 1):
            position_b = position_a - offset
            same = (position_a < len(words_a) and 0 <= position_b < len(words_b)
                    and words_a[position_a] == words_b[position_b])
            if same:
                length += 1
                continue
            if length >= min_words:
                runs.append((length, position_a - 1, position_b - 1))
            length = 0
    runs.sort(key=lambda run: (-run[0], run[1] - run[0], run[2]))
    taken, kept = set(), []
    for length, last_a, last_b in runs:
        span = set(range(last_a - length + 1, last_a + 1))
        if not span & taken:
            taken |= span
            kept.append((length, last_a - length + 1, last_b - length + 1))
    return kept


@pytest.mark.parametrize("seed", range(20))
def test_shared_passages_match_a_brute_force_search_on_repetitive_text(seed):
    rng = np.random.default_rng(seed)
    words = ["alpha", "beta", "gamma"][:1 + seed % 3]
    text = " ".join(rng.choice(words, size=30))
    words_a = (text + " " + " ".join(rng.choice(words, size=20))).split()
    words_b = (" ".join(rng.choice(words, size=10)) + " " + text).split()
    min_words = 1 + seed % 6
    passages = find_shared_passages(Article("a", " ".join(words_a)), Article("b", " ".join(words_b)),
                                    min_words=min_words, top=None)
    expected = _reference_passages(words_a, words_b, min_words)
    assert passages["n_words"].tolist() == [length for length, _, _ in expected]
    starts_a = np.cumsum([0] + [len(word) + 1 for word in words_a])
    starts_b = np.cumsum([0] + [len(word) + 1 for word in words_b])
    assert passages["start"].tolist() == [starts_a[first_a] for _, first_a, _ in expected]
    assert passages["start_b"].tolist() == [starts_b[first_b] for _, _, first_b in expected]


# -- exact versus MinHash -------------------------------------------------------------

def test_minhash_signature_is_the_minimum_of_multiply_shift_hashes():
    values = np.array([3, 2**63 + 5, 17, 2**64 - 1, 42], dtype=np.uint64)
    offsets = np.array([0, 2, 2, 5])  # three articles, the second without shingles
    signatures = _minhash_signatures(values, offsets, 4, 11)
    rng = np.random.default_rng(11)
    multipliers = [int(m) * 2 + 1 for m in rng.integers(1, 2**63, size=4, dtype=np.uint64)]
    increments = [int(b) for b in rng.integers(0, 2**63, size=4, dtype=np.uint64)]
    for article, (start, stop) in enumerate(zip(offsets[:-1], offsets[1:])):
        for permutation, (multiplier, increment) in enumerate(zip(multipliers, increments)):
            hashes = [((multiplier * int(value) + increment) % 2**64) >> 32 for value in values[start:stop]]
            assert int(signatures[article, permutation]) == min(hashes, default=2**64 - 1)


@pytest.fixture
def planted_corpus(rng):
    """150 random articles and 15 planted copies: verbatim, 5 % of words replaced, first 70 % only."""
    vocabulary = np.array([f"word{index}" for index in range(3000)])
    articles = [Article(f"base{index:03d}", " ".join(rng.choice(vocabulary, size=120)), outlet=f"outlet{index % 5}",
                        date=dt.date(2024, 1, 1)) for index in range(150)]
    planted = set()
    for number in range(15):
        source = articles[number * 7]
        words = source.text.split()
        if number % 3 == 1:
            replace = rng.random(len(words)) < 0.05
            words = [str(rng.choice(vocabulary)) if swap else word for word, swap in zip(words, replace)]
        elif number % 3 == 2:
            words = words[:84]
        copy_id = f"copy{number:02d}"
        articles.append(Article(copy_id, " ".join(words), outlet="Copier", date=dt.date(2024, 1, 2)))
        planted.add((source.id, copy_id))
    return Corpus(articles), planted


def test_exact_and_minhash_agree_on_planted_copies(planted_corpus):
    corpus, planted = planted_corpus
    exact = find_duplicates(corpus, method="exact")
    minhash = find_duplicates(corpus, method="minhash", random_state=7)
    assert set(zip(exact["article_id_a"], exact["article_id_b"])) == planted
    pd.testing.assert_frame_equal(exact, minhash)
    assert find_duplicates(corpus, method="auto").equals(exact)


def test_minhash_is_deterministic(planted_corpus):
    corpus, _ = planted_corpus
    first = find_duplicates(corpus, method="minhash", threshold=0.05, num_perm=16, random_state=3)
    second = find_duplicates(corpus, method="minhash", threshold=0.05, num_perm=16, random_state=3)
    pd.testing.assert_frame_equal(first, second)


def test_minhash_misses_nothing_exact_finds_at_high_similarity(planted_corpus):
    corpus, _ = planted_corpus
    exact = find_duplicates(corpus, method="exact", threshold=0.6)
    for seed in range(3):
        minhash = find_duplicates(corpus, method="minhash", threshold=0.6, random_state=seed)
        pd.testing.assert_frame_equal(exact, minhash)


# -- copy weights ---------------------------------------------------------------------

@pytest.fixture
def chain_corpus():
    return Corpus([
        Article("late", "x", date=dt.date(2024, 5, 7)),
        Article("first", "x", date=dt.date(2024, 5, 5)),
        Article("undated", "x"),
        Article("same-day-b", "x", date=dt.date(2024, 5, 1)),
        Article("same-day-a", "x", date=dt.date(2024, 5, 1)),
        Article("alone", "x", date=dt.date(2024, 1, 1)),
    ])


@pytest.fixture
def chain_pairs():
    # late ~ first ~ undated form one cluster of 3; the same-day pair is a cluster of 2
    return pd.DataFrame({"article_id_a": ["first", "undated", "same-day-b"],
                         "article_id_b": ["late", "late", "same-day-a"]})


@pytest.mark.parametrize("policy, expected", [
    ("exclude", [0.0, 1.0, 0.0, 0.0, 1.0, 1.0]),
    ("downweight", [1 / 3, 1.0, 1 / 3, 0.5, 1.0, 1.0]),
    ("keep", [1.0] * 6),
])
def test_copy_weights_keep_the_earliest_article(chain_corpus, chain_pairs, policy, expected):
    weights = copy_weights(chain_corpus, chain_pairs, policy=policy)
    assert weights.index.tolist() == chain_corpus.ids
    assert weights.index.name == "article_id" and weights.name == "weight"
    np.testing.assert_allclose(weights.to_numpy(), expected)


def test_copy_weights_default_excludes_and_empty_pairs_keep_everything(chain_corpus, chain_pairs):
    assert copy_weights(chain_corpus, chain_pairs).tolist() == [0.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    empty = pd.DataFrame(columns=DUPLICATE_COLUMNS)
    assert copy_weights(chain_corpus, empty).tolist() == [1.0] * 6


def test_copy_weights_feed_distinctive_terms(fixture_corpus):
    weights = copy_weights(fixture_corpus, find_duplicates(fixture_corpus))
    assert weights.to_dict() == {"independent": 1.0, "original": 1.0, "reworded": 0.0}
    table = distinctive_terms(fixture_corpus, weights=weights, min_count=1, ngram_range=(1, 1))
    assert "Copy Desk" not in set(table["group"])  # its only article is a copy
    assert set(table["group"]) == {"Own Reporter", "Wire Service"}


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"threshold": 0}, "threshold must be a number in (0, 1], got 0; for example 0.2"),
    ({"threshold": 1.5}, "threshold must be a number in (0, 1], got 1.5; for example 0.2"),
    ({"shingle_size": 0}, "shingle_size must be a positive integer, got 0; for example 5"),
    ({"method": "fast"}, "method='fast' is not valid; use one of: auto, exact, minhash"),
    ({"num_perm": 1}, "num_perm must be an integer >= 2, got 1; for example 128"),
])
def test_find_duplicates_errors(fixture_corpus, kwargs, message):
    with pytest.raises(FramingError, match=re.escape(message)):
        find_duplicates(fixture_corpus, **kwargs)


def test_find_duplicates_refuses_a_string():
    message = "corpus must be a Corpus (see load_corpus) or a list of Article, got str"
    with pytest.raises(FramingError, match=re.escape(message)):
        find_duplicates("some text")


@pytest.mark.parametrize("duplicates, policy, message", [
    (pd.DataFrame({"article_id_a": [], "article_id_b": []}), "drop",
     "policy='drop' is not valid; use one of: exclude, downweight, keep"),
    (pd.DataFrame({"article_id_a": ["first"]}), "exclude",
     "duplicates has no column 'article_id_b'; pass the output of find_duplicates"),
    (pd.DataFrame({"article_id_a": ["first"], "article_id_b": ["ghost"]}), "exclude",
     "duplicates names article 'ghost', which is not in the corpus; find duplicates in the same corpus you weight"),
    ([("first", "late")], "exclude", "duplicates must be a DataFrame from find_duplicates, got list"),
])
def test_copy_weights_errors(chain_corpus, duplicates, policy, message):
    with pytest.raises(FramingError, match=re.escape(message)):
        copy_weights(chain_corpus, duplicates, policy=policy)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_words": 0}, "min_words must be a positive integer, got 0; for example 8"),
    ({"top": 0}, "top must be a positive integer or None, got 0"),
])
def test_find_shared_passages_errors(kwargs, message):
    with pytest.raises(FramingError, match=re.escape(message)):
        find_shared_passages(Article("a", "x"), Article("b", "x"), **kwargs)
