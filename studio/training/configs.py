"""Named training configurations (Magenta-style: every trained model traces back to one)."""
from __future__ import annotations

from dataclasses import dataclass, field

from studio.ml.gan import GANConfig
from studio.ml.vae import VAEConfig


@dataclass
class TrainConfig:
    """A model configuration plus the optimisation settings that go with it."""

    name: str
    model: object
    batch_size: int = 64
    lr: float = 1e-3
    lr_final: float = 1e-4
    kl_warmup: int = 2000
    max_transpose: int = 6
    conditioned_share: float = 0.5
    val_samples: int = 128
    extra: dict = field(default_factory=dict)


CONFIGS = {
    ("vae", "tiny"): TrainConfig("tiny", VAEConfig(embed=16, enc_hidden=32, latent=16, conductor_hidden=32,
                                                   dec_hidden=32, position_embed=4, metre_embed=4, free_bits_per_bar=2.0,
                                                   prior_components=2), batch_size=16, kl_warmup=10),
    ("vae", "default"): TrainConfig("default", VAEConfig(embed=32, enc_hidden=128, latent=128, conductor_hidden=128,
                                                         dec_hidden=160, beta=0.2, free_bits_per_bar=128.0,
                                                         logvar_floor=-16.0), batch_size=64,
                                   extra={"chord_dropout": 0.3}),
    ("gan", "tiny"): TrainConfig("tiny", GANConfig(z_dim=8, cond_dim=8, hidden=32, critic_hidden=16, critic_steps=1),
                                 batch_size=8, lr=1e-3, lr_final=1e-3, val_samples=8),
    ("gan", "default"): TrainConfig("default", GANConfig(), batch_size=32, lr=2e-4, lr_final=5e-5),
}


def get_config(model: str, name: str) -> TrainConfig:
    """The named configuration for ``model`` ("vae" or "gan")."""
    try:
        return CONFIGS[(model, name)]
    except KeyError:
        raise ValueError(f"no {model!r} config named {name!r}; choose from "
                         f"{sorted(n for m, n in CONFIGS if m == model)}") from None
