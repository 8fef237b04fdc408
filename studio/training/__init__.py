"""Datasets, training loops, checkpoints and evaluation metrics of the studio models (torch, no Django)."""
