"""Shared fixtures: the bundled seeds, a small written corpus, a seeded RNG, plotting hygiene."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from framing import Article, Corpus, load_corpus  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_corpus(SEEDS)


@pytest.fixture
def small_corpus() -> Corpus:
    """Three outlets, two articles each, with framing words counted by hand in the tests."""
    return Corpus([
        Article("w1", "Hamas militants freed two hostages. Israel said the hostages were well.", outlet="Wire",
                event="e1"),
        Article("w2", "The Israeli military said 12 people were killed in the offensive.", outlet="Wire", event="e2"),
        Article("r1", "The Resistance released captives. The Israeli occupation continued its aggression.",
                outlet="Resist", event="e1"),
        Article("r2", "Martyrs fell as the occupation forces shelled the besieged enclave.", outlet="Resist",
                event="e2"),
        Article("n1", "Prisoners and detainees were exchanged in the war.", outlet="Neutral", event="e1"),
        Article("n2", "Gunmen abducted a journalist, officials said.", outlet="Neutral", event="e2"),
    ], source="small")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20250713)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
