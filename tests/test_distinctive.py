"""Tests of framing.distinctive: pinned log-odds vectors, tidy output, weights and errors."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from sklearn.feature_extraction.text import CountVectorizer

from framing import Article, Corpus, distinctive
from framing.counting import count_terms
from framing.distinctive import REST_LABEL, _holm, distinctive_terms, log_odds_dirichlet
from framing.exceptions import FramingError
from framing.features import make_tfidf_vectorizer

COUNTS_I = [10, 0, 5, 85]
COUNTS_J = [2, 8, 5, 85]
WORDS = ["alpha", "bravo", "charlie", "delta"]


def _text(counts):
    return " ".join(word for word, count in zip(WORDS, counts) for _ in range(count))


@pytest.fixture
def pinned_corpus():
    """Two outlets whose word counts are the pinned vectors (100 tokens each, no stop words)."""
    return Corpus([Article("a1", _text(COUNTS_I), outlet="A"), Article("b1", _text(COUNTS_J), outlet="B")])


# -- the pure function ---------------------------------------------------------

def test_log_odds_uniform_prior_pinned_vector():
    delta, z = log_odds_dirichlet(COUNTS_I, COUNTS_J, np.full(4, 0.01))
    np.testing.assert_array_equal(np.round(delta, 4), [1.6906, -6.7692, 0, 0])
    np.testing.assert_array_equal(np.round(z, 4), [2.1873, -0.6765, 0, 0])


def test_log_odds_pooled_prior_pinned_vector():
    prior = np.add(COUNTS_I, COUNTS_J)  # [12, 8, 10, 170], a_0 = 200
    delta, z = log_odds_dirichlet(COUNTS_I, COUNTS_J, prior)
    np.testing.assert_array_equal(np.round(delta, 4), [0.4804, -0.7209, 0, 0])
    np.testing.assert_array_equal(np.round(z, 4), [1.4050, -1.6649, 0, 0])


def test_log_odds_scalar_prior_and_explicit_totals_match_vector_prior():
    delta_scalar, z_scalar = log_odds_dirichlet(COUNTS_I, COUNTS_J, 0.01)
    delta_explicit, z_explicit = log_odds_dirichlet(COUNTS_I, COUNTS_J, [0.01] * 4, n_i=100, n_j=100,
                                                    prior_total=0.04)
    np.testing.assert_allclose(delta_scalar, delta_explicit)
    np.testing.assert_allclose(z_scalar, z_explicit)
    assert round(float(delta_scalar[0]), 4) == 1.6906


def test_log_odds_broadcasts_over_rows():
    delta, z = log_odds_dirichlet([COUNTS_I, COUNTS_J], [COUNTS_J, COUNTS_I], 0.01)
    assert delta.shape == (2, 4)
    np.testing.assert_allclose(delta[0], -delta[1])
    assert round(float(z[1, 1]), 4) == 0.6765


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=2, max_size=12),
       st.floats(0.01, 5.0))
def test_log_odds_is_antisymmetric(pairs, prior):
    counts_i = [i for i, _ in pairs]
    counts_j = [j for _, j in pairs]
    delta_ij, z_ij = log_odds_dirichlet(counts_i, counts_j, prior)
    delta_ji, z_ji = log_odds_dirichlet(counts_j, counts_i, prior)
    np.testing.assert_allclose(delta_ij, -delta_ji, atol=1e-12)
    np.testing.assert_allclose(z_ij, -z_ji, atol=1e-12)
    equal = np.array(counts_i) == np.array(counts_j)
    if sum(counts_i) == sum(counts_j):
        assert np.all(delta_ij[equal] == 0)


@pytest.mark.parametrize("counts_j, prior, message", [
    ([1, 2], 0.01, "counts_i and counts_j must have the same shape, got (4,) and (2,); "
                   "count the same vocabulary in both groups"),
    ([1, -2, 0, 0], 0.01, "counts_i and counts_j must be non-negative; pass word counts"),
    (COUNTS_J, [0.01, 0, 1, 1], "prior must be positive for every word, got a minimum of 0.0; "
                                "add a small constant such as 0.01"),
])
def test_log_odds_errors(counts_j, prior, message):
    with pytest.raises(FramingError, match=re.escape(message)):
        log_odds_dirichlet(COUNTS_I, counts_j, prior)


def test_holm_adjustment_by_hand():
    # sorted 0.01, 0.03, 0.04 times 3, 2, 1 = 0.03, 0.06, 0.04; running maximum 0.03, 0.06, 0.06
    adjusted = _holm(np.array([[0.01, 0.04, 0.03], [0.5, 0.9, 0.2]]))
    np.testing.assert_allclose(adjusted[0], [0.03, 0.06, 0.06])
    np.testing.assert_allclose(adjusted[1], [1.0, 1.0, 0.6])


# -- distinctive_terms -----------------------------------------------------------

def test_pooled_unscaled_prior_reproduces_pinned_vector(pinned_corpus):
    table = distinctive_terms(pinned_corpus, prior="pooled", prior_scale=1.0, min_count=0, ngram_range=(1, 1))
    group_a = table[table["group"] == "A"].set_index("term")
    assert group_a["delta"].round(4).to_dict() == {"alpha": 0.4804, "bravo": -0.7209, "charlie": 0.0, "delta": 0.0}
    assert group_a["z"].round(4).to_dict() == {"alpha": 1.4050, "bravo": -1.6649, "charlie": 0.0, "delta": 0.0}
    assert group_a["prior"].to_dict() == {"alpha": 12.0, "bravo": 8.0, "charlie": 10.0, "delta": 170.0}
    group_b = table[table["group"] == "B"].set_index("term")
    assert group_b.loc["bravo", "z"].round(4) == 1.6649
    assert set(table["versus"]) == {REST_LABEL}


def test_uniform_prior_with_pair_reproduces_pinned_vector(pinned_corpus):
    table = distinctive_terms(pinned_corpus, prior=0.01, pair=("A", "B"), min_count=0, ngram_range=(1, 1))
    assert table[["group", "versus"]].drop_duplicates().values.tolist() == [["A", "B"]]
    rows = table.set_index("term")
    assert rows["delta"].round(4).to_dict() == {"alpha": 1.6906, "bravo": -6.7692, "charlie": 0.0, "delta": 0.0}
    assert rows["z"].round(4).to_dict() == {"alpha": 2.1873, "bravo": -0.6765, "charlie": 0.0, "delta": 0.0}


def test_default_prior_is_one_tenth_of_the_pooled_counts(pinned_corpus):
    # a_w = 0.1 * (100 + 100) * m_w / 200 = [1.2, 0.8, 1.0, 17.0], a_0 = 20
    table = distinctive_terms(pinned_corpus, min_count=0, ngram_range=(1, 1))
    rows = table[table["group"] == "A"].set_index("term")
    np.testing.assert_allclose(rows.loc[WORDS, "prior"], [1.2, 0.8, 1.0, 17.0])
    assert rows["delta"].round(4).to_dict() == {"alpha": 1.3237, "bravo": -2.4674, "charlie": 0.0, "delta": 0.0}
    assert rows["z"].round(4).to_dict() == {"alpha": 2.0883, "bravo": -2.1129, "charlie": 0.0, "delta": 0.0}


def test_output_is_tidy_and_sorted(pinned_corpus):
    table = distinctive_terms(pinned_corpus, min_count=0, ngram_range=(1, 1))
    assert list(table.columns) == [
        "group", "versus", "feature", "term", "count_group", "count_versus", "n_tokens_group", "n_tokens_versus",
        "rate_per_1000_group", "rate_per_1000_versus", "prior", "delta", "se", "z", "p_value", "p_adjusted",
        "significant"]
    # group order, then z descending, then term (charlie and delta tie at z = 0)
    assert table[["group", "term"]].values.tolist() == [
        ["A", "alpha"], ["A", "charlie"], ["A", "delta"], ["A", "bravo"],
        ["B", "bravo"], ["B", "charlie"], ["B", "delta"], ["B", "alpha"]]
    assert set(table["feature"]) == {"ngram"}
    alpha = table.iloc[0]
    assert (alpha["count_group"], alpha["count_versus"], alpha["n_tokens_group"]) == (10.0, 2.0, 100.0)
    assert alpha["rate_per_1000_group"] == 100.0 and alpha["rate_per_1000_versus"] == 20.0
    np.testing.assert_allclose(table["z"], table["delta"] / table["se"])


def test_p_values_are_holm_adjusted_within_each_comparison(small_corpus):
    table = distinctive_terms(small_corpus, min_count=1)
    for _, rows in table.groupby("group"):
        expected = _holm(rows["p_value"].to_numpy()[None, :])[0]
        np.testing.assert_allclose(rows["p_adjusted"], expected)
    assert (table["p_adjusted"] >= table["p_value"]).all()
    np.testing.assert_allclose(table["p_value"], 2 * norm.sf(table["z"].abs()))


def test_planted_word_is_significant_and_noise_is_not(rng):
    filler = [f"word{index}" for index in range(40)]
    articles = []
    for index in range(40):
        words = list(rng.choice(filler, size=60))
        outlet = "Hawk" if index % 2 else "Dove"
        if outlet == "Hawk":
            words += ["terrorists"] * 5
        articles.append(Article(f"x{index}", " ".join(words), outlet=outlet))
    table = distinctive_terms(Corpus(articles), ngram_range=(1, 1))
    top = table[table["group"] == "Hawk"].iloc[0]
    assert top["term"] == "terrorists" and top["significant"]
    assert top["count_group"] == 100 and top["count_versus"] == 0
    assert table.loc[table["term"] != "terrorists", "significant"].sum() == 0


def test_every_group_is_compared_with_the_rest(small_corpus):
    table = distinctive_terms(small_corpus, min_count=1)
    assert list(dict.fromkeys(table["group"])) == ["Neutral", "Resist", "Wire"]
    sizes = table.groupby("group")["term"].nunique()
    assert sizes.nunique() == 1  # the same vocabulary in every comparison
    totals = (table["count_group"] + table["count_versus"]).groupby(table["term"]).nunique()
    assert (totals == 1).all()  # group + rest = corpus count, whatever the group
    tokens = small_corpus.to_frame().groupby("outlet")["n_tokens"].sum()
    wire = table[table["group"] == "Wire"].iloc[0]
    assert wire["n_tokens_group"] == tokens["Wire"]
    assert wire["n_tokens_versus"] == tokens["Resist"] + tokens["Neutral"]


def test_bigrams_skip_stop_words(small_corpus):
    table = distinctive_terms(small_corpus, min_count=1, ngram_range=(2, 2))
    terms = set(table["term"])
    assert "occupation forces" in terms and "israeli occupation" in terms
    assert not any(word in term.split() for term in terms for word in ("the", "and", "were"))


def test_lexicon_features_carry_axis_and_pole(small_corpus):
    table = distinctive_terms(small_corpus, features="lexicon", min_count=1)
    assert list(table.columns[:8]) == ["group", "versus", "feature", "lexicon", "kind", "axis", "pole", "term"]
    assert set(table["feature"]) == {"lexicon"}
    hostage = table[(table["group"] == "Wire") & (table["term"] == "hostage*")].iloc[0]
    assert (hostage["axis"], hostage["pole"]) == ("captivity", "hostage")
    assert hostage["count_group"] == 2 and hostage["count_versus"] == 0


def test_weights_multiply_counts_and_tokens(pinned_corpus):
    halves = pd.Series({"a1": 0.5, "b1": 1.0})
    table = distinctive_terms(pinned_corpus, pair=("A", "B"), weights=halves, min_count=0, ngram_range=(1, 1))
    alpha = table.set_index("term").loc["alpha"]
    assert (alpha["count_group"], alpha["n_tokens_group"], alpha["count_versus"]) == (5.0, 50.0, 2.0)
    assert alpha["rate_per_1000_group"] == 100.0


def test_excluded_articles_match_zero_weights(small_corpus):
    excluded = distinctive_terms(small_corpus, min_count=1, exclude_articles=["w1", "r2"])
    zero = pd.Series(1.0, index=small_corpus.ids)
    zero[["w1", "r2"]] = 0.0
    weighted = distinctive_terms(small_corpus, min_count=1, weights=zero)
    pd.testing.assert_frame_equal(excluded, weighted)
    assert "hostages" not in set(excluded["term"])  # only w1 says it
    filtered = distinctive_terms(small_corpus.filter(lambda a: a.id not in {"w1", "r2"}), min_count=1)
    pd.testing.assert_frame_equal(excluded, filtered)


def test_eight_groups_in_one_call(rng):
    vocabulary = np.array([f"term{index}" for index in range(300)])
    articles = [Article(f"a{index}", " ".join(rng.choice(vocabulary, size=80)), outlet=f"outlet{index % 8}")
                for index in range(800)]
    table = distinctive_terms(Corpus(articles), ngram_range=(1, 1))
    assert table["group"].nunique() == 8
    assert len(table) == 8 * 300
    assert table["significant"].sum() == 0  # no planted difference


@pytest.mark.parametrize("kwargs, message", [
    ({"by": "publisher"}, "by='publisher' is not a column of the corpus; use one of: article, outlet, date, title, "
                          "url, event"),
    ({"pair": ("Wire", "Daily")}, "pair=('Wire', 'Daily'): group 'Daily' is not in column 'outlet' (or has no "
                                  "tokens left after weights); groups are: Neutral, Resist, Wire"),
    ({"pair": ("Wire", "Wire")}, "pair=('Wire', 'Wire') names the same group twice; name two different groups"),
    ({"pair": "Wire"}, "pair must be two group names such as ('Al Jazeera', 'Reuters'), got 'Wire'"),
    ({"features": "words"}, "features='words' is not valid; use one of: ngrams, lexicon"),
    ({"prior": "uniform"}, "prior='uniform' is not valid; use 'pooled' or a positive number such as 0.01"),
    ({"prior": 0}, "prior=0 is not valid; use 'pooled' or a positive number such as 0.01"),
    ({"prior_scale": -1}, "prior_scale must be a positive number, got -1; for example 0.1"),
    ({"min_count": -1}, "min_count must be a number >= 0, got -1; for example 5"),
    ({"ngram_range": (2, 1)}, "ngram_range must be a tuple (min_n, max_n) with 1 <= min_n <= max_n, got (2, 1); "
                              "for example (1, 2)"),
    ({"significance_level": 5.0}, "significance_level must be between 0 and 1, got 5.0; for example 0.05"),
    ({"top": 0}, "top must be a positive integer or None, got 0; for example 100"),
    ({"weights": {"w1": 1.0}}, "weights must be a pandas Series indexed by article id, got dict; build one "
                               "with copy_weights"),
    ({"weights": pd.Series({"w1": 1.0})}, "weights has no value for 5 article(s), e.g. 'w2'; give a weight for "
                                          "every article of the corpus"),
    ({"exclude_articles": ["w9"]}, "exclude_articles names 1 id(s) not in the corpus, e.g. 'w9'; pass ids from "
                                   "corpus.ids"),
])
def test_errors(small_corpus, kwargs, message):
    with pytest.raises(FramingError, match=re.escape(message)):
        distinctive_terms(small_corpus, **kwargs)


def test_weight_out_of_range_is_refused(small_corpus):
    weights = pd.Series(1.0, index=small_corpus.ids)
    weights["n2"] = 1.5
    message = ("weights must be numbers between 0 and 1; article 'n2' has 1.5; give excluded articles 0 and "
               "full articles 1")
    with pytest.raises(FramingError, match=re.escape(message)):
        distinctive_terms(small_corpus, weights=weights)


def test_fewer_than_two_groups(small_corpus):
    wire_only = small_corpus.filter(lambda article: article.outlet == "Wire")
    message = ("distinctive_terms needs at least 2 groups in column 'outlet', found 1 ('Wire'); "
               "use a corpus with more groups or another by")
    with pytest.raises(FramingError, match=re.escape(message)):
        distinctive_terms(wire_only)
    # weights can empty a group too
    with pytest.raises(FramingError, match=re.escape("found 1 ('Wire')")):
        distinctive_terms(small_corpus, exclude_articles=["r1", "r2", "n1", "n2"])


def test_groups_by_event(small_corpus):
    table = distinctive_terms(small_corpus, by="event", min_count=1)
    assert list(dict.fromkeys(table["group"])) == ["e1", "e2"]


# -- n-gram counting and the report's options --------------------------------------

TRICKY_TEXTS = [
    "Hamas-run ministry: 1,200 killed; Israel\u2019s \u201cflexibility\u201d -- a cease-fire?",
    "The the THE and of; don't 'quote' -leading trailing- a--b a'-b snake_case",
    "Caf\u00e9 cafe\u0301 na\u00efve \u0130stanbul Stra\u00dfe \ufb01le \u00bd \u2460",
    "Flags \U0001f1fa\U0001f1f8 and \u2764\ufe0f love; derp\u2122\ufe0f; \u0915\u093f\u0924\u093e\u092c",
    "",
    "the and of",  # only stop words
    "Gaza gaza GAZA ceasefire talks resumed; talks stalled; ceasefire talks resumed",
]


def _countvectorizer_counts(texts, ngram_range):
    """Term -> count over all texts, from scikit-learn with the toolkit's settings (the definition)."""
    settings = make_tfidf_vectorizer(ngram_range=ngram_range).get_params()
    allowed = CountVectorizer().get_params()
    vectorizer = CountVectorizer(**{key: value for key, value in settings.items() if key in allowed and key != "dtype"})
    matrix = vectorizer.fit_transform(texts)
    return dict(zip(vectorizer.get_feature_names_out(), np.asarray(matrix.sum(axis=0)).ravel().tolist()))


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 2), (1, 3), (2, 3)])
def test_ngrams_are_those_of_a_countvectorizer_with_the_toolkit_settings(ngram_range):
    texts = TRICKY_TEXTS * 2
    corpus = Corpus([Article(f"a{index}", text, outlet="AB"[index % 2]) for index, text in enumerate(texts)])
    table = distinctive_terms(corpus, min_count=0, ngram_range=ngram_range, voice="all")
    totals = (table["count_group"] + table["count_versus"]).groupby(table["term"]).first()
    assert totals.to_dict() == _countvectorizer_counts(texts, ngram_range)


