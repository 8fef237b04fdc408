"""The studio's batched model calls give each request exactly its unbatched result for its seed,
and record each request's share for its job."""
import threading

import numpy as np
import pytest
import torch

from jobs.current import running
from jobs.models import Job, ModelCall
from motif.inference import serving
from studio import batching
from studio.ml.gan import GANConfig, HarmonyGAN
from studio.ml.vae import MelodyVAE, VAEConfig
from studio.music.encoding import VOICE_RANGE


@pytest.fixture(scope="module")
def vae():
    torch.manual_seed(0)
    return MelodyVAE(VAEConfig(embed=16, enc_hidden=32, latent=8, conductor_hidden=32, dec_hidden=32)).eval()


@pytest.fixture(scope="module")
def gan():
    torch.manual_seed(0)
    return HarmonyGAN(GANConfig(z_dim=8, cond_dim=8, hidden=32, critic_hidden=16)).eval()


@pytest.fixture
def wide_window(settings):
    """Concurrent requests of a test always meet in one batch."""
    settings.MOTIF_BATCH_WINDOW_MS = 300
    settings.MOTIF_BATCH_MAX_SIZE = 64
    serving.reset()
    yield settings
    serving.reset()


def gen(seed):
    return torch.Generator().manual_seed(seed)


def concurrently(calls):
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return results


def test_sampled_melodies_equal_the_unbatched_ones_for_each_seed(vae, wide_window):
    seeds = [7, 3, 7, 11, 5, 3]
    counts = [1, 3, 2, 1, 4, 1]
    metres = ["4/4", "6/8", "4/4", "6/8", "4/4", "4/4"]
    out = concurrently([lambda s=s, n=n, m=m: batching.vae_sample(vae, n, 4, m, None, 1.0, gen(s))
                        for s, n, m in zip(seeds, counts, metres)])
    for tokens, seed, n, metre in zip(out, seeds, counts, metres):
        assert torch.equal(tokens, vae.sample(n, 4, metre, None, 1.0, generator=gen(seed)))


def test_varied_and_interpolated_melodies_equal_the_unbatched_ones(vae, wide_window):
    melodies = [vae.sample(1, 2, "4/4", None, 1.0, generator=gen(s))[0] for s in range(4)]
    varied = concurrently([lambda i=i: batching.vae_vary(vae, melodies[i], 0.2 * i, 2, "4/4", None, gen(i))
                           for i in range(4)])
    for i, tokens in enumerate(varied):
        assert torch.equal(tokens, vae.vary(melodies[i], 0.2 * i, 2, "4/4", generator=gen(i)))
    paths = concurrently([lambda i=i: batching.vae_interpolate(vae, melodies[i], melodies[3 - i], 3 + i, "4/4")
                          for i in range(4)])
    for i, tokens in enumerate(paths):
        assert torch.equal(tokens, vae.interpolate(melodies[i], melodies[3 - i], 3 + i, "4/4"))


def test_harmonised_and_free_gan_rolls_equal_the_unbatched_ones(gan, wide_window):
    sopranos = [free.numpy()[:, 0] for free in (gan.sample(n, generator=gen(n)) for n in (1, 2, 3))]
    # The second request keeps its lower voices to C major (key-aware decoding); the others are free.
    c_major = np.isin(np.arange(VOICE_RANGE.low, VOICE_RANGE.high + 2) % 12, [0, 2, 4, 5, 7, 9, 11])
    c_major[-1] = True
    allowed = [None, np.broadcast_to(c_major, (2, gan.config.steps, gan.config.classes)).copy(), None]
    out = concurrently([lambda i=i: batching.gan_sample(gan, len(sopranos[i]), gen(40 + i), soprano=sopranos[i],
                                                        metre="3/4", allowed=allowed[i])
                        for i in range(3)]
                       + [lambda: batching.gan_sample(gan, 2, gen(9), temperature=0.8)])
    for i, rolls in enumerate(out[:3]):
        assert torch.equal(rolls, gan.sample(len(sopranos[i]), soprano=sopranos[i], metre="3/4", generator=gen(40 + i),
                                             allowed=allowed[i]))
    assert torch.equal(out[3], gan.sample(2, generator=gen(9), temperature=0.8))
    lower = out[1].numpy()[:, 1:]
    assert np.isin(lower[lower >= 2] - 2 + VOICE_RANGE.low, np.flatnonzero(c_major) + VOICE_RANGE.low).all()


def test_each_request_is_recorded_for_its_own_job_with_the_batch_size(vae, wide_window, make_user,
                                                                      transactional_db):
    jobs = [Job.objects.create(owner=make_user(f"u{i}"), kind="studio.generate", queue="gpu") for i in range(3)]

    def in_job(job, count):
        with running(job):
            return batching.vae_sample(vae, count, 2, "4/4", None, 1.0, gen(1))

    concurrently([lambda j=j, n=n: in_job(j, n) for j, n in zip(jobs, (1, 2, 3))])
    calls = {call.job_id: call for call in ModelCall.objects.all()}
    assert set(calls) == {job.pk for job in jobs}
    assert {call.batch_size for call in calls.values()} == {6}
    assert all(call.model == "vae" and call.device == "cpu" and call.owner_id == job.owner_id
               for job, call in ((j, calls[j.pk]) for j in jobs))
    shares = [calls[j.pk].seconds for j in jobs]
    assert shares[0] < shares[2] and shares[0] == pytest.approx(shares[2] / 3, rel=1e-6)
