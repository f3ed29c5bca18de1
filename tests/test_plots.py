import re
import warnings

import matplotlib.dates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer

from framing import FramingError
from framing.plots import (plot_axis_shares, plot_distinctive_terms, plot_framing_map, plot_similarity,
                           plot_term_heatmap, plot_timeline)

PROFILES = pd.DataFrame({
    "outlet": ["A", "A", "B", "B"], "lexicon": "x", "kind": "axis", "axis": "captivity",
    "pole": ["hostage", "captive"] * 2, "measure": "share", "value": [0.75, 0.25, 0.1, 0.9],
    "ci_low": [0.5, 0.1, 0.0, 0.7], "ci_high": [0.9, 0.5, 0.3, 1.0], "count": [3, 1, 1, 9],
    "denominator": [4, 4, 10, 10], "n_articles": [2, 2, 12, 12], "small_sample": [True, True, False, False]})


def test_axis_shares_draws_points_intervals_and_denominators():
    ax = plot_axis_shares(PROFILES, axis="captivity")
    containers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(containers) == 2  # one per outlet
    points = containers[0].lines[0]
    np.testing.assert_allclose(points.get_xdata(), [0.75, 0.25])
    assert [label.get_text() for label in ax.get_yticklabels()] == ["hostage", "captive"]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["A (n=2 art., 4 mentions) *", "B (n=12 art., 10 mentions)"]
    assert points.get_markerfacecolor() == "white"  # small sample: hollow marker
    assert "captivity" in ax.get_title()


def test_axis_shares_needs_an_axis_when_several_are_given():
    two = pd.concat([PROFILES, PROFILES.assign(axis="naming")])
    with pytest.raises(FramingError, match=re.escape("data holds 2 axes; pass axis= one of captivity, naming")):
        plot_axis_shares(two)
    with pytest.raises(FramingError, match=re.escape("plot_axis_shares: data has no column 'ci_low'")):
        plot_axis_shares(PROFILES.drop(columns="ci_low"))


