"""A fresh process pays only for what it uses: the analyses' job handlers (imported by every
process at Django set-up) and the ``analyze_video`` command import no model library."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("torch", "transformers", "scenedetect", "sklearn", "scipy", "music21")

# The perception apps alone (the other apps' handlers are theirs to keep cheap), then the command.
CHECK = f"""
import sys
import django
from django.conf import settings
from motif import settings as base

config = {{name: getattr(base, name) for name in dir(base) if name.isupper()}}
config["INSTALLED_APPS"] = [app for app in base.INSTALLED_APPS if app not in ("studio", "recommender")]
settings.configure(**config)
django.setup()
import perception.lyrics.tasks, perception.video.tasks
from jobs.registry import get_handler
get_handler("perception.lyrics"), get_handler("perception.video")
at_setup = [name for name in {HEAVY!r} if name in sys.modules]
import perception.video.management.commands.analyze_video
print(at_setup, [name for name in {HEAVY!r} if name in sys.modules])
"""


def test_job_handlers_and_the_video_command_import_no_model_library():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[] []", done.stdout
