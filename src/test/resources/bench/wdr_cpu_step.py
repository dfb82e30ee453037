"""PyTorch twin of mqat's wdr-cpu preset (dev.mqat.model.PoseNet from ModelConfig.defaults()).

Layer for layer the same network as the Java preset:
  backbone: stem conv3x3/2 3->16, stages 32, 64, 128, 256 channels with 1, 2, 2, 1 residual units; every stage
            starts with a conv3x3/2 and each residual unit is conv1x1 (to half) + conv3x3 (back) + add; every conv
            has no bias and is followed by BatchNorm2d (eps 1e-5, momentum 0.1) and LeakyReLU(0.1); C3, C4, C5 are
            the outputs of the last three stages (strides 8, 16, 32)
  fpn:      lateral conv1x1 (bias) to 64 on C3..C5, top-down nearest x2 upsampling + add, output conv3x3 (bias);
            no normalisation, no extra levels (3 levels)
  head:     shared across levels; cls and pose towers of 2 x (conv3x3 64->64 with bias, GroupNorm(16, 64), ReLU),
            cls_logits conv3x3 64->1, pose_pred conv3x3 64->16 times a learnable per-level scale
  outputs:  [N, A, 1] and [N, A, 16], cells of every level flattened row-major and concatenated finest first

One training step = zero-grad, copy of the input batch (the Java step creates its input array each step), forward,
loss, backward, reading the loss back, Adam (lr 1e-3) step.
Loss: sum of squares of both outputs (the same simple loss as the Java benchmark's network-only step).

Prints one line 'RESULT {json}' with the parameter count, the median step time and the median CPU time per step.
With --quant lsq|ste every conv weight is fake-quantized at 8 bits per layer (FakeQuantConv).

Run: /usr/bin/python3 wdr_cpu_step.py --batch 32 --steps 40 --warmup 10 --threads 2 [--quant lsq] [--trace FILE.json]
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBnLeaky(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)

    def forward(self, x):
        return F.leaky_relu(self.bn(self.conv(x)), 0.1)


class ResidualUnit(nn.Module):
    def __init__(self, c):
        super().__init__()
        half = max(1, c // 2)
        self.reduce = ConvBnLeaky(c, half, 1, 1)
        self.expand = ConvBnLeaky(half, c, 3, 1)

    def forward(self, x):
        return self.expand(self.reduce(x)) + x


class Backbone(nn.Module):
    def __init__(self, stem=16, stem_stride=2, stages=(32, 64, 128, 256), units=(1, 2, 2, 1)):
        super().__init__()
        self.stem = ConvBnLeaky(3, stem, 3, stem_stride)
        c = stem
        self.stages = nn.ModuleList()
        for out, n in zip(stages, units):
            self.stages.append(nn.Sequential(ConvBnLeaky(c, out, 3, 2), *[ResidualUnit(out) for _ in range(n)]))
            c = out
        self.feature_channels = list(stages[-3:])

    def forward(self, x):
        x = self.stem(x)
        feats = []
        for i, s in enumerate(self.stages):
            x = s(x)
            if i >= len(self.stages) - 3:
                feats.append(x)
        return feats


class Fpn(nn.Module):
    def __init__(self, in_channels, f=64):
        super().__init__()
        self.lateral = nn.ModuleList(nn.Conv2d(c, f, 1, 1, 0, bias=True) for c in in_channels)
        self.output = nn.ModuleList(nn.Conv2d(f, f, 3, 1, 1, bias=True) for _ in in_channels)
        for m in list(self.lateral) + list(self.output):
            nn.init.kaiming_uniform_(m.weight, a=1)
            nn.init.zeros_(m.bias)

    def forward(self, feats):
        lat = [l(x) for l, x in zip(self.lateral, feats)]
        merged = [None] * 3
        merged[2] = lat[2]
        for i in (1, 0):
            up = merged[i + 1].repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
            merged[i] = lat[i] + up
        return [o(m) for o, m in zip(self.output, merged)]


class Head(nn.Module):
    def __init__(self, cin=64, t=64, convs=2, groups=16, classes=1, levels=3):
        super().__init__()
        def tower():
            layers = []
            c = cin
            for _ in range(convs):
                layers += [nn.Conv2d(c, t, 3, 1, 1, bias=True), nn.GroupNorm(groups, t, eps=1e-5), nn.ReLU()]
                c = t
            return nn.Sequential(*layers)
        self.cls_tower = tower()
        self.pose_tower = tower()
        self.cls_logits = nn.Conv2d(t, classes, 3, 1, 1, bias=True)
        self.pose_pred = nn.Conv2d(t, 16 * classes, 3, 1, 1, bias=True)
        self.level_scale = nn.Parameter(torch.ones(levels))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)
        nn.init.constant_(self.cls_logits.bias, -torch.log(torch.tensor(99.0)).item())

    def forward(self, levels):
        cls, pose = [], []
        for l, x in enumerate(levels):
            cls.append(self.cls_logits(self.cls_tower(x)))
            pose.append(self.pose_pred(self.pose_tower(x)) * self.level_scale[l])
        return cls, pose


class PoseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        self.fpn = Fpn(self.backbone.feature_channels)
        self.head = Head()

    def forward(self, x):
        cls, pose = self.head(self.fpn(self.backbone(x)))
        n = x.shape[0]
        flat = lambda m: m.permute(0, 2, 3, 1).reshape(n, -1, m.shape[1])
        return torch.cat([flat(c) for c in cls], 1), torch.cat([flat(p) for p in pose], 1)


class FakeQuantConv(nn.Module):
    """A conv whose weight is fake-quantized on the symmetric 8-bit grid [-127, 127], one scale per layer, written
    the textbook way: LSQ (Esser et al.) with a learned step, its gradient scaled by 1/sqrt(N Qp), and a
    straight-through round; STE with the fixed min-max scale max|w| / Qp."""

    def __init__(self, conv, mode, bits=8):
        super().__init__()
        self.conv = conv
        self.mode = mode
        self.qp = 2 ** (bits - 1) - 1
        w = conv.weight.detach()
        if mode == "lsq":
            self.step = nn.Parameter((2 * w.abs().mean() / self.qp ** 0.5).reshape(1))
            self.grad_scale = 1.0 / (w.numel() * self.qp) ** 0.5
        else:
            self.register_buffer("scale", (w.abs().max() / self.qp).reshape(1))

    def forward(self, x):
        w = self.conv.weight
        if self.mode == "lsq":
            s = self.step.abs().clamp_min(1e-8)
            s = (s - s * self.grad_scale).detach() + s * self.grad_scale
        else:
            s = self.scale
        v = (w / s).clamp(-self.qp, self.qp)
        v = (v.round() - v).detach() + v
        return F.conv2d(x, v * s, self.conv.bias, self.conv.stride, self.conv.padding)


def fake_quantize_convs(module, mode):
    """Replaces every nn.Conv2d below module by a FakeQuantConv around it (the same parameters)."""
    for name, child in module.named_children():
        if isinstance(child, nn.Conv2d):
            setattr(module, name, FakeQuantConv(child, mode))
        else:
            fake_quantize_convs(child, mode)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quant", choices=["none", "lsq", "ste"], default="none",
                    help="fake-quantize every conv weight at 8 bits per layer (weights only)")
    ap.add_argument("--trace", help="after the timed steps, profile as many more and write a Chrome trace here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    net = PoseNet().train()
    if a.quant != "none":
        fake_quantize_convs(net, a.quant)
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(a.batch, 3, a.size, a.size)
    wall, cpu, losses, fwd, bwd, upd = [], [], [], [], [], []

    def step():
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad()
        cls, pose = net(x.clone())
        loss = cls.square().sum() + pose.square().sum()
        ta = time.perf_counter()
        loss.backward()
        v = loss.item()
        tb = time.perf_counter()
        opt.step()
        t1, c1 = time.perf_counter(), time.process_time()
        return t0, c0, ta, tb, t1, c1, v, cls, pose

    for s in range(a.warmup + a.steps):
        t0, c0, ta, tb, t1, c1, v, cls, pose = step()
        if s >= a.warmup:
            wall.append((t1 - t0) * 1e3)
            cpu.append((c1 - c0) * 1e3)
            losses.append(v)
            fwd.append((ta - t0) * 1e3)
            bwd.append((tb - ta) * 1e3)
            upd.append((t1 - tb) * 1e3)
    if a.trace:
        with torch.autograd.profiler.profile() as prof:
            for _ in range(a.steps):
                step()
        prof.export_chrome_trace(a.trace)
    out = {
        "torch": torch.__version__, "quant": a.quant, "threads": torch.get_num_threads(), "params": params,
        "cls_shape": list(cls.shape), "pose_shape": list(pose.shape), "steps": a.steps,
        "median_ms": statistics.median(wall), "median_cpu_ms": statistics.median(cpu),
        "forward_ms": statistics.median(fwd), "backward_ms": statistics.median(bwd),
        "optimizer_ms": statistics.median(upd), "min_ms": min(wall), "max_ms": max(wall), "last_loss": losses[-1], "loadavg": os.getloadavg()[0],
    }
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
