"""Studio checkpoints are safetensors plus JSON: nothing is unpickled, old pickles are converted, never loaded,
and the shipped models give the outputs they gave before the conversion."""
import io
import json
import logging

import pytest
import torch
from django.core.management import CommandError, call_command
from django.utils import translation

from studio import services
from studio.music.errors import ModelUnavailable
from studio.ml.checkpoints import (FILENAMES, CheckpointError, convert_legacy_checkpoint, load_checkpoint,
                                         read_checkpoint)
from studio.training.train import train

# The VAE figures were recorded from melody_vae.safetensors after runs 3-4 of its model card (11.8 more epochs,
# log-variance floor -16, kernel prior), with the code of the test below: greedy decodes of two prior latents
# (seed 0, 2 bars of 4/4) and the posterior mean of the first.
SHIPPED_VAE_MELODIES = [
    [22, 1, 1, 1, 1, 1, 1, 1, 24, 1, 1, 1, 1, 1, 1, 1, 26, 1, 1, 1, 27, 1, 1, 1, 29, 1, 27, 1, 25, 1, 1, 1],
    [26, 1, 1, 1, 24, 1, 25, 1, 23, 1, 1, 1, 25, 1, 1, 1, 21, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
]
SHIPPED_VAE_MU = [-0.390632, -0.234229, -0.197688, 0.456511]
# The GAN was retrained with onsets and metrical accents (issue 15), so its figures were recorded from the new
# harmony_gan.safetensors itself: the first bar of each voice's tokens (seed 0, 4/4) and the critic's score.
SHIPPED_GAN_TOKENS = [
    [35, 1, 36, 1, 31, 1, 28, 1, 0, 0, 0, 0, 33, 1, 1, 1],
    [26, 1, 1, 1, 28, 1, 1, 1, 0, 0, 0, 0, 30, 1, 28, 1],
    [19, 1, 1, 1, 21, 1, 1, 1, 0, 0, 0, 0, 21, 1, 1, 1],
    [14, 1, 1, 1, 12, 1, 1, 1, 0, 0, 0, 0, 14, 1, 1, 1],
]
SHIPPED_GAN_CRITIC = -0.671705


@pytest.fixture
def shipped_models(monkeypatch):
    """services resolve the committed checkpoints."""
    monkeypatch.delenv("MOTIF_MODEL_DIR", raising=False)


def test_shipped_checkpoints_give_the_outputs_recorded_before_conversion(shipped_models):
    cpu = torch.device("cpu")  # the figures were recorded on the CPU
    vae, _ = load_checkpoint(services.model_path("vae"), cpu)
    gan, _ = load_checkpoint(services.model_path("gan"), cpu)
    assert services.model_path("vae") == services.DEFAULT_MODEL_DIR / "melody_vae.safetensors"
    with torch.no_grad():
        melodies = vae.decode(vae.prior_sample(2, 2, generator=torch.Generator().manual_seed(0)), 2)
        mu, _ = vae.encode(melodies)
        tokens = gan.sample(1, generator=torch.Generator().manual_seed(0))
        critic = float(gan.critic(gan.voice_tensor(tokens.numpy()), gan.accents("4/4", 1)).flatten()[0])
    assert melodies.tolist() == SHIPPED_VAE_MELODIES
    assert mu[0, :4].tolist() == pytest.approx(SHIPPED_VAE_MU, abs=1e-5)
    assert tokens[0, :, :16].tolist() == SHIPPED_GAN_TOKENS
    assert critic == pytest.approx(SHIPPED_GAN_CRITIC, abs=1e-4)


def write_legacy(path, payload):
    """An old-format checkpoint: the payload dict pickled by torch.save."""
    torch.save({k: payload[k] for k in ("kind", "config", "state_dict", "meta", "attribute_names")}, path)


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_legacy_checkpoint_converts_to_identical_weights_and_meta(tiny_checkpoints, tmp_path, kind):
    original = read_checkpoint(tiny_checkpoints / FILENAMES[kind])
    legacy = tmp_path / FILENAMES[kind].replace(".safetensors", ".pt")
    write_legacy(legacy, original)
    out = io.StringIO()
    call_command("convert_studio_checkpoint", str(legacy), stdout=out)
    converted = read_checkpoint(tmp_path / FILENAMES[kind])
    assert "wrote" in out.getvalue()
    assert {k: converted[k] for k in ("kind", "config", "meta", "attribute_names")} == \
           {k: original[k] for k in ("kind", "config", "meta", "attribute_names")}
    assert converted["state_dict"].keys() == original["state_dict"].keys()
    assert all(torch.equal(converted["state_dict"][k], v) for k, v in original["state_dict"].items())


def test_conversion_refuses_what_is_not_a_studio_checkpoint(tmp_path):
    stranger = tmp_path / "stranger.pt"
    torch.save({"weights": torch.zeros(2)}, stranger)
    with pytest.raises(CheckpointError, match="not a studio checkpoint"):
        convert_legacy_checkpoint(stranger)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CommandError, match="could not be converted"):
        call_command("convert_studio_checkpoint", str(garbage))
    assert not (tmp_path / "stranger.safetensors").exists() and not (tmp_path / "garbage.safetensors").exists()


