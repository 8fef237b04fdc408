"""Which models this process has loaded: the model caches note each load here.

Plain Python (no Django), so any cache may call :func:`note_loaded`. The operator's page shows this
process's list and the lists that worker processes publish after each job (``jobs.ops``).
"""
import os
import socket
import threading
import time

_loaded: dict[str, dict] = {}
_lock = threading.Lock()


def process_name() -> str:
    """This process as the operator's page names it: ``host:pid`` (stamped on the jobs it claims)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def note_loaded(model: str, device: str = "cpu", source: str = "") -> None:
    """Record that ``model`` is now loaded in this process, on ``device``, from ``source``."""
    with _lock:
        _loaded[model] = {"model": model, "device": str(device), "source": str(source), "loaded_at": time.time()}


def loaded() -> list[dict]:
    """The models loaded in this process, by name."""
    with _lock:
        return [dict(entry) for _name, entry in sorted(_loaded.items())]


def forget_all() -> None:
    """Empty the list (tests; a process that dropped its caches)."""
    with _lock:
        _loaded.clear()
