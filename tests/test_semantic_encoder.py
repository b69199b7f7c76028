"""The numpy forward pass against all-MiniLM-L6-v2's published similarities (needs the model).

Reference: the sentence-transformers quickstart encodes these three sentences
with all-MiniLM-L6-v2 and prints their cosine matrix to four decimals:
0.6660 (weather/sunny), 0.1046 (weather/stadium), 0.1411 (sunny/stadium).
Matching them to the printed precision checks the tokenizer, every layer,
mean pooling and normalisation at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.semantic_helpers import MODEL_SKIP_REASON, usable_model_dir

MODEL_DIR = usable_model_dir()
pytestmark = pytest.mark.skipif(MODEL_DIR is None, reason=MODEL_SKIP_REASON)

PUBLISHED = [
    ("The weather is lovely today.", "It's so sunny outside!", 0.6660),
    ("The weather is lovely today.", "He drove to the stadium.", 0.1046),
    ("It's so sunny outside!", "He drove to the stadium.", 0.1411),
]


@pytest.fixture(scope="module")
def encoder() -> object:
    from tilbase.semantic.encoder import Encoder

    assert MODEL_DIR is not None
    return Encoder(MODEL_DIR)


def test_published_similarities_to_four_decimals(encoder: object) -> None:
    from tilbase.semantic.encoder import Encoder

    assert isinstance(encoder, Encoder)
    sentences = [PUBLISHED[0][0], PUBLISHED[0][1], PUBLISHED[1][1]]
    vectors = encoder.encode(sentences)
    assert vectors.shape == (3, 384)
    similarity = vectors @ vectors.T
    index = {text: i for i, text in enumerate(sentences)}
    for left, right, published in PUBLISHED:
        assert round(float(similarity[index[left], index[right]]), 4) == published


def test_vectors_are_unit_length_and_batching_changes_nothing(encoder: object) -> None:
    import numpy as np

    from tilbase.semantic.encoder import Encoder

    assert isinstance(encoder, Encoder)
    texts = ["short", "a somewhat longer sentence about git rebase", "", "x " * 50]
    together = encoder.encode(texts, batch_size=4)
    alone = np.concatenate([encoder.encode([text]) for text in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=2e-5)


def test_long_text_is_cut_to_256_tokens(encoder: object) -> None:
    from tilbase.semantic.encoder import MAX_TOKENS, Encoder

    assert isinstance(encoder, Encoder)
    long_text = "word " * 2000
    assert len(encoder.tokens([long_text])[0]) == MAX_TOKENS
    assert encoder.encode([long_text]).shape == (1, 384)
    assert encoder.encode([]).shape == (0, 384)


def test_a_paraphrase_is_nearer_than_an_unrelated_note(encoder: object) -> None:
    from tilbase.semantic.encoder import Encoder

    assert isinstance(encoder, Encoder)
    query, note, other = encoder.encode(
        [
            "move issue between repos",
            "Transfer an issue to another repository\n\nGitHub lets you transfer an issue.",
            "Reductions\n\nClojure's reductions gives the intermediate values of a reduce.",
        ]
    )
    assert float(query @ note) > float(query @ other) + 0.2


def test_load_encoder_finds_the_model_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilbase.semantic.encoder import load_encoder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TILBASE_MODEL_DIR", str(MODEL_DIR))
    assert load_encoder().dimension == 384
