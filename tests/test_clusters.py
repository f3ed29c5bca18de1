import re

import pytest
from sklearn.metrics import adjusted_rand_score

from framing import Article, FramingError
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
