"""Batched model inference (DESIGN §2.8): :mod:`.batcher` gathers concurrent requests for one model
into one forward pass (plain Python); :mod:`.serving` gives each model its batcher, configured by
``MOTIF_BATCH_WINDOW_MS`` and ``MOTIF_BATCH_MAX_SIZE``, and records each request's share as a
``jobs.ModelCall`` of the job that made it. Model-specific adapters live next to each model's
service (e.g. ``studio/batching.py``)."""
