"""Decoding to the analysis size works for every even frame size (the 4:2:0 fast path once crashed
with ``cannot reshape`` when the height was 2 more than a multiple of 4, e.g. 2x2 or 320x182)."""
from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from perception.video.analysis.media import MediaReader, box_downscale


def _solid_clip(path, size, bgr):
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), bgr, np.uint8), format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, 10)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.mark.parametrize("size", [(2, 2), (6, 6), (64, 38), (320, 182), (64, 64)])
def test_frames_of_every_even_size_decode_with_their_colour(tmp_path, size):
    colour = (40, 120, 200)
    reader = MediaReader(str(_solid_clip(tmp_path / "c.mp4", size, colour)), with_audio=False)
    frames = list(reader.frames())
    assert len(frames) == 3
    bgr, luma = frames[0].image, frames[0].luma
    assert bgr.shape[:2] == luma.shape == (reader.size[1], reader.size[0])
    assert np.abs(bgr.reshape(-1, 3).mean(axis=0) - colour).max() < 12


def test_small_luma_is_the_area_average_of_the_decoded_luma_plane(tmp_path):
    """The planes are read in place (rows padded to the decoder's line size): the small luma must
    be OpenCV's area average of the decoded Y plane, cropped to whole blocks (within one level)."""
    path = tmp_path / "noise.mp4"
    rng = np.random.default_rng(7)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 1202, 676, "yuv420p"
        for i in range(2):
            frame = av.VideoFrame.from_ndarray(rng.integers(0, 256, (676, 1202, 3), np.uint8), format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, 10)
            for packet in stream.encode(frame.reformat(format="yuv420p")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    reader = MediaReader(str(path), with_audio=False)
    small = [frame.luma for frame in reader.frames()]
    with av.open(str(path)) as container:
        container.streams.video[0].codec_context.options = {"skip_loop_filter": "all"}  # as the reader does
        planes = [frame.to_ndarray()[:676] for frame in container.decode(video=0)]
    w, h = reader.size
    fx, fy = 1202 // w, 676 // h
    for luma, y in zip(small, planes, strict=True):
        expected = cv2.resize(y[: h * fy, : w * fx], (w, h), interpolation=cv2.INTER_AREA)
        assert np.abs(luma.astype(int) - expected).max() <= 1


@pytest.mark.parametrize("fx, fy", [(1, 1), (2, 2), (3, 3), (4, 4), (3, 2)])
def test_box_downscale_is_the_block_mean(fx, fy):
    """Within one level of each block's mean and of OpenCV's area resampling (equal at odd factors)."""
    plane = np.random.default_rng(fx * 10 + fy).integers(0, 256, (fy * 27, fx * 48), np.uint8)
    small = box_downscale(plane, fx, fy).astype(int)
    assert small.shape == (27, 48)
    assert np.abs(small - plane.reshape(27, fy, 48, fx).mean(axis=(1, 3))).max() <= 0.75
    assert np.abs(small - cv2.resize(plane, (48, 27), interpolation=cv2.INTER_AREA)).max() <= 1


def test_threaded_decoding_yields_the_same_frames_in_the_same_order(tmp_path):
    path = _solid_clip(tmp_path / "c.mp4", (64, 38), (40, 120, 200))
    plain = list(MediaReader(str(path), with_audio=False).frames())
    threaded = list(MediaReader(str(path), with_audio=False).frames(threaded=True))
    assert [(f.index, f.time) for f in threaded] == [(f.index, f.time) for f in plain]
    assert all(np.array_equal(a.image, b.image) and np.array_equal(a.luma, b.luma) for a, b in zip(plain, threaded))
