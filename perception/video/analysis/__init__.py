"""Music-video analysis (plain Python: PyAV, OpenCV, PySceneDetect, numpy, optional CLIP and
TransNetV2).

Entry points: :func:`probe_video` (cheap checks before queueing) and :func:`analyze_video`.
Every pluggable part is chosen by name from a registry: ``SHOT_DETECTORS``, ``FACE_DETECTORS``,
``SCENE_LABELLERS``.
"""

from .errors import AnalysisCancelled, VideoError, VideoRejected
from .faces import FACE_DETECTORS
from .labels import SCENE_LABELLERS
from .pipeline import AnalysisOptions, AnalysisResult, analyze_video
from .probe import ProbeResult, probe_video
from .shots import SHOT_DETECTORS
from .transitions import KINDS, Transition

__all__ = [
    "AnalysisCancelled", "AnalysisOptions", "AnalysisResult", "FACE_DETECTORS", "KINDS", "ProbeResult",
    "SCENE_LABELLERS", "SHOT_DETECTORS", "Transition", "VideoError", "VideoRejected", "analyze_video", "probe_video",
]