@pytest.mark.parametrize("dense_cells", [2**23, 0])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_each_groups_ngram_counts_are_those_of_a_countvectorizer(ngram_range, dense_cells, monkeypatch):
    """Unweighted counts are summed by group while counted: in one bincount of (group, n-gram) cells when
    the table is small, else through the article x n-gram matrix (dense_cells=0); both are the definition."""
    monkeypatch.setattr(distinctive, "_DENSE_CELLS", dense_cells)
    texts = TRICKY_TEXTS * 2 + ["hostages hostages freed", "captives freed"]
    outlets = ["ABC"[index % 3] for index in range(len(texts) - 2)] + ["C", "C"]
    corpus = Corpus([Article(f"a{index}", text, outlet=outlet)
                     for index, (text, outlet) in enumerate(zip(texts, outlets))])
    table = distinctive_terms(corpus, min_count=0, ngram_range=ngram_range, voice="all")
    for outlet in "ABC":
        rows = table[(table["group"] == outlet) & (table["count_group"] > 0)]
        expected = _countvectorizer_counts([text for text, own in zip(texts, outlets) if own == outlet], ngram_range)
        assert dict(zip(rows["term"], rows["count_group"])) == expected


def test_rare_ngrams_still_count_in_the_uniform_prior(small_corpus):
    # a_0 = prior x every distinct n-gram, so dropping rare ones must not change delta or z of the others
    everything = distinctive_terms(small_corpus, prior=0.5, min_count=0).set_index(["group", "term"])
    frequent = distinctive_terms(small_corpus, prior=0.5, min_count=2).set_index(["group", "term"])
    assert 0 < len(frequent) < len(everything)
    shared = everything.loc[frequent.index]
    np.testing.assert_array_equal(shared["delta"], frequent["delta"])
    np.testing.assert_array_equal(shared["z"], frequent["z"])


@pytest.mark.parametrize("pair", [None, ("Wire", "Resist")])
def test_top_keeps_the_first_rows_of_each_comparison(small_corpus, pair):
    everything = distinctive_terms(small_corpus, min_count=1, pair=pair)
    top = distinctive_terms(small_corpus, min_count=1, pair=pair, top=3)
    expected = everything.groupby("group", sort=False).head(3).reset_index(drop=True)
    pd.testing.assert_frame_equal(top, expected)  # p_adjusted still corrects for every term


def test_top_larger_than_the_vocabulary_keeps_everything(small_corpus):
    pd.testing.assert_frame_equal(distinctive_terms(small_corpus, min_count=1, top=10_000),
                                  distinctive_terms(small_corpus, min_count=1))


def test_lexicon_counts_can_be_passed_in(small_corpus):
    counts = count_terms(small_corpus, "israel_gaza", by="article")
    pd.testing.assert_frame_equal(distinctive_terms(small_corpus, features="lexicon", min_count=1, counts=counts),
                                  distinctive_terms(small_corpus, features="lexicon", min_count=1))
