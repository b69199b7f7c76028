"""all-MiniLM-L6-v2 as a plain numpy forward pass over its safetensors weights.

BERT encoder (6 layers, hidden 384, 12 heads, GELU, post-LayerNorm with eps
1e-12), WordPiece tokenisation by the ``tokenizers`` library from the model's
``tokenizer.json``, at most 256 tokens, mean pooling over the attention mask,
L2 normalisation: the same recipe sentence-transformers runs for this model.
numpy, tokenizers and safetensors are imported here only, when a model loads.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tilbase.semantic.deps import require_extra
from tilbase.semantic.errors import ModelMissing
from tilbase.semantic.modelfiles import MISSING_HINT, MODEL_SHA256

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

MAX_TOKENS = 256
"""sentence-transformers' ``max_seq_length`` for this model: longer texts are cut."""

BATCH_SIZE = 16

# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, below float32's resolution here.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


@dataclass(frozen=True)
class BertShape:
    """The architecture numbers read from ``config.json``."""

    layers: int
    hidden: int
    heads: int
    eps: float

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertShape:
        """Read the shape; only GELU BERT models with absolute positions are supported."""
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")
        return cls(
            layers=int(config["num_hidden_layers"]),
            hidden=int(config["hidden_size"]),
            heads=int(config["num_attention_heads"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
        )


class Encoder:
    """Sentence embeddings (unit vectors) from a model folder. Load once, encode many."""

    model_id = MODEL_SHA256
    """Identifies the vectors this encoder makes (embedding stores are tagged with it)."""

    def __init__(self, folder: Path) -> None:
        """Load the tokenizer and weights from ``folder`` (already located and verified)."""
        require_extra()
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            self.shape = BertShape.from_config(config)
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            weights = load_file(str(folder / "model.safetensors"))
        except Exception as exc:  # a damaged file fails in many ways; each means the same
            raise ModelMissing(
                f"cannot load the sentence model from {folder} ({type(exc).__name__}: {exc})"[:300],
                MISSING_HINT,
            ) from None
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer = tokenizer
        self._np = np
        self.dimension = self.shape.hidden
        self._w = _prepare(weights, self.shape.layers)

    def tokens(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text, with [CLS]/[SEP], cut to ``MAX_TOKENS``."""
        return [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int, int], None] | None = None,
    ) -> Matrix:
        """One L2-normalised row per text (float32, ``len(texts) × dimension``).

        Texts are batched by token length so little time goes to padding;
        rows come back in the order of ``texts``.
        """
        np = self._np
        ids = self.tokens(texts)
        out: Matrix = np.zeros((len(ids), self.dimension), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        done = 0
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self._encode_ids([ids[i] for i in chosen])
            done += len(chosen)
            if progress is not None:
                progress(done, len(ids))
        return out

    def _encode_ids(self, batch: list[list[int]]) -> Matrix:
        np = self._np
        width = max(len(row) for row in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        hidden = self._forward(ids, mask)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: Matrix = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return result

    def _forward(self, ids: Any, mask: Any) -> Any:
        """Hidden states (batch × width × hidden); activations stay 2-d: one GEMM per dense."""
        np, w, shape = self._np, self._w, self.shape
        batch, width = ids.shape
        heads, size, hidden = shape.heads, shape.hidden // shape.heads, shape.hidden
        x = w["word"][ids] + w["position"][:width][None, :, :] + w["token_type"][None, None, :]
        x = _layer_norm(
            np, x.reshape(batch * width, hidden), w["emb_ln_w"], w["emb_ln_b"], shape.eps
        )
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(size))
        for layer in w["layers"]:
            qkv = (x @ layer["qkv_w"] + layer["qkv_b"]).reshape(batch, width, 3, heads, size)
            qkv = qkv.transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q * scale) @ k.transpose(0, 1, 3, 2) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch * width, hidden)
            attended = context @ layer["out_w"] + layer["out_b"]
            x = _layer_norm(np, x + attended, layer["ln1_w"], layer["ln1_b"], shape.eps)
            inner = _gelu(np, x @ layer["in_w"] + layer["in_b"])
            out = inner @ layer["ffn_w"] + layer["ffn_b"]
            x = _layer_norm(np, x + out, layer["ln2_w"], layer["ln2_b"], shape.eps)
        return x.reshape(batch, width, hidden)


def _prepare(weights: dict[str, Any], layers: int) -> dict[str, Any]:
    """Rename the weights and store every dense matrix transposed (x @ W), Q/K/V fused."""
    import numpy as np

    def get(name: str) -> Any:
        return np.ascontiguousarray(weights[name], dtype=np.float32)

    prepared: dict[str, Any] = {
        "word": get("embeddings.word_embeddings.weight"),
        "position": get("embeddings.position_embeddings.weight"),
        "token_type": get("embeddings.token_type_embeddings.weight")[0],
        "emb_ln_w": get("embeddings.LayerNorm.weight"),
        "emb_ln_b": get("embeddings.LayerNorm.bias"),
        "layers": [],
    }
    for index in range(layers):
        p = f"encoder.layer.{index}."
        attention = [f"{p}attention.self.{part}" for part in ("query", "key", "value")]
        prepared["layers"].append(
            {
                "qkv_w": np.ascontiguousarray(
                    np.concatenate([get(f"{name}.weight") for name in attention]).T
                ),
                "qkv_b": np.concatenate([get(f"{name}.bias") for name in attention]),
                "out_w": np.ascontiguousarray(get(f"{p}attention.output.dense.weight").T),
                "out_b": get(f"{p}attention.output.dense.bias"),
                "ln1_w": get(f"{p}attention.output.LayerNorm.weight"),
                "ln1_b": get(f"{p}attention.output.LayerNorm.bias"),
                "in_w": np.ascontiguousarray(get(f"{p}intermediate.dense.weight").T),
                "in_b": get(f"{p}intermediate.dense.bias"),
                "ffn_w": np.ascontiguousarray(get(f"{p}output.dense.weight").T),
                "ffn_b": get(f"{p}output.dense.bias"),
                "ln2_w": get(f"{p}output.LayerNorm.weight"),
                "ln2_b": get(f"{p}output.LayerNorm.bias"),
            }
        )
    return prepared


def _layer_norm(np: Any, x: Any, weight: Any, bias: Any, eps: float) -> Any:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(eps)) * weight + bias


def _gelu(np: Any, x: Any) -> Any:
    """Exact (erf) GELU, as BERT's ``gelu``: x · Φ(x), computed in place where it can be.

    With t = 1/(1 + p·|x|/√2), 1 - erf(|x|/√2) ≈ poly(t)·exp(-x²/2), so
    x·Φ(x) = x - h for x ≥ 0 and h for x < 0, where h = x·poly(t)·exp(-x²/2)/2.
    |x|/√2 is capped at 6 (erf is 1 there in float32) so ``exp`` never makes
    subnormal numbers, which are many times slower on x86.
    """
    z = np.abs(x)
    z *= np.float32(1.0 / math.sqrt(2.0))
    np.minimum(z, np.float32(6.0), out=z)
    t = z * np.float32(_ERF_P)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * np.float32(_ERF_A[4])
    for coefficient in reversed(_ERF_A[:4]):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    poly *= x
    poly *= np.float32(0.5)
    return np.where(x >= 0, x - poly, poly)


def load_encoder(folder: Path | None = None) -> Encoder:
    """Locate (and verify) the model, then load it; ``folder`` skips the lookup (tests, tools)."""
    require_extra()
    if folder is None:
        from tilbase.semantic.modelfiles import locate_model

        folder = locate_model()
    return Encoder(folder)
