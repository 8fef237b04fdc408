"""Tiny models learn, and their musician-facing operations keep their promises."""
import numpy as np
import torch

from studio.ml.gan import GANConfig, HarmonyGAN
from studio.ml.vae import MelodyVAE, VAEConfig, slerp
from studio.music.chords import code_features
from studio.music.encoding import VOICE_RANGE, decode_line, encode_line
from studio.music.score import Note
from studio.ml.checkpoints import load_checkpoint


def test_vae_loss_falls_in_a_few_steps(tiny_sets):
    torch.manual_seed(0)
    model = MelodyVAE(VAEConfig(embed=16, enc_hidden=32, latent=8, conductor_hidden=32, dec_hidden=32, free_bits_per_bar=0))
    windows = tiny_sets["melody2_6-8_train"]
    batch = torch.from_numpy(windows.tokens[:16].astype(np.int64))
    chords = torch.from_numpy(code_features(windows.chords[:16]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(12):
        out = model(batch, "6/8", chords, beta=0.01)
        opt.zero_grad()
        out["loss"].backward()
        opt.step()
        losses.append(float(out["loss"].detach()))
    assert losses[-1] < 0.7 * losses[0]


def test_gan_critic_separates_real_from_untrained_fakes(tiny_sets):
    torch.manual_seed(0)
    model = HarmonyGAN(GANConfig(z_dim=8, cond_dim=8, hidden=32, critic_hidden=16))
    windows = tiny_sets["chorales_train"]
    real, accent = model.voice_tensor(windows.tokens[:16]), model.accents(windows.metres[:16].tolist(), 16)
    opt = torch.optim.Adam(model.critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
    distances = []
    for _ in range(15):
        loss, info = model.critic_loss(real, accent, 8)
        opt.zero_grad()
        loss.backward()
        opt.step()
        distances.append(info["wasserstein"])
    assert distances[-1] > distances[0]


def test_gan_harmonise_keeps_the_soprano_and_its_repeated_notes():
    model = HarmonyGAN(GANConfig(z_dim=8, cond_dim=8, hidden=32, critic_hidden=16))
    soprano = encode_line([Note(72, 0, 4), Note(72, 4, 4), Note(74, 8, 56)], 64, VOICE_RANGE)
    tokens = model.sample(3, soprano=np.repeat(soprano[None], 3, 0), metre="3/4")
    assert tokens.shape == (3, 4, 64)
    assert (tokens[:, 0].numpy() == soprano).all()


class FixedLogits(torch.nn.Module):
    """A generator stand-in: every voice prefers C4 in its first cell, then F#4 over C4, always struck."""

    def __init__(self, c: GANConfig):
        super().__init__()
        self.c = c

    def forward(self, z, accent, condition):
        b, cells = len(accent), self.c.steps // self.c.cell
        pitch = torch.zeros(b, self.c.voices, cells, self.c.classes)
        pitch[..., 60 - VOICE_RANGE.low] = 1.0
        pitch[..., 1:, 66 - VOICE_RANGE.low] = 2.0
        return pitch, torch.tensor([0.0, 1.0]).expand(b, self.c.voices, cells, 2)


def test_key_aware_decoding_holds_a_note_rather_than_striking_it_again():
    model = HarmonyGAN(GANConfig(z_dim=8, cond_dim=8, hidden=32, critic_hidden=16))
    model.generator = FixedLogits(model.config)
    no_f_sharp = np.ones((1, 64, model.config.classes), dtype=bool)
    no_f_sharp[..., 66 - VOICE_RANGE.low] = False
    free, kept = model.sample(1)[0, 1].numpy(), model.sample(1, allowed=no_f_sharp)[0, 1].numpy()
    assert decode_line(free, VOICE_RANGE)[1].pitch == 66
    assert [(n.pitch, n.start, n.duration) for n in decode_line(kept, VOICE_RANGE)] == [(60, 0, 64)]


def test_gan_voice_tensor_round_trip_keeps_onsets(tiny_sets):
    model = HarmonyGAN(GANConfig(z_dim=8, cond_dim=8, hidden=32, critic_hidden=16))
    tokens = tiny_sets["chorales_train"].tokens[:4]
    assert (model.to_tokens(model.voice_tensor(tokens)).numpy() == tokens).all()


def test_slerp_ends_and_norm():
    a, b = torch.randn(1, 16), torch.randn(1, 16)
    assert torch.allclose(slerp(a, b, 0.0), a, atol=1e-5)
    assert torch.allclose(slerp(a, b, 1.0), b, atol=1e-5)


def test_checkpoint_round_trip_and_vae_operations(tiny_checkpoints, tiny_sets):
    vae, payload = load_checkpoint(tiny_checkpoints / "melody_vae.safetensors", torch.device("cpu"))
    assert payload["meta"]["data_hash"] == "tiny" and payload["config"]["latent"] == 16
    assert vae.attribute_names == ["note_density", "pitch_height", "major_feel"]
    x = torch.from_numpy(tiny_sets["melody4_6-8_valid"].tokens[:2].astype(np.int64))
    path = vae.interpolate(x[0], x[1], 5, "6/8")
    assert path.shape == (5, 48)
    assert torch.equal(path[0], vae.reconstruct(x[:1], "6/8")[0])
    assert vae.vary(x[0], 0.0, 2, "6/8").shape == (2, 48)
    g = torch.Generator().manual_seed(1)
    assert vae.sample(4, 2, "4/4", generator=g, attributes={"pitch_height": 2.0}).shape == (4, 32)
    assert vae.sample(2, 16, "3/2", generator=g).shape == (2, 16 * 24)


def test_init_starts_from_a_checkpoint_with_overrides_and_records_it(tiny_checkpoints, tiny_sets, tmp_path):
    from studio.training.train import train

    source = tiny_checkpoints / "melody_vae.safetensors"
    before, _ = load_checkpoint(source, torch.device("cpu"))
    meta = train("vae", "tiny", epochs=1, out=tmp_path, sets=tiny_sets, data_hash="tiny", progress=False,
                 log=lambda m: None, init=source, model_overrides={"free_bits_per_bar": 3.0}, lr=(2e-4, 5e-5))
    assert meta["lr"] == [2e-4, 5e-5]
    assert meta["initialised_from"]["file"] == "melody_vae.safetensors"
    assert meta["initialised_from"]["epochs"] == 1
    after, _ = load_checkpoint(tmp_path / "melody_vae.safetensors", torch.device("cpu"))
    assert after.config.free_bits_per_bar == 3.0 and before.config.free_bits_per_bar == 2.0
    fresh = MelodyVAE(before.config)
    # Fine-tuned weights stay near the source's, far from a fresh initialisation.
    w0, w1, wf = before.out.weight, after.out.weight, fresh.out.weight
    assert (w1 - w0).norm() < (w1 - wf).norm()


def test_init_refuses_another_kind_or_architecture(tiny_checkpoints, tiny_sets, tmp_path):
    import pytest

    from studio.training.train import train

    with pytest.raises(ValueError, match="not a 'vae'"):
        train("vae", "tiny", epochs=1, out=tmp_path, sets=tiny_sets, progress=False, log=lambda m: None,
              init=tiny_checkpoints / "harmony_gan.safetensors")
    big = MelodyVAE(VAEConfig(enc_hidden=48))
    from studio.ml.checkpoints import save_checkpoint

    save_checkpoint(tmp_path / "other.safetensors", "vae", big, {})
    with pytest.raises(ValueError, match="another architecture"):
        train("vae", "tiny", epochs=1, out=tmp_path, sets=tiny_sets, progress=False, log=lambda m: None,
              init=tmp_path / "other.safetensors")


def test_trained_vae_samples_from_a_kernel_prior_fitted_per_metre(tiny_checkpoints, tiny_sets):
    from studio.training.attributes import posterior_means

    model, payload = load_checkpoint(tiny_checkpoints / "melody_vae.safetensors", torch.device("cpu"))
    latent, k, bandwidth = model.config.latent, model.config.prior_components, model.config.prior_bandwidth
    assert payload["meta"]["prior"] == {"kind": "kernel", "components": k, "bandwidth": bandwidth}
    assert model.config.prior_keys == ["4/4:2", "4/4:4", "6/8:2", "6/8:4"]
    assert model.prior_mean.shape == (4, k, latent) and model.prior_scale_tril.shape == (4, latent, latent)
    index = model.config.prior_keys.index("6/8:4")
    mus = posterior_means(model, tiny_sets["melody4_6-8_train"].tokens.astype(np.int64), torch.device("cpu"))
    # Every centre is the code of a real training window, all equally likely ...
    for centre in model.prior_mean[index]:
        assert float((mus - centre).norm(dim=1).min()) < 1e-4
    assert torch.allclose(model.prior_weights[index], torch.full((k,), 1.0 / k))
    # ... and the kernels' spread is the bandwidth times the spread of the training windows' codes.
    tril = model.prior_scale_tril[index].double()
    expected = bandwidth ** 2 * np.cov(mus.double().numpy().T)
    assert np.allclose((tril @ tril.T).numpy(), expected, atol=1e-4)
    z = model.prior_sample(20000, 4, "6/8", generator=torch.Generator().manual_seed(0))
    mixture_mean = model.prior_mean[index].mean(0)
    assert torch.allclose(z.mean(0), mixture_mean, atol=0.05 + 0.05 * float(mus.std()))
    assert model._prior_index("9/8", 16) == model.config.prior_keys.index("4/4:4")  # 4/4's, nearest length
    assert model.sample(3, 2, "6/8", generator=torch.Generator().manual_seed(1)).shape == (3, 24)


def test_a_prior_with_a_covariance_per_component_still_samples(tiny_checkpoints):
    """Checkpoints fitted before the kernel prior hold one Cholesky factor per mixture component."""
    model, _ = load_checkpoint(tiny_checkpoints / "melody_vae.safetensors", torch.device("cpu"))
    latent = model.config.latent
    means = torch.stack([torch.full((latent,), 3.0), torch.full((latent,), -3.0)])[None]
    trils = torch.stack([torch.eye(latent) * 0.1, torch.eye(latent) * 0.5])[None]
    model.set_latent_prior(["4/4:2"], torch.tensor([[0.25, 0.75]]), means, trils)
    z = model.prior_sample(20000, 2, "4/4", generator=torch.Generator().manual_seed(0))
    high = z[:, 0] > 0
    assert abs(float(high.float().mean()) - 0.25) < 0.02
    assert abs(float(z[high].std()) - 0.1) < 0.01 and abs(float(z[~high].std()) - 0.5) < 0.02


def test_sampling_draws_the_same_noise_in_every_bar(tiny_checkpoints):
    model, _ = load_checkpoint(tiny_checkpoints / "melody_vae.safetensors", torch.device("cpu"))
    noise = model.decode_noise(3, 4, "6/8", torch.Generator().manual_seed(0))
    assert noise.shape == (4 * 12, 3, model.config.vocab_size)
    bars = noise.view(4, 12, 3, -1)
    assert all(torch.equal(bars[0], bars[k]) for k in range(1, 4))
    assert not torch.equal(noise[0], noise[1]) and not torch.equal(noise[:, 0], noise[:, 1])


def test_the_prior_can_be_fitted_again_with_other_settings(tiny_checkpoints, tiny_sets, tmp_path):
    from studio.training.train import refit_vae_prior

    source = tiny_checkpoints / "melody_vae.safetensors"
    meta = refit_vae_prior(source, tmp_path / "refitted.safetensors", components=3, bandwidth=0.25,
                           sets=tiny_sets, progress=False)
    assert meta["prior"]["components"] == 3 and meta["prior"]["bandwidth"] == 0.25
    before, _ = load_checkpoint(source, torch.device("cpu"))
    after, payload = load_checkpoint(tmp_path / "refitted.safetensors", torch.device("cpu"))
    assert payload["meta"]["history"] == load_checkpoint(source)[1]["meta"]["history"]
    assert torch.equal(before.out.weight, after.out.weight)
    assert after.prior_mean.shape[1] == 3 and after.config.prior_bandwidth == 0.25
    ratio = after.prior_scale_tril[0].diagonal() / before.prior_scale_tril[0].diagonal()
    assert torch.allclose(ratio, torch.full_like(ratio, 0.25 / before.config.prior_bandwidth), rtol=1e-4)


def test_a_vae_saved_without_a_fitted_prior_loads_with_the_standard_normal(tiny_checkpoints):
    from studio.ml.checkpoints import build_model, load_weights, read_checkpoint

    payload = read_checkpoint(tiny_checkpoints / "melody_vae.safetensors")
    old = {k: v for k, v in payload["state_dict"].items() if not k.startswith("prior_")}
    model = build_model("vae", payload["config"])
    load_weights(model, old)
    assert len(model.prior_mean) == 0
    z = model.prior_sample(20000, 2, generator=torch.Generator().manual_seed(0))
    assert z.mean().abs() < 0.02 and abs(float(z.std()) - 1.0) < 0.02


def test_the_posterior_log_variance_stops_at_the_configured_floor():
    vae = MelodyVAE(VAEConfig(embed=8, enc_hidden=8, latent=4, conductor_hidden=8, dec_hidden=8, logvar_floor=-3.0))
    with torch.no_grad():
        vae.to_logvar.bias.fill_(-100.0)
    _, logvar = vae.encode(torch.zeros(2, 32, dtype=torch.long))
    assert torch.equal(logvar, torch.full((2, 4), -3.0))


def test_chords_favour_their_tones_on_the_beats_without_changing_how_often_a_note_is_struck():
    from studio.ml.vae import CHORD_TONE_BONUS, _favour_pitches
    from studio.music.chords import chord_codes, code_features, parse_progression
    from studio.music.encoding import FIRST_PITCH_TOKEN, MELODY_RANGE

    vae = MelodyVAE(VAEConfig(embed=8, enc_hidden=8, latent=4, conductor_hidden=8, dec_hidden=8))
    chords = torch.from_numpy(code_features(chord_codes(parse_progression("C", "4/4", 1), 16)))[None]
    bonus = vae._chord_tone_bonus(chords, "4/4")
    c_major = [t for t in range(FIRST_PITCH_TOKEN, vae.config.vocab_size)
               if (t - FIRST_PITCH_TOKEN + MELODY_RANGE.low) % 12 in (0, 4, 7)]
    assert set(torch.nonzero(bonus[0, 0]).flatten().tolist()) == set(c_major)
    assert torch.all(bonus[0, 0, c_major] == CHORD_TONE_BONUS)
    assert torch.count_nonzero(bonus[0, [k for k in range(16) if k % 4]]) == 0  # beats only
    logits = torch.randn(1, vae.config.vocab_size)
    favoured = _favour_pitches(logits, bonus[:, 0])
    before, after = logits.softmax(-1), favoured.softmax(-1)
    assert torch.allclose(before[0, :FIRST_PITCH_TOKEN], after[0, :FIRST_PITCH_TOKEN], atol=1e-6)
    assert after[0, c_major].sum() > before[0, c_major].sum()


def test_fit_studio_prior_names_a_file_that_is_not_a_vae_checkpoint(tiny_checkpoints, tmp_path):
    import pytest
    from django.core.management import CommandError, call_command

    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(CommandError, match="not a studio checkpoint"):
        call_command("fit_studio_prior", str(junk))
    with pytest.raises(CommandError, match="not a 'vae'"):
        call_command("fit_studio_prior", str(tiny_checkpoints / "harmony_gan.safetensors"))
