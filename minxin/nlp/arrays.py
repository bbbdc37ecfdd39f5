"""A trained `Model` as plain arrays in a compressed .npz, written and read without pickle.

Stored versions and the default model shipped with the package (`minxin.nlp.default`) use
this format. Reading it is ``numpy.load(allow_pickle=False)`` plus JSON: a file can hold
numbers and text, never code, so a model file is safe to load whoever wrote it.

Arrays in the file:

    meta          JSON as UTF-8 bytes: format, config, temperature, n_train, info, classes,
                  and for each TF-IDF block its kind and n-gram range (no training time:
                  the same training gives the same bytes)
    b{i}_codes    the block's n-gram codes, sorted (`minxin.nlp.features.NgramCounts`)
    b{i}_idf      its idf weights
    b{i}_tokens   word blocks only: the words, newline-separated UTF-8, in the order of
    b{i}_ids      their integer ids
    coef          the classifier's coefficients (classes x features), float32
    intercept     its intercepts

The pipeline is rebuilt from the config (`pipeline.build_pipeline`) and the fitted values
are put back into it, so predictions equal the trained model's exactly.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

from minxin.nlp import pipeline as pipeline_module
from minxin.nlp.pipeline import Model, ModelConfig, build_pipeline, count_blocks

__all__ = ["is_npz", "model_from_npz", "model_to_npz"]

_ZIP_MAGIC = b"PK\x03\x04"


def is_npz(data: bytes) -> bool:
    return data[:4] == _ZIP_MAGIC


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(array: np.ndarray) -> str:
    return array.tobytes().decode("utf-8")


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON-serialisable: {type(value)!r}")


def model_to_npz(model: Model) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    blocks = []
    for i, (_, sub, _) in enumerate(count_blocks(model.pipeline)):
        counts = sub.named_steps["counts"]
        blocks.append({"kind": counts.kind, "ngram_range": list(counts.ngram_range)})
        arrays[f"b{i}_codes"] = np.asarray(counts.vocabulary_codes_, dtype=np.int64)
        arrays[f"b{i}_idf"] = np.asarray(sub.named_steps["tfidf"].idf_)
        if counts.kind == "word":
            tokens = list(counts.token_ids_)
            if any("\n" in t for t in tokens):
                raise ValueError("a token holds a newline; normalised text never does")
            arrays[f"b{i}_tokens"] = _text_array("\n".join(tokens))
            arrays[f"b{i}_ids"] = np.fromiter(counts.token_ids_.values(), np.int64, len(tokens))
    clf = model.pipeline.named_steps["clf"]
    meta = {
        "format": model.format_version,
        "config": model.config.as_dict(),
        "temperature": model.temperature,
        "n_train": model.n_train,
        "info": model.info,
        "classes": model.classes,
        "blocks": blocks,
    }
    arrays["meta"] = _text_array(json.dumps(meta, ensure_ascii=False, default=_plain))
    arrays["coef"] = np.ascontiguousarray(clf.coef_, dtype=np.float32)
    arrays["intercept"] = np.asarray(clf.intercept_, dtype=np.float32)
    return _npz(arrays)


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    """`numpy.savez_compressed` with a fixed timestamp on every member, so that the same
    model always gives the same bytes (and SHA-256)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(array), allow_pickle=False)
    return buf.getvalue()


def model_from_npz(data: bytes) -> Model:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    meta = json.loads(_text(arrays["meta"]))
    current = pipeline_module.FORMAT_VERSION
    if meta.get("format") != current:
        raise ValueError(f"model format {meta.get('format')} is not the current {current}; retrain")
    config = ModelConfig.from_dict(meta["config"])
    fitted = build_pipeline(config)
    blocks = list(count_blocks(fitted))
    if len(blocks) != len(meta["blocks"]):
        raise ValueError("the file's blocks do not match its config")
    n_features = 0
    for i, ((_, sub, _), spec) in enumerate(zip(blocks, meta["blocks"], strict=True)):
        counts = sub.named_steps["counts"]
        if spec["kind"] != counts.kind or tuple(spec["ngram_range"]) != counts.ngram_range:
            raise ValueError(f"block {i} does not match the config")
        counts.vocabulary_codes_ = arrays[f"b{i}_codes"].astype(np.int64, copy=False)
        counts.n_features_out_ = len(counts.vocabulary_codes_)
        if counts.kind == "word":
            tokens = _text(arrays[f"b{i}_tokens"]).split("\n")
            counts.token_ids_ = dict(zip(tokens, arrays[f"b{i}_ids"].tolist(), strict=True))
        tfidf = sub.named_steps["tfidf"]
        tfidf.idf_ = arrays[f"b{i}_idf"]
        tfidf.n_features_in_ = counts.n_features_out_
        n_features += counts.n_features_out_
    coef = arrays["coef"]
    if coef.shape != (len(meta["classes"]), n_features):
        raise ValueError("the coefficients do not match the features")
    clf = fitted.named_steps["clf"]
    clf.classes_ = np.asarray(meta["classes"], dtype=object)
    clf.coef_ = np.asfortranarray(coef)
    clf.intercept_ = arrays["intercept"]
    clf.n_features_in_ = n_features
    return Model(
        pipeline=fitted,
        config=config,
        temperature=float(meta["temperature"]),
        n_train=int(meta["n_train"]),
        train_seconds=float(meta.get("train_seconds", 0.0)),
        info=meta.get("info") or {},
        format_version=current,
    )
