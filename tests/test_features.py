import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_checks

from framing import FramingError
from framing.features import LexiconVectorizer, make_tfidf_vectorizer

# scikit-learn runs none of its numeric-input checks on a text transformer
# (input_tags.two_d_array=False); these are the API checks that apply to text.
API_CHECKS = ["check_estimator_cloneable", "check_estimator_tags_renamed", "check_valid_tag_types",
              "check_estimator_repr", "check_no_attributes_set_in_init", "check_parameters_default_constructible",
              "check_get_params_invariance", "check_set_params", "check_do_not_raise_errors_in_init_or_set_params",
              "check_mixin_order"]


@pytest.mark.parametrize("check", API_CHECKS)
def test_sklearn_api_checks(check):
    getattr(estimator_checks, check)("LexiconVectorizer", LexiconVectorizer())


TEXTS = ["Two hostages and one captive were freed.", "The Resistance fighters and Hamas militants.",
         "Nothing to see here."]


def test_counts_rates_and_shares():
    counts = LexiconVectorizer().set_output(transform="pandas").fit_transform(TEXTS)
    assert counts.loc[0, "captivity:hostage"] == 1 and counts.loc[0, "captivity:captive"] == 1
    assert counts.loc[1, "armed_groups:resistance"] == 2  # "Resistance", "fighters"
    assert counts.loc[1, "armed_groups:militant"] == 1
    assert counts.loc[2].sum() == 0
    rates = LexiconVectorizer(scale="rate").fit(TEXTS).transform(TEXTS)
    assert rates[0, 0] == pytest.approx(1000 / 7)  # 1 hostage in 7 tokens
    shares = LexiconVectorizer(scale="share").set_output(transform="pandas").fit_transform(TEXTS)
    assert shares.loc[1, "armed_groups:resistance"] == pytest.approx(2 / 3)
    assert shares.loc[2, "armed_groups:resistance"] == 0


def test_counts_and_tokens_come_from_one_pass():
    """The counts of scale="count" whatever the scale, and the token counts that rates divide by."""
    vectorizer = LexiconVectorizer(scale="share").fit(TEXTS)
    counts, n_tokens = vectorizer.counts_and_tokens(TEXTS)
    np.testing.assert_array_equal(counts, LexiconVectorizer(scale="count").fit(TEXTS).transform(TEXTS))
    assert n_tokens.tolist() == [7, 6, 4]  # "Two hostages and one captive were freed" ...
    assert n_tokens.dtype == np.int64


def test_feature_names_and_levels():
    vectorizer = LexiconVectorizer().fit(TEXTS)
    names = vectorizer.get_feature_names_out()
    assert names[0] == "captivity:hostage"
    assert "humanitarian" in names  # categories are named once
    terms = LexiconVectorizer(level="term").fit(TEXTS).get_feature_names_out()
    assert "captivity:hostage:hostage*" in terms
    both = LexiconVectorizer(lexicon=["israel_gaza", "us_immigration"]).fit(TEXTS).get_feature_names_out()
    assert both[0] == "israel_gaza:captivity:hostage"
    assert any(name.startswith("us_immigration:") for name in both)


def test_fit_is_idempotent_order_invariant_and_clonable(seed_corpus):
    vectorizer = LexiconVectorizer()
    first = vectorizer.fit_transform(seed_corpus)
    again = clone(vectorizer).fit(seed_corpus).transform(seed_corpus)
    np.testing.assert_array_equal(first, again)
    reversed_rows = vectorizer.transform(list(seed_corpus)[::-1])
    np.testing.assert_array_equal(reversed_rows, first[::-1])
    assert vectorizer.fit(seed_corpus) is vectorizer


def test_unfitted_and_bad_input():
    with pytest.raises(NotFittedError):
        LexiconVectorizer().transform(TEXTS)
    with pytest.raises(FramingError, match=re.escape("got a single string; wrap it in a list")):
        LexiconVectorizer().fit_transform("one text")
    with pytest.raises(FramingError, match=re.escape("level='axis' is not valid; use one of pole, term")):
        LexiconVectorizer(level="axis").fit(TEXTS)
    with pytest.raises(FramingError, match=re.escape("scale='share' needs level='pole'")):
        LexiconVectorizer(level="term", scale="share").fit(TEXTS)
    with pytest.raises(FramingError, match=re.escape("X[1] is int")):
        LexiconVectorizer().fit_transform(["ok", 3])


def test_works_inside_a_pipeline():
    pipeline = make_pipeline(LexiconVectorizer(scale="rate"), StandardScaler()).set_output(transform="pandas")
    table = pipeline.fit_transform(TEXTS)
    assert isinstance(table, pd.DataFrame) and table.columns[0] == "captivity:hostage"


def test_tfidf_uses_the_offline_tokenizer_and_stop_words(seed_corpus):
    vectorizer = make_tfidf_vectorizer(ngram_range=(1, 1))
    matrix = vectorizer.fit_transform([article.text for article in seed_corpus])
    vocabulary = set(vectorizer.get_feature_names_out())
    assert matrix.shape == (5, len(vocabulary))
    assert {"hamas-run", "israel's", "hostages"} & vocabulary == {"israel's", "hostages"}
    assert "the" not in vocabulary and "and" not in vocabulary
    bigrams = make_tfidf_vectorizer().fit([article.text for article in seed_corpus]).get_feature_names_out()
    assert "islamic jihad" in set(bigrams)
    with pytest.raises(FramingError, match="stop_words='french' is not valid"):
        make_tfidf_vectorizer(stop_words="french")
