"""The zero-shot CLIP path, with a tiny randomly initialised model written to a temporary folder."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from perception.video.analysis import AnalysisOptions, VideoError, analyze_video  # noqa: E402
from perception.video.analysis.labels import SCENE_LABELS, ClipLabeller, _load_clip  # noqa: E402


def _write_tiny_clip(folder):
    """A 1-layer CLIP with a hand-written byte-level BPE vocabulary: nothing is downloaded."""
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer

    torch.manual_seed(0)
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [",", "-", "'"]
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for token in letters + [t + "</w>" for t in letters]:
        vocab[token] = len(vocab)
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[])
    config = CLIPConfig(
        text_config={"vocab_size": len(vocab), "hidden_size": 16, "intermediate_size": 32,
                     "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 77,
                     "bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1},
        vision_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "image_size": 32, "patch_size": 8},
        projection_dim=8,
    )
    CLIPModel(config).save_pretrained(folder)
    image_processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory):
    return str(_write_tiny_clip(tmp_path_factory.mktemp("tiny-clip")))


def test_labeller_returns_known_labels(tiny_clip):
    labeller = ClipLabeller(tiny_clip)
    frames = [np.full((90, 160, 3), v, np.uint8) for v in (0, 80, 160, 240)]
    labels = labeller.label(frames)
    assert len(labels) == 4 and set(labels) <= set(SCENE_LABELS)
    assert labeller.label(frames) == labels  # deterministic


def test_analysis_uses_clip_when_configured(tiny_clip, fade_clip, monkeypatch):
    monkeypatch.setenv("MOTIF_CLIP_MODEL", tiny_clip)
    report = analyze_video(fade_clip.path, AnalysisOptions.from_env()).report
    assert report["label_method"] == "clip"
    assert all(shot["label"] in SCENE_LABELS for shot in report["shots"])
    json.dumps(report)


def test_missing_model_folder_is_a_clear_error(tmp_path):
    _load_clip.cache_clear()
    with pytest.raises(VideoError, match="not a folder"):
        ClipLabeller(str(tmp_path / "nowhere"))
