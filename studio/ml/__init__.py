"""Torch modules of the studio (no Django): :mod:`.vae` (MelodyVAE) and :mod:`.gan` (HarmonyGAN)."""
import torch


def default_device() -> torch.device:
    """CUDA when present, the CPU otherwise."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
