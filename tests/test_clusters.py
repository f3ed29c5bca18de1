import re

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from framing import Article, FramingError, Lexicon, _parallel
from framing.clusters import cluster_articles, framing_vocabulary

# Two stances crossed with three events: the framing words follow the stance,
# the content words (places, names) follow the event.
EVENTS = {
    "rafah": "The Rafah crossing stayed shut near Kerem Shalom as trucks waited at the Egyptian border gate.",
    "doha": "Negotiators met in Doha with Qatari and Egyptian mediators at the Sheraton hotel for a new round.",
    "jenin": "Troops entered the Jenin camp and bulldozers tore up roads near the old hospital in Jenin city.",
}
STANCES = {
    "a": "Hamas terrorists still hold the hostages; the hostages' families rallied. Three people were killed.",
    "b": "The Resistance still holds Israeli captives, its fighters said. Three martyrs fell under occupation fire.",
}


def _corpus():
    return [Article(f"{stance}-{event}", f"{EVENTS[event]} {STANCES[stance]} {EVENTS[event]}",
                    outlet=f"outlet-{stance}", event=event)
            for event in EVENTS for stance in STANCES]


def test_lexicon_features_group_by_stance_not_event():
    result = cluster_articles(_corpus(), "israel_gaza", random_state=0)
    labels = result.articles.set_index("article_id")["cluster"]
    stance = [article_id.split("-")[0] for article_id in labels.index]
    event = [article_id.split("-")[1] for article_id in labels.index]
    assert result.n_clusters == 2
    assert adjusted_rand_score(stance, labels) == 1.0
    assert adjusted_rand_score(event, labels) < 0.1
    assert result.silhouette.set_index("n_clusters")["silhouette"].idxmax() == 2
    assert result.linkage.shape == (5, 4)


def test_plain_tfidf_follows_the_event():
    result = cluster_articles(_corpus(), "israel_gaza", features="tfidf", n_clusters=3, random_state=0)
    labels = result.articles.set_index("article_id")["cluster"]
    event = [article_id.split("-")[1] for article_id in labels.index]
    assert adjusted_rand_score(event, labels) == 1.0


def test_framing_vocabulary_drops_names_numbers_and_event_words():
    texts = [article.text for article in _corpus()]
    events = [article.event for article in _corpus()]
    vocabulary = framing_vocabulary(texts, events=events)
    assert "rafah" not in vocabulary and "jenin" not in vocabulary and "doha" not in vocabulary
    assert "trucks" not in vocabulary  # only in Rafah stories
    assert {"hostages", "captives", "martyrs", "killed"} <= set(vocabulary)


def test_clustering_is_deterministic_and_k_can_be_fixed(seed_corpus):
    first = cluster_articles(seed_corpus, random_state=7)
    again = cluster_articles(seed_corpus, random_state=7)
    assert first.articles.equals(again.articles)
    fixed = cluster_articles(seed_corpus, n_clusters=3, method="ward")
    assert fixed.n_clusters == 3 and fixed.silhouette.empty
    assert sorted(fixed.articles["cluster"].unique()) == [0, 1, 2]
    assert fixed.articles["cluster"].iloc[0] == 0  # clusters are numbered in order of first appearance


def test_bad_options(seed_corpus):
    with pytest.raises(FramingError, match=re.escape("clustering needs at least 3 articles, got 2")):
        cluster_articles(seed_corpus[:2])
    with pytest.raises(FramingError, match=re.escape("n_clusters must be an integer from 2 to 4")):
        cluster_articles(seed_corpus, n_clusters=5)
    with pytest.raises(FramingError, match=re.escape("features='words' is not valid")):
        cluster_articles(seed_corpus, features="words")
    with pytest.raises(FramingError, match="no framing feature varies"):
        cluster_articles([Article(str(i), "Nothing here.") for i in range(4)])


# Two axes whose poles share names, as in us_politics: the axis says what a
# story is about, the pole says which side's wording it uses.
SIDES = Lexicon.from_dict({
    "name": "sides",
    "axes": {
        "taxes": {"poles": {"right_coded": {"terms": ["death tax"]}, "left_coded": {"terms": ["estate tax"]}}},
        "climate": {"poles": {"right_coded": {"terms": ["global warming"]},
                              "left_coded": {"terms": ["climate crisis"]}}},
    },
})


def _sided(texts_by_id, event_of=lambda article_id: article_id.split("-")[0]):
    return [Article(article_id, text, outlet="o", event=event_of(article_id))
            for article_id, text in texts_by_id.items()]


def test_pool_axes_pools_pole_shares_over_axes():
    # Pooled right-coded share by hand: 2/3, 0, 1, 1/2 (left-coded: 1/3, 1, 0, 1/2).
    corpus = _sided({"taxes-1": "The death tax, the death tax and the estate tax.",
                     "taxes-2": "The estate tax.",
                     "climate-1": "Global warming.",
                     "climate-2": "Global warming or the climate crisis?"})
    result = cluster_articles(corpus, SIDES, pool_axes=True, n_clusters=2)
    assert result.feature_names == ["pooled:right_coded", "pooled:left_coded"]
    right = np.array([2 / 3, 0, 1, 1 / 2])
    np.testing.assert_allclose(result.features[:, 0], (right - right.mean()) / right.std())
    # The same corpus per axis: four share columns, taxes first.
    per_axis = cluster_articles(corpus, SIDES, n_clusters=2)
    assert per_axis.feature_names == ["taxes:right_coded", "taxes:left_coded", "climate:right_coded",
                                      "climate:left_coded"]