def test_a_pickled_checkpoint_is_never_loaded(tiny_checkpoints, tmp_path, monkeypatch):
    legacy = tmp_path / "melody_vae.pt"
    write_legacy(legacy, read_checkpoint(tiny_checkpoints / "melody_vae.safetensors"))
    called = []
    monkeypatch.setattr(torch, "load", lambda *a, **k: called.append(a))
    with pytest.raises(CheckpointError, match="convert_studio_checkpoint"):
        load_checkpoint(legacy)
    assert called == []


def test_services_skip_a_legacy_file_in_the_model_dir_with_a_log_line(tiny_checkpoints, tmp_path, monkeypatch, caplog):
    write_legacy(tmp_path / "melody_vae.pt", read_checkpoint(tiny_checkpoints / "melody_vae.safetensors"))
    monkeypatch.setenv("MOTIF_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(services, "_legacy_reported", set())
    with caplog.at_level(logging.WARNING, logger="studio.services"):
        assert services.model_path("vae") == services.DEFAULT_MODEL_DIR / "melody_vae.safetensors"
        services.model_path("vae")
    warnings = [r.getMessage() for r in caplog.records if "old pickled checkpoint" in r.getMessage()]
    assert len(warnings) == 1 and "convert_studio_checkpoint" in warnings[0]


def test_a_file_that_is_not_a_checkpoint_makes_the_model_unavailable(tmp_path, monkeypatch, caplog):
    (tmp_path / "harmony_gan.safetensors").write_bytes(json.dumps({"not": "tensors"}).encode())
    monkeypatch.setenv("MOTIF_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(services, "_models", {})
    with pytest.raises(ModelUnavailable, match="could not be loaded; please tell") as caught:
        services.get_model("gan")
    assert str(tmp_path) not in str(caught.value)  # the musician gets a sentence, the log gets the detail
    assert any(str(tmp_path) in r.getMessage() and r.exc_info for r in caplog.records)
    with translation.override("zh-hans"), pytest.raises(ModelUnavailable, match="GAN 模型无法加载"):
        services.get_model("gan")


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_training_resumes_from_its_plain_tensor_state(tiny_sets, tmp_path, kind):
    def run(epochs, resume):
        return train(kind, "tiny", epochs=epochs, out=tmp_path, sets=tiny_sets, data_hash="tiny", progress=False,
                     log=lambda m: None, resume=resume)

    run(1, False)
    assert (tmp_path / FILENAMES[kind].replace(".safetensors", ".resume.pt")).exists()
    meta = run(2, True)
    assert meta["epochs"] == 2 and [h["epoch"] for h in meta["history"]] == [1, 2]
    assert read_checkpoint(tmp_path / FILENAMES[kind])["meta"]["epochs"] == 2
