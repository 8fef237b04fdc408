"""Face detection behind one small interface: OpenCV's Haar cascade, or YuNet from an ONNX file."""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod

import cv2
import numpy as np

from .errors import VideoError


class FaceDetector(ABC):
    name = ""

    @abstractmethod
    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Faces in a BGR image as (x, y, w, h) boxes."""


class HaarFaceDetector(FaceDetector):
    """The frontal-face Haar cascade that ships with OpenCV 4.x (``cv2.data.haarcascades``)."""

    name = "haar"

    def __init__(self, cascade: str = "haarcascade_frontalface_default.xml"):
        path = os.path.join(cv2.data.haarcascades, cascade)
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise VideoError(f"OpenCV's face cascade {cascade} could not be loaded.")

    def detect(self, image):
        gray = cv2.equalizeHist(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
        side = max(20, min(gray.shape) // 8)
        boxes = self._cascade.detectMultiScale(gray, scaleFactor=1.25, minNeighbors=4, minSize=(side, side))
        return [tuple(int(v) for v in b) for b in boxes]


class YuNetFaceDetector(FaceDetector):
    """OpenCV's YuNet (``cv2.FaceDetectorYN``) from an ONNX file the operator provides."""

    name = "yunet"

    def __init__(self, model_path: str, score_threshold: float = 0.7):
        if not os.path.isfile(model_path):
            raise VideoError(f"MOTIF_FACE_MODEL points at {model_path}, which is not a file.")
        try:
            self._net = cv2.FaceDetectorYN.create(model_path, "", (320, 320), score_threshold)
        except cv2.error as exc:
            raise VideoError(f"The face model {os.path.basename(model_path)} could not be loaded.") from exc

    def detect(self, image):
        h, w = image.shape[:2]
        self._net.setInputSize((w, h))
        _, faces = self._net.detect(image)
        if faces is None:
            return []
        return [tuple(int(v) for v in f[:4]) for f in faces]


FACE_DETECTORS = {"haar": HaarFaceDetector, "yunet": YuNetFaceDetector}


_local = threading.local()


def make_face_detector(model_path: str | None = None) -> FaceDetector:
    """YuNet when a model file is given (``MOTIF_FACE_MODEL``), else the Haar cascade.

    Cached per thread: OpenCV's detectors are not safe to share between threads, and the
    embedded job runner analyses videos in a thread pool."""
    cache = _local.__dict__.setdefault("detectors", {})
    if model_path not in cache:
        cache[model_path] = YuNetFaceDetector(model_path) if model_path else HaarFaceDetector()
    return cache[model_path]
