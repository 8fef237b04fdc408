"""A fresh process pays only for what it uses: every app's job handlers (imported by every
process at Django set-up) and the ``analyze_video`` command import no model library."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("torch", "transformers", "scenedetect", "sklearn", "scipy", "music21")

# Set-up with every app (job handlers are autodiscovered), then the command.
CHECK = f"""
import os, sys
import django

os.environ["DJANGO_SETTINGS_MODULE"] = "motif.settings"
django.setup()
from jobs.registry import get_handler
get_handler("perception.lyrics"), get_handler("perception.video"), get_handler("studio.generate")
at_setup = [name for name in {HEAVY!r} if name in sys.modules]
import perception.video.management.commands.analyze_video
print(at_setup, [name for name in {HEAVY!r} if name in sys.modules])
"""


def test_job_handlers_and_the_video_command_import_no_model_library():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[] []", done.stdout


def test_the_video_command_skips_the_system_checks():
    """The checks import every URL conf (about 2 s of a fresh process); the analysis needs none."""
    from perception.video.management.commands.analyze_video import Command

    assert Command.requires_system_checks == []
