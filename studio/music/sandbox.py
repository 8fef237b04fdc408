"""Reading an untrusted score in a child process with a time and a memory limit.

The parent starts ``python -m studio.music.sandbox`` with no ``preexec_fn`` (so forking from a threaded
worker stays safe); the child imports the parsers, lowers its own limits (``RLIMIT_CPU``, counting the
import, and ``RLIMIT_AS``) before it reads a byte of the file from stdin, and writes the sketch (or a
ScoreError's message) as JSON to stdout. The parent also enforces a wall-clock timeout.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from studio.music.errors import ScoreError
from studio.music.score import Score

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
MEMORY_ERROR_EXIT = 3
# C libraries (OpenBLAS, the C++ runtime) that run out of memory abort with a message instead of raising.
OUT_OF_MEMORY = re.compile(rb"MemoryError|Memory allocation|Cannot allocate memory|bad_alloc|out of memory")


class ParseTimeout(ScoreError):
    """The child ran past its time limit."""


class ParseOutOfMemory(ScoreError):
    """The child ran out of its memory allowance."""


class ParseCrashed(ScoreError):
    """The child died without an answer (a parser crash on a damaged file)."""


def read_score_limited(data: bytes, extension: str, *, seconds: int, megabytes: int) -> Score:
    """The Score :func:`studio.music.io.load_score` reads from ``data``, parsed in a child process.
    Raises ScoreError (the file's own problem), ParseTimeout, ParseOutOfMemory or ParseCrashed."""
    command = [sys.executable, "-m", "studio.music.sandbox", extension, str(seconds), str(megabytes)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=seconds, cwd=PROJECT_ROOT,
                              env={**os.environ, **SINGLE_THREADED}, check=False)
    except subprocess.TimeoutExpired:
        raise ParseTimeout("timeout") from None
    if done.returncode == MEMORY_ERROR_EXIT or (done.returncode and OUT_OF_MEMORY.search(done.stderr)):
        raise ParseOutOfMemory("memory")
    if done.returncode < 0 and -done.returncode in (_signal("SIGXCPU"), _signal("SIGKILL")):
        raise ParseTimeout("cpu")
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise ParseCrashed(f"exit {done.returncode}: {done.stderr.decode('utf-8', 'replace')[-500:]}") from None
    if "error" in answer:
        raise ScoreError(answer["error"])
    return Score.from_dict(answer["sketch"])


def _signal(name: str) -> int:
    import signal

    return int(getattr(signal, name))


def _child(argv: list[str]) -> int:
    import resource

    answer_out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever a library prints goes to stderr, not the answer

    from studio.music.io import load_score  # our own code: imported before the limits, counted in the CPU time

    extension, seconds, megabytes = argv[0], int(argv[1]), int(argv[2])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        data = sys.stdin.buffer.read()
        answer = {"sketch": load_score(data, "upload" + extension).to_dict()}
    except ScoreError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        return MEMORY_ERROR_EXIT
    answer_out.write(json.dumps(answer))
    answer_out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
