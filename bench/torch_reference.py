#!/usr/bin/env python3
"""PyTorch reference for genlab's training-step benchmark (scripts/bench.ts) and the GPU check.

The same four models as genlab (src/genlab/src/models/gan.ts, vae.ts): same layer sizes,
activations, losses (GAN losses on logits, non-saturating G loss; VAE negative ELBO with a
Bernoulli decoder on dynamically binarized pixels) and Adam settings (GAN 2e-4, beta1 0.5;
VAE 1e-3). One training step is what genlab's ganTrainStep / vaeTrainStep do:

  GAN: D step (G forward without gradients, D forward+backward on a real and a fake batch),
       then G step (G and D forward+backward, only G updated).
  VAE: encoder, reparameterized z, decoder, -ELBO, backward, Adam.

Usage:
  python3 bench/torch_reference.py --data-dir DIR [--device cpu|cuda|auto] [--threads 2]
      [--models mlp-gan,dcgan,mlp-vae,conv-vae] [--steps 10] [--warmup 2]
      [--sgemm 2048] [--out DIR] [--json FILE]

Times each step (median of --steps after --warmup, synchronized on CUDA), optionally times one
NxN sgemm (the machine's practical peak through the same PyTorch/BLAS), and prints one JSON object
(also written to --json). With --out it also keeps each model's trained weights (state_dict) and a
PNG sample grid under that folder. MNIST is read from the four IDX files in --data-dir (plain or
.gz). Needs only torch and the standard library.
"""
import argparse
import gzip
import json
import os
import re
import statistics
import struct
import sys
import time
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx_images(data_dir, limit):
    for name in ("train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            break
    else:
        sys.exit(f"error: no train-images-idx3-ubyte(.gz) in {data_dir}")
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic, n, h, w = struct.unpack(">IIII", f.read(16))
        if magic != 2051 or h != 28 or w != 28:
            sys.exit(f"error: {path}: expected IDX images 28x28 (magic 2051), got magic {magic}, {h}x{w}")
        n = min(n, limit)
        data = f.read(n * 28 * 28)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(n, 1, 28, 28)


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def mlp_gan(latent=100):
    g = nn.Sequential(
        nn.Linear(latent, 1200), nn.ReLU(), nn.Linear(1200, 1200), nn.ReLU(), nn.Linear(1200, 784), nn.Tanh()
    )
    d = nn.Sequential(
        nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1)
    )
    return g, d


def dcgan(latent=100):
    # Keras BatchNormalization defaults: epsilon 1e-3, moving-average momentum 0.99 (torch: 0.01).
    g = nn.Sequential(
        nn.Linear(latent, 7 * 7 * 128, bias=False), nn.BatchNorm1d(7 * 7 * 128, eps=1e-3, momentum=0.01), nn.ReLU(),
        Reshape(128, 7, 7),
        nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1, bias=False),
        nn.BatchNorm2d(64, eps=1e-3, momentum=0.01), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1), nn.Tanh(),
    )
    d = nn.Sequential(
        nn.Conv2d(1, 64, 5, stride=2, padding=2), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 5, stride=2, padding=2), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1),
    )
    return g, d


def mlp_vae(latent=20, hidden=500):
    enc = nn.Sequential(nn.Linear(784, hidden), nn.Tanh(), nn.Linear(hidden, 2 * latent))
    dec = nn.Sequential(nn.Linear(latent, hidden), nn.Tanh(), nn.Linear(hidden, 784))
    return enc, dec


def conv_vae(latent=20):
    enc = nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 2 * latent),
    )
    dec = nn.Sequential(
        nn.Linear(latent, 7 * 7 * 32), nn.ReLU(), Reshape(32, 7, 7),
        nn.ConvTranspose2d(32, 64, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1),
    )
    return enc, dec


MODELS = {
    "mlp-gan": ("gan", mlp_gan, False, 64),
    "dcgan": ("gan", dcgan, True, 64),
    "mlp-vae": ("vae", mlp_vae, False, 100),
    "conv-vae": ("vae", conv_vae, True, 100),
}