def test_pool_axes_groups_by_side_when_each_topic_has_its_own_axis():
    texts = {"taxes-right": "Repeal the death tax.", "taxes-left": "Keep the estate tax.",
             "climate-right": "Global warming is overstated.", "climate-left": "The climate crisis is here."}
    corpus = _sided({f"{key}-{n}": text for key, text in texts.items() for n in (1, 2)})
    result = cluster_articles(corpus, SIDES, pool_axes=True, n_clusters=2)
    side = [article_id.split("-")[1] for article_id in result.articles["article_id"]]
    assert adjusted_rand_score(side, result.articles["cluster"]) == 1.0


def test_min_matches_leaves_articles_without_evidence_unclustered():
    corpus = _sided({"taxes-right": "The death tax. The death tax.", "taxes-left": "The estate tax. The estate tax.",
                     "climate-right": "Global warming, global warming.", "climate-left": "The climate crisis, twice: "
                     "the climate crisis.", "taxes-thin": "The death tax.", "climate-none": "Nothing on the sides."})
    result = cluster_articles(corpus, SIDES, pool_axes=True, min_matches=2, n_clusters=2)
    clusters = result.articles.set_index("article_id")["cluster"]
    assert clusters["taxes-thin"] == -1 and clusters["climate-none"] == -1  # 1 and 0 matches
    assert clusters.drop(["taxes-thin", "climate-none"]).tolist() == [0, 1, 0, 1]  # right, left, right, left
    assert result.features.shape == (6, 2) and result.n_clusters == 2
    assert result.linkage.shape == (3, 4)  # the tree covers the 4 clustered articles only
    with pytest.raises(FramingError, match=re.escape("clustering needs at least 3 articles, got 0 with at least "
                                                     "min_matches=3 lexicon matches; lower min_matches")):
        cluster_articles(corpus, SIDES, min_matches=3)
    with pytest.raises(FramingError, match=re.escape("n_clusters must be an integer from 2 to 3")):
        cluster_articles(corpus, SIDES, min_matches=2, n_clusters=4)
    with pytest.raises(FramingError, match=re.escape("min_matches must be a non-negative integer, got -1")):
        cluster_articles(corpus, SIDES, min_matches=-1)


def test_center_within_events_removes_each_event_baseline():
    # Pooled right-coded shares: taxes 1 and 2/3, climate 1/3 and 0. Taxes coverage leans right overall, so
    # without centring the two clusters are the two events; minus each event's mean (5/6, 1/6) they are
    # +1/6 for side "a" and -1/6 for side "b" in both events.
    texts = {"taxes-a": "The death tax. The death tax.", "taxes-b": "The death tax, the death tax, the estate tax.",
             "climate-a": "Global warming, the climate crisis, the climate crisis.",
             "climate-b": "The climate crisis. The climate crisis."}
    corpus = _sided({f"{key}-{n}": text for key, text in texts.items() for n in (1, 2)})
    event = [article.event for article in corpus]
    side = [article.id.split("-")[1] for article in corpus]
    plain = cluster_articles(corpus, SIDES, pool_axes=True, n_clusters=2)
    assert adjusted_rand_score(event, plain.articles["cluster"]) == 1.0
    centered = cluster_articles(corpus, SIDES, pool_axes=True, center_within_events=True, n_clusters=2)
    assert adjusted_rand_score(side, centered.articles["cluster"]) == 1.0
    np.testing.assert_allclose(np.abs(centered.features[:, 0]), 1.0)  # +-1/6, then scaled to unit variance


def test_center_within_events_needs_event_labels():
    corpus = [Article(str(i), text) for i, text in enumerate(["The death tax.", "The estate tax.", "Global warming."])]
    with pytest.raises(FramingError, match=re.escape("center_within_events=True needs event labels")):
        cluster_articles(corpus, SIDES, center_within_events=True)


def test_worker_processes_give_the_same_clusters(monkeypatch):
    """Matching in worker processes (n_jobs=2, chunks of 2 articles) changes no label, coordinate or feature."""
    monkeypatch.setattr(_parallel, "CHUNK_SIZE", 2)
    corpus = _corpus() * 2
    corpus = [Article(f"{article.id}-{copy}", article.text, outlet=article.outlet, event=article.event)
              for copy, article in enumerate(corpus)]
    one, two = (cluster_articles(corpus, "israel_gaza", random_state=0, n_jobs=n_jobs) for n_jobs in (1, 2))
    assert one.articles.equals(two.articles)
    assert np.array_equal(one.features, two.features)
    labels = one.articles["cluster"].tolist()
    assert labels[:6] == labels[6:] and len(set(labels)) >= 2  # the second copy of each text clusters with the first