def test_term_heatmap_cells_and_labels():
    counts = pd.DataFrame({"outlet": ["A", "A", "B"], "n_tokens": [1000, 1000, 500], "term": ["war", "hostage*", "war"],
                           "count": [4, 2, 1], "rate_per_1000": [4.0, 2.0, 2.0]})
    ax = plot_term_heatmap(counts)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["war", "hostage*"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A (1,000 tokens)", "B (500 tokens)"]
    assert sorted(t.get_text() for t in ax.texts) == ["0.0", "2.0", "2.0", "4.0"]


def test_distinctive_terms_labels_the_top_terms_per_group():
    data = pd.DataFrame({"group": ["A"] * 3 + ["B"] * 3, "term": list("xyzuvw"), "z": [3.0, 1.0, -2.0, 2.5, 0.5, 0.1],
                         "count_group": [10, 5, 1, 8, 2, 2], "count_versus": [1, 5, 9, 2, 2, 3]})
    ax = plot_distinctive_terms(data, top=2)
    assert sorted(annotation.get_text() for annotation in ax.texts) == ["u", "v", "x", "y"]
    assert sum(len(collection.get_offsets()) for collection in ax.collections) == 6
    assert ax.get_xscale() == "log"


def test_framing_map_points_and_variance_labels():
    data = pd.DataFrame({"article_id": list("abcd"), "outlet": ["A", "A", "B", "B"], "cluster": [0, 0, 1, 1],
                         "x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 0.0, 1.0, 0.0]})
    ax = plot_framing_map(data, explained_variance=(0.5, 0.25))
    assert sum(len(collection.get_offsets()) for collection in ax.collections) == 4
    assert sorted(text.get_text() for text in ax.texts) == ["A", "A", "B", "B"]  # labelled for black and white
    assert ax.get_xlabel() == "first principal component (50% of variance)"
    assert "2 clusters" in ax.get_title()


def test_similarity_matrix_and_dendrogram():
    data = pd.DataFrame({"group_a": list("AABB"), "group_b": list("ABAB"), "similarity": [1.0, 0.25, 0.25, 1.0]})
    ax = plot_similarity(data)
    assert sorted(t.get_text() for t in ax.texts) == ["0.25", "0.25", "1.00", "1.00"]
    plt.figure()
    ax = plot_similarity(data, kind="dendrogram")
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["A", "B"]
    with pytest.raises(FramingError, match=re.escape("kind='tree' is not valid")):
        plot_similarity(data, kind="tree")


def test_dendrogram_of_identical_profiles_has_a_span_and_no_warning():
    """Every height is 0: scipy would set equal x limits (and warn); the axis keeps a small span instead."""
    data = pd.DataFrame({"group_a": list("AABB"), "group_b": list("ABAB"), "similarity": [1.0, 1.0, 1.0, 1.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plot_similarity(data, kind="dendrogram")
    assert ax.get_xlim() == (0.05, 0.0)
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["A", "B"]


def test_timeline_aggregates_months_and_reports_undated():
    data = pd.DataFrame({"date": pd.to_datetime(["2024-05-01", "2024-05-20", "2024-06-03", None]),
                         "outlet": ["A", "A", "A", "A"], "axis": "captivity", "pole": "hostage",
                         "count": [1, 3, 0, 5], "axis_total": [2, 4, 2, 5]})
    ax = plot_timeline(data, axis="captivity", pole="hostage")
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [4 / 6, 0.0])
    assert ax.get_legend().get_texts()[0].get_text() == "A (3 art., 8 mentions)"
    assert "(1 undated articles left out)" in ax.get_title()


@pytest.mark.parametrize("function, kwargs, columns", [
    (plot_axis_shares, {}, list(PROFILES.columns)),
    (plot_term_heatmap, {}, ["outlet", "term", "count", "n_tokens", "rate_per_1000"]),
    (plot_distinctive_terms, {}, ["group", "term", "z", "count_group", "count_versus"]),
    (plot_framing_map, {}, ["x", "y", "outlet", "cluster"]),
    (plot_similarity, {}, ["group_a", "group_b", "similarity"]),
    (plot_timeline, {"axis": "a", "pole": "p"}, ["date", "outlet", "axis", "pole", "count", "axis_total"]),
])
def test_empty_data_gives_a_labelled_empty_axes(function, kwargs, columns):
    ax = function(pd.DataFrame(columns=columns), **kwargs)
    assert ax.get_title()
    assert "no data" in [text.get_text() for text in ax.texts]


def test_plots_draw_on_the_given_axes():
    figure, (left, right) = plt.subplots(1, 2)
    assert plot_axis_shares(PROFILES, ax=right) is right
    assert not left.has_data()


def test_timeline_dodges_groups_with_the_same_share_within_the_month():
    data = pd.DataFrame({"date": pd.to_datetime(["2024-05-03", "2024-05-20", "2024-05-09"]),
                         "outlet": ["B", "A", "C"], "axis": "a", "pole": "p", "count": 1, "axis_total": 4})
    x = {line.get_label()[0]: matplotlib.dates.date2num(line.get_xdata()[0])
         for line in plot_timeline(data, axis="a", pole="p").get_lines()}
    may_1, june_1 = matplotlib.dates.date2num(pd.Timestamp("2024-05-01")), matplotlib.dates.date2num(
        pd.Timestamp("2024-06-01"))
    # Three groups share the middle 80% of May, in name order: at 0.5 - 0.267, 0.5 and 0.5 + 0.267 of the month.
    np.testing.assert_allclose([(x[name] - may_1) / (june_1 - may_1) for name in "ABC"],
                               [0.5 - 0.8 / 3, 0.5, 0.5 + 0.8 / 3], atol=1e-6)
    plt.close("all")
    undodged = [matplotlib.dates.date2num(line.get_xdata()[0])
                for line in plot_timeline(data, axis="a", pole="p", dodge=False).get_lines()]
    assert undodged == [may_1] * 3


def test_timeline_breaks_the_line_over_empty_months():
    data = pd.DataFrame({"date": pd.to_datetime(["2024-01-10", "2024-04-02"]), "outlet": "A", "axis": "a",
                         "pole": "p", "count": [1, 0], "axis_total": [1, 1]})
    line = plot_timeline(data, axis="a", pole="p").get_lines()[0]
    assert len(line.get_ydata()) == 4 and np.isnan(line.get_ydata()[1:3]).all()
