"""Scene labels: zero-shot CLIP from a local folder, or honest visual-similarity groups."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from functools import lru_cache

import cv2
import numpy as np

from .errors import VideoError

SCENE_LABELS = ("stage", "studio", "street", "nature", "crowd", "close-up")
_PROMPTS = {
    "stage": "a photo of a concert stage with lights",
    "studio": "a photo of a recording studio",
    "street": "a photo of a city street",
    "nature": "a photo of nature, trees, sea or mountains",
    "crowd": "a photo of a crowd of people",
    "close-up": "a close-up photo of a person's face",
}


class SceneLabeller(ABC):
    """Gives each keyframe (BGR) a short label."""

    name = ""
    method = ""

    @abstractmethod
    def label(self, keyframes: list[np.ndarray]) -> list[str]:
        ...


class SimilarityGroups(SceneLabeller):
    """Without a scene model we do not claim to know what is on screen: shots that look alike
    (colour histograms plus a tiny layout thumbnail) are put in the same "group N"."""

    name = "groups"
    method = "similarity-groups"

    def __init__(self, threshold: float = 0.35):
        self.threshold = threshold

    @staticmethod
    def features(image: np.ndarray) -> np.ndarray:
        hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
        hist = cv2.calcHist([hsv], [0, 1, 2], None, [8, 4, 4], [0, 180, 0, 256, 0, 256]).reshape(-1)
        hist = np.sqrt(hist / max(hist.sum(), 1.0))  # Hellinger embedding: L2 distance ~ histogram distance
        thumb = cv2.resize(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (8, 6), interpolation=cv2.INTER_AREA)
        thumb = thumb.reshape(-1).astype(np.float32) / 255.0
        return np.concatenate([hist, 0.25 * thumb / np.sqrt(thumb.size)]).astype(np.float32)

    def label(self, keyframes):
        if not keyframes:
            return []
        feats = np.stack([self.features(k) for k in keyframes])
        groups: list[int] = []
        centres: list[np.ndarray] = []
        members: list[int] = []
        for f in feats:  # greedy leader clustering in shot order: stable, O(shots x groups)
            if centres:
                dists = [float(np.linalg.norm(f - c)) for c in centres]
                best = int(np.argmin(dists))
                if dists[best] <= self.threshold:
                    members[best] += 1
                    centres[best] += (f - centres[best]) / members[best]
                    groups.append(best)
                    continue
            centres.append(f.copy())
            members.append(1)
            groups.append(len(centres) - 1)
        return [f"group {g + 1}" for g in groups]


class ClipLabeller(SceneLabeller):
    """Zero-shot labels with a CLIP model saved in a local folder (``MOTIF_CLIP_MODEL``)."""

    name = "clip"
    method = "clip"

    def __init__(self, model_dir: str, labels: tuple[str, ...] = SCENE_LABELS):
        self.model_dir = model_dir
        self.labels = labels
        self._model, self._processor, self._device = _load_clip(model_dir)

    def label(self, keyframes):
        if not keyframes:
            return []
        import torch

        prompts = [_PROMPTS.get(lbl, f"a photo of {lbl}") for lbl in self.labels]
        images = [cv2.cvtColor(k, cv2.COLOR_BGR2RGB) for k in keyframes]
        out: list[str] = []
        with torch.inference_mode():
            for start in range(0, len(images), 32):
                batch = self._processor(
                    text=prompts, images=images[start : start + 32], return_tensors="pt", padding=True
                ).to(self._device)
                logits = self._model(**batch).logits_per_image
                out.extend(self.labels[i] for i in logits.argmax(dim=1).tolist())
        return out


@lru_cache(maxsize=2)
def _load_clip(model_dir: str):
    """Load once per process; CUDA when present. Nothing is downloaded."""
    if not os.path.isdir(model_dir):
        raise VideoError(f"MOTIF_CLIP_MODEL points at {model_dir}, which is not a folder.")
    import torch
    from transformers import CLIPModel, CLIPProcessor

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        model = CLIPModel.from_pretrained(model_dir, local_files_only=True).to(device).eval()
        processor = CLIPProcessor.from_pretrained(model_dir, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise VideoError(f"The CLIP model in {model_dir} could not be loaded: {exc}") from exc
    return model, processor, device


SCENE_LABELLERS = {"groups": SimilarityGroups, "clip": ClipLabeller}


def make_labeller(clip_model: str | None = None) -> SceneLabeller:
    return ClipLabeller(clip_model) if clip_model else SimilarityGroups()
