"""Model files are never unpickled: no project Python file calls a loader that can run code from a file.

The scan reads every ``.py`` file of the repository (not ``.venv`` or other hidden folders) as a syntax
tree, so comments and strings do not count and aliases such as ``import pickle as p`` are followed.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SKIPPED_DIRS = {"node_modules", "staticfiles", "media", "var", "__pycache__"}
PICKLE_MODULES = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "joblib"}
PICKLE_LOADERS = {"load", "loads", "Unpickler"}


def _is_constant(node, value) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def unsafe_loads(source: str) -> list[str]:
    """``line: call`` for every unpickling call in ``source``: pickle-family ``load``/``loads``/
    ``Unpickler``, ``joblib.load``, pandas' ``read_pickle``, ``torch.load`` without ``weights_only=True``
    and ``np.load`` with an ``allow_pickle`` other than ``False``."""
    tree = ast.parse(source)
    modules, loaders = {}, {}  # local name -> module; local name -> "module.function"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                loaders[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            qualified = f"{modules.get(node.func.value.id, node.func.value.id)}.{node.func.attr}"
        elif isinstance(node.func, ast.Name):
            qualified = loaders.get(node.func.id, node.func.id)
        else:
            continue
        module, _, function = qualified.rpartition(".")
        unsafe = ((module in PICKLE_MODULES and function in PICKLE_LOADERS) or function == "read_pickle"
                  or (module == "torch" and function == "load" and not _is_constant(_keyword(node, "weights_only"), True))
                  or (module == "numpy" and function == "load" and _keyword(node, "allow_pickle") is not None
                      and not _is_constant(_keyword(node, "allow_pickle"), False)))
        if unsafe:
            found.append(f"{node.lineno}: {qualified}")
    return found


def project_python_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not any(p.startswith(".") or p in SKIPPED_DIRS for p in parts[:-1]):
            yield path


@pytest.mark.parametrize("source", [
    "import pickle\npickle.load(fh)",
    "import pickle\npickle.loads(data)",
    "import pickle as p\np.Unpickler(fh).load()",
    "from pickle import loads\nloads(data)",
    "from joblib import load\nload('model.joblib')",
    "import joblib\njoblib.load('model.joblib')",
    "import dill\ndill.load(fh)",
    "import pandas as pd\npd.read_pickle('x.pkl')",
    "import torch\ntorch.load('m.pt')",
    "import torch\ntorch.load('m.pt', weights_only=False)",
    "import torch\ntorch.load('m.pt', weights_only=flag)",
    "from torch import load\nload('m.pt', map_location='cpu')",
    "import numpy as np\nnp.load('a.npz', allow_pickle=True)",
    "import numpy\nnumpy.load('a.npy', allow_pickle=flag)",
])
def test_the_scan_catches_every_unpickling_call(source):
    assert len(unsafe_loads(source)) == 1


@pytest.mark.parametrize("source", [
    "import torch\ntorch.load('m.pt', weights_only=True)",
    "import numpy as np\nnp.load('a.npz')",
    "import numpy as np\nnp.load('a.npz', allow_pickle=False)",
    "import pickle\npickle.dumps(x)\n# pickle.load(fh)\ns = 'torch.load(path)'",
    "from safetensors.torch import load_file\nload_file('m.safetensors')",
    "import json\njson.load(fh)",
])
def test_the_scan_lets_safe_loading_through(source):
    assert unsafe_loads(source) == []


def test_no_project_file_unpickles():
    files = list(project_python_files())
    assert any(p.name == "checkpoints.py" for p in files) and not any(".venv" in p.parts for p in files)
    offences = [f"{path.relative_to(ROOT)}:{hit}" for path in files for hit in unsafe_loads(path.read_text())]
    assert offences == []
