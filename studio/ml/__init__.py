"""Torch modules of the studio (no Django): :mod:`.vae` (MelodyVAE), :mod:`.gan` (HarmonyGAN) and
:mod:`.checkpoints` (their files). This package module imports no torch, so code that only needs the
checkpoint names below stays light."""

FILENAMES = {"vae": "melody_vae.safetensors", "gan": "harmony_gan.safetensors"}
LEGACY_SUFFIX = ".pt"
CONVERT_HINT = "convert it with: python manage.py convert_studio_checkpoint"