def make_step(name, images, device, batch):
    family, build, image, _ = MODELS[name]
    net_a, net_b = build()
    net_a.to(device)
    net_b.to(device)
    gen = torch.Generator().manual_seed(0)
    n = images.shape[0]

    def batch_of_images():
        idx = torch.randint(0, n, (batch,), generator=gen)
        x = images[idx].to(device, non_blocking=True).float()
        return x if image else x.reshape(batch, 784)

    if family == "gan":
        g, d = net_a, net_b
        opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
        opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))

        def step():
            real = batch_of_images() * (2 / 255) - 1
            z = torch.randn(batch, 100, device=device)
            with torch.no_grad():
                fake = g(z)
            opt_d.zero_grad(set_to_none=True)
            loss_d = F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
            loss_d.backward()
            opt_d.step()
            for p in d.parameters():
                p.requires_grad_(False)
            opt_g.zero_grad(set_to_none=True)
            loss_g = F.softplus(-d(g(torch.randn(batch, 100, device=device)))).mean()
            loss_g.backward()
            opt_g.step()
            for p in d.parameters():
                p.requires_grad_(True)
            return loss_g

        def sample():
            g.eval()
            with torch.no_grad():
                out = (g(torch.randn(64, 100, device=device, generator=None)) + 1) / 2
            g.train()
            return out

        return step, sample, {"generator": g, "discriminator": d}

    enc, dec = net_a, net_b
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)

    def step():
        x = torch.bernoulli(batch_of_images() / 255)
        h = enc(x)
        mean, log_var = h.chunk(2, dim=1)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        logits = dec(z)
        rec = (x * logits - F.softplus(logits)).reshape(batch, -1).sum(1)
        kl = 0.5 * (mean.pow(2) + log_var.exp() - 1 - log_var).sum(1)
        loss = -(rec - kl).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    def sample():
        with torch.no_grad():
            return torch.sigmoid(dec(torch.randn(64, 20, device=device)))

    return step, sample, {"encoder": enc, "decoder": dec}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_model(name, images, device, steps, warmup):
    batch = MODELS[name][3]
    step, sample, nets = make_step(name, images, device, batch)
    for _ in range(warmup):
        step().item()
    sync(device)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        loss = step()
        loss.item()  # reads the loss back, as the genlab bench does
        sync(device)
        times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    return {"batch": batch, "msPerStep": ms, "samplesMs": times, "imagesPerSecond": batch / ms * 1000,
            "finalLoss": float(loss.item())}, sample, nets


def time_sgemm(n, device, reps=5):
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    torch.mm(a, b)
    sync(device)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        sync(device)
        times.append(time.perf_counter() - t0)
    s = statistics.median(times)
    return {"n": n, "ms": s * 1000, "gflops": 2 * n ** 3 / s / 1e9}


def png_grid(images, path, cols=8):
    """Writes [N,1,28,28] values in [0,1] as one grayscale PNG grid (no dependencies)."""
    imgs = images.detach().float().clamp(0, 1).cpu()
    n = imgs.shape[0]
    rows = (n + cols - 1) // cols
    h, w = rows * 28, cols * 28
    canvas = torch.zeros(h, w)
    for i in range(n):
        r, c = divmod(i, cols)
        canvas[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] = imgs[i].reshape(28, 28)
    pix = (canvas * 255).round().to(torch.uint8)
    raw = b"".join(b"\x00" + bytes(pix[y].tolist()) for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def blas_name():
    """', BLAS <name>' from torch's build configuration, or '' when it does not say."""
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return f", BLAS {m.group(1)}" if m else ""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default=os.environ.get("GENLAB_DATA_DIR"), required=os.environ.get("GENLAB_DATA_DIR") is None)
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (CPU); 0 leaves torch's default")
    p.add_argument("--models", default="mlp-gan,dcgan,mlp-vae,conv-vae")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--sgemm", type=int, default=2048, help="time one NxN sgemm; 0 skips")
    p.add_argument("--limit", type=int, default=10000, help="images read from the training file")
    p.add_argument("--out", help="folder for trained weights and sample grids")
    p.add_argument("--json", help="also write the result here")
    a = p.parse_args()

    if a.device == "auto":
        a.device = "cuda" if torch.cuda.is_available() else "cpu"
    if a.device == "cuda" and not torch.cuda.is_available():
        sys.exit("error: --device cuda but torch.cuda.is_available() is False")
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    device = torch.device(a.device)
    images = read_idx_images(a.data_dir, a.limit)
    result = {
        "engine": f"pytorch-{a.device}",
        "torchVersion": torch.__version__,
        # The build matters as much as the machine: Debian's torch with OpenBLAS and a pip wheel with
        # MKL/oneDNN differ by up to 1.8x on the same conv step, so the line names both.
        "device": (torch.cuda.get_device_name(0) if a.device == "cuda" else f"CPU, {torch.get_num_threads()} threads")
        + f", torch {torch.__version__}{blas_name()}",
        "threads": torch.get_num_threads(),
        "models": {},
    }
    for name in [m for m in a.models.split(",") if m]:
        if name not in MODELS:
            sys.exit(f"error: unknown model '{name}' (expected {', '.join(MODELS)})")
        res, sample, nets = time_model(name, images, device, a.steps, a.warmup)
        result["models"][name] = res
        print(f"pytorch-{a.device} {name}: {res['msPerStep']:.1f} ms/step, {res['imagesPerSecond']:.0f} images/s",
              file=sys.stderr)
        if a.out:
            folder = os.path.join(a.out, f"pytorch-{name}")
            os.makedirs(folder, exist_ok=True)
            for part, net in nets.items():
                torch.save(net.state_dict(), os.path.join(folder, f"{part}.pt"))
            png_grid(sample(), os.path.join(folder, "samples.png"))
    if a.sgemm > 0:
        result["sgemm"] = time_sgemm(a.sgemm, device)
    text = json.dumps(result)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
