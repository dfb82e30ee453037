#!/usr/bin/env python3
"""PyTorch peer for accuracy per minute: trains the PyTorch twin of mqat's wdr-cpu network (wdr_cpu_step.py, the
network of TrainStepBenchmark) with the CPU prototype's recipe on a BOP dataset written by `mqat synth`, then
predicts the test split and writes a BOP19 CSV that `mqat eval-poses` scores. Not needed to build or test mqat.

Recipe: (rgb/255-0.5)/0.25 input; one level per object (argmin |log2(size/anchor)|, anchors 16/32/64 at strides
8/16/32); positives = cells whose central 2x2 px touch the visible mask + the cell holding the mask centroid;
loss = sigmoid focal (0.25, 2) sum / #pos + WDR object-space loss (closest point on the viewing ray of each
predicted corner vs the true camera-frame corner, / diameter, summed over 8 corners, mean over positives);
Adam, batch 32, linear warm-up (mqat's formula lr*(s+1)/(w+1)) then cosine to 0 over the budget fraction
(elapsed/time-limit or step/steps), no augmentation.

The network comes from wdr_cpu_step.py beside this file (pose channels: 8 x offsets then 8 y offsets, anchor
units, as in mqat); backbone convs are re-initialised like mqat's ConvBnLeaky (kaiming normal, fan_in, leaky_relu
0.1).

Run (about 20 s to cache the images as .npy the first time):
  /usr/bin/python3 src/test/resources/bench/wdr_cpu_train_peer.py --data data/swisscube-synth \
      --time-limit 600 --threads 2 --out target/peer-t10
  ./mqat eval-poses --data data/swisscube-synth --split test --results target/peer-t10/predictions-test.csv
"""
import argparse
import json
import math
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wdr_cpu_step import PoseNet as TwinPoseNet  # noqa: E402  (the benchmark's twin of the Java network)

DATA = "data/swisscube-synth"  # --data
CACHE = None  # --cache
STRIDES = (8, 16, 32)
ANCHORS = (16.0, 32.0, 64.0)
SIZE = 128


# ----------------------------------------------------------------------------------------------------- network

class PoseNet(TwinPoseNet):
    """The benchmark's twin with mqat's backbone initialisation (the twin keeps PyTorch's default there)."""

    def __init__(self):
        super().__init__()
        # like the Java ConvBnLeaky: kaiming normal, fan_in, gain sqrt(2 / (1 + 0.1^2))
        for m in self.backbone.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, a=0.1, mode="fan_in", nonlinearity="leaky_relu")


# ------------------------------------------------------------------------------------------------- anchor grid
def make_grid():
    """Per cell (finest level first, row-major): centre x, centre y (px, pixel centres at integers), anchor, level."""
    cx, cy, an, lv = [], [], [], []
    for l, (s, a) in enumerate(zip(STRIDES, ANCHORS)):
        g = SIZE // s
        ii, jj = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
        cx.append(((jj + 0.5) * s - 0.5).ravel())
        cy.append(((ii + 0.5) * s - 0.5).ravel())
        an.append(np.full(g * g, a))
        lv.append(np.full(g * g, l))
    return (np.concatenate(cx).astype(np.float32), np.concatenate(cy).astype(np.float32),
            np.concatenate(an).astype(np.float32), np.concatenate(lv).astype(np.int64))


GRID_CX, GRID_CY, GRID_AN, GRID_LV = make_grid()
NCELLS = len(GRID_CX)  # 336
LEVEL_OFFSETS = np.concatenate([[0], np.cumsum([(SIZE // s) ** 2 for s in STRIDES])])


def load_object():
    info = json.load(open(os.path.join(DATA, "models/models_info.json")))["1"]
    lo = np.array([info["min_x"], info["min_y"], info["min_z"]])
    sz = np.array([info["size_x"], info["size_y"], info["size_z"]])
    corners = np.array([[lo[0] + sz[0] * i, lo[1] + sz[1] * j, lo[2] + sz[2] * k]
                        for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=np.float64)
    return corners, float(info["diameter"])


# ---------------------------------------------------------------------------------------------------- data
def load_split(list_name, limit=None):
    """Images of a split list, cached as .npy under cache/ (built once for the whole list)."""
    cdir = CACHE
    stem = os.path.join(cdir, list_name.replace(".txt", ""))
    names = ["imgs", "masks", "R", "t", "K", "ids"]
    t0 = time.time()
    if not all(os.path.exists(f"{stem}_{n}.npy") for n in names):
        os.makedirs(cdir, exist_ok=True)
        lines = [l.strip() for l in open(os.path.join(DATA, list_name)) if l.strip()]
        n = len(lines)
        imgs = np.empty((n, SIZE, SIZE, 3), np.uint8)
        masks = np.empty((n, SIZE, SIZE), np.uint8)
        R = np.empty((n, 3, 3), np.float64)
        t = np.empty((n, 3), np.float64)
        K = np.empty((n, 3, 3), np.float64)
        ids = np.empty((n, 2), np.int64)
        gts, cams = {}, {}
        for i, line in enumerate(lines):
            split, scene, _, fname = line.split("/")
            key = (split, scene)
            if key not in gts:
                gts[key] = json.load(open(os.path.join(DATA, split, scene, "scene_gt.json")))
                cams[key] = json.load(open(os.path.join(DATA, split, scene, "scene_camera.json")))
            im = int(fname.split(".")[0])
            bgr = cv2.imread(os.path.join(DATA, line), cv2.IMREAD_COLOR)
            imgs[i] = bgr[:, :, ::-1]
            m = cv2.imread(os.path.join(DATA, split, scene, "mask_visib", "%06d_000000.png" % im), cv2.IMREAD_UNCHANGED)
            masks[i] = (m > 0).astype(np.uint8)
            gt = gts[key][str(im)][0]
            R[i] = np.array(gt["cam_R_m2c"]).reshape(3, 3)
            t[i] = np.array(gt["cam_t_m2c"])
            K[i] = np.array(cams[key][str(im)]["cam_K"]).reshape(3, 3)
            ids[i] = (int(scene), im)
        for nm, arr in zip(names, [imgs, masks, R, t, K, ids]):
            np.save(f"{stem}_{nm}.npy", arr)
        print(f"[data] cached {list_name}: {n} images in {time.time() - t0:.1f} s", flush=True)
        t0 = time.time()
    d = {nm: np.load(f"{stem}_{nm}.npy", mmap_mode="r") for nm in names}
    n = len(d["ids"]) if limit is None else min(limit, len(d["ids"]))
    d = {k: np.array(v[:n]) for k, v in d.items()}
    print(f"[data] loaded {list_name}: {n} images from cache in {time.time() - t0:.1f} s", flush=True)
    return d


def project(K, R, t, corners):
    """Camera-frame corners [N,8,3] and projected corners [N,8,2]."""
    cam = np.einsum("nij,kj->nki", R, corners) + t[:, None, :]
    p = np.einsum("nij,nkj->nki", K, cam)
    return cam, p[..., :2] / p[..., 2:3]


def build_targets(d, corners):
    """Per image: level, positive-cell mask [N, 336], projected corners, camera-frame corners, sizes."""
    cam, uv = project(d["K"], d["R"], d["t"], corners)
    size = np.max(uv.max(1) - uv.min(1), axis=1)
    level = np.argmin(np.abs(np.log2(size[:, None] / np.array(ANCHORS)[None, :])), axis=1)
    m = d["masks"].astype(bool)
    n = len(m)
    pos = np.zeros((n, NCELLS), bool)
    centroid_added = np.zeros(n, bool)
    # mask centroid (pixel-centre convention)
    ys, xs = np.arange(SIZE, dtype=np.float64), np.arange(SIZE, dtype=np.float64)
    area = m.sum((1, 2))
    empty = area == 0
    safe = np.maximum(area, 1)
    mcx = (m.sum(1) * xs[None, :]).sum(1) / safe
    mcy = (m.sum(2) * ys[None, :]).sum(1) / safe
    # fallback for an empty visible mask: the projected bbox centre
    ctr = uv.mean(1)
    mcx = np.where(empty, ctr[:, 0], mcx)
    mcy = np.where(empty, ctr[:, 1], mcy)
    for l, s in enumerate(STRIDES):
        g = SIZE // s
        idx = (np.arange(g)[:, None] * s + np.array([s // 2 - 1, s // 2])[None, :]).ravel()  # 2 central px per cell
        sub = m[:, idx][:, :, idx].reshape(n, g, 2, g, 2).any((2, 4)).reshape(n, g * g)
        cj = np.clip(np.floor((mcx + 0.5) / s).astype(int), 0, g - 1)
        ci = np.clip(np.floor((mcy + 0.5) / s).astype(int), 0, g - 1)
        sel = level == l
        centroid_added[sel] = ~sub[np.arange(n), ci * g + cj][sel]
        sub[np.arange(n), ci * g + cj] = True
        pos[sel, LEVEL_OFFSETS[l]:LEVEL_OFFSETS[l + 1]] = sub[sel]
    return dict(level=level, pos=pos, uv=uv.astype(np.float32), cam=cam.astype(np.float32), size=size,
                empty=empty, area=area, centroid_added=centroid_added)


def encode(uv):
    """GT offsets [N, 336, 16] (x offsets of 8 corners, then y offsets) in anchor units for every cell."""
    dx = (uv[:, None, :, 0] - GRID_CX[None, :, None]) / GRID_AN[None, :, None]
    dy = (uv[:, None, :, 1] - GRID_CY[None, :, None]) / GRID_AN[None, :, None]
    return np.concatenate([dx, dy], axis=2).astype(np.float32)


def decode(pose):
    """[N, 336, 16] offsets -> [N, 336, 8, 2] pixel corners (numpy or torch)."""
    if isinstance(pose, torch.Tensor):
        cx, cy, an = (torch.from_numpy(a) for a in (GRID_CX, GRID_CY, GRID_AN))
        u = pose[..., :8] * an[None, :, None] + cx[None, :, None]
        v = pose[..., 8:] * an[None, :, None] + cy[None, :, None]
        return torch.stack([u, v], -1)
    u = pose[..., :8] * GRID_AN[None, :, None] + GRID_CX[None, :, None]
    v = pose[..., 8:] * GRID_AN[None, :, None] + GRID_CY[None, :, None]
    return np.stack([u, v], -1)


def decode_cells(rows, cells):
    """rows [k,16] offsets of cells [k] -> [k, 8, 2] pixel corners."""
    cells = np.asarray(cells)
    u = rows[:, :8] * GRID_AN[cells, None] + GRID_CX[cells, None]
    v = rows[:, 8:] * GRID_AN[cells, None] + GRID_CY[cells, None]
    return np.stack([u, v], -1)


def normalise(imgs_u8):
    x = torch.from_numpy(imgs_u8).permute(0, 3, 1, 2).float()
    return (x / 255.0 - 0.5) / 0.25


# ---------------------------------------------------------------------------------------------------- loss
def focal_loss(logits, labels, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, labels, reduction="none")
    p_t = p * labels + (1 - p) * (1 - labels)
    a_t = alpha * labels + (1 - alpha) * (1 - labels)
    return (a_t * ce * (1 - p_t) ** gamma).sum()


def wdr_loss(pose_pos, cells, K, cam, diameter, kind):
    """pose_pos [P,16] predictions at positive cells; cells [P] cell index; K [P,3,3]; cam [P,8,3] mm."""
    cx, cy, an = (torch.from_numpy(a)[cells] for a in (GRID_CX, GRID_CY, GRID_AN))
    u = pose_pos[:, :8] * an[:, None] + cx[:, None]
    v = pose_pos[:, 8:] * an[:, None] + cy[:, None]
    bx = (u - K[:, 0, 2:3]) / K[:, 0, 0:1]
    by = (v - K[:, 1, 2:3]) / K[:, 1, 1:2]
    b = torch.stack([bx, by, torch.ones_like(bx)], -1)  # [P,8,3]
    s = (b * cam).sum(-1, keepdim=True) / (b * b).sum(-1, keepdim=True)
    diff = (b * s - cam) / diameter
    if kind == "euclid":
        per = torch.sqrt((diff * diff).sum(-1) + 1e-12).sum(-1)
    else:
        per = F.smooth_l1_loss(diff, torch.zeros_like(diff), beta=0.02, reduction="none").sum((-1, -2))
    return per.mean()


# ---------------------------------------------------------------------------------------------------- predict
def pnp_from_outputs(scores, pose, corners, K, thr=0.3, topk=10):
    """scores [336] (probabilities), pose [336,16] numpy. Returns (score, R, t) or None."""
    order = np.argsort(-scores)
    sel = [c for c in order[:topk] if scores[c] > thr]
    if not sel:
        return None
    uv = decode_cells(pose[sel], sel).reshape(-1, 2).astype(np.float64)
    obj = np.tile(corners, (len(sel), 1)).astype(np.float64)
    ok, rvec, tvec, inl = cv2.solvePnPRansac(obj, uv, K, None, flags=cv2.SOLVEPNP_EPNP, reprojectionError=3.0,
                                             iterationsCount=200, confidence=0.999)
    if not ok or inl is None or len(inl) < 4:
        return None
    inl = inl.ravel()
    rvec, tvec = cv2.solvePnPRefineLM(obj[inl], uv[inl], K, None, rvec, tvec)
    R, _ = cv2.Rodrigues(rvec)
    return float(scores[sel[0]]), R, tvec.ravel()


def rot_err_deg(Ra, Rb):
    c = (np.trace(Ra.T @ Rb) - 1) / 2
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def predict_and_report(net, test, corners, diameter, out_csv, batch=100, thr=0.3):
    net.eval()
    n = len(test["ids"])
    cam, uv_gt = project(test["K"], test["R"], test["t"], corners)
    lines, top_err, add_ok, rerr, n_pred, t0 = [], [], 0, [], 0, time.time()
    with torch.no_grad():
        for b0 in range(0, n, batch):
            logits, pose = net(normalise(test["imgs"][b0:b0 + batch]))
            scores = torch.sigmoid(logits[..., 0]).numpy()
            pose = pose.numpy()
            for k in range(len(scores)):
                i = b0 + k
                top = int(np.argmax(scores[k]))
                top_err.append(np.linalg.norm(decode_cells(pose[k, [top]], [top])[0] - uv_gt[i], axis=1).mean())
                res = pnp_from_outputs(scores[k], pose[k], corners, test["K"][i], thr)
                if res is None:
                    continue
                sc, R, t = res
                n_pred += 1
                pred = corners @ R.T + t
                if np.linalg.norm(pred - cam[i], axis=1).mean() < 0.1 * diameter:
                    add_ok += 1
                rerr.append(rot_err_deg(R, test["R"][i]))
                lines.append("%d,%d,1,%.6f,%s,%s,-1" % (test["ids"][i, 0], test["ids"][i, 1], sc,
                                                       " ".join("%.8f" % v for v in R.ravel()),
                                                       " ".join("%.4f" % v for v in t)))
    with open(out_csv, "w") as f:
        f.write("scene_id,im_id,obj_id,score,R,t,time\n")
        f.write("\n".join(lines) + ("\n" if lines else ""))
    res = dict(images=n, predicted=n_pred, median_top_cell_corner_err_px=float(np.median(top_err)),
               add_bbox_0p1d=add_ok / n, median_rot_err_deg=float(np.median(rerr)) if rerr else None,
               predict_seconds=round(time.time() - t0, 1), csv=out_csv)
    print("[test] " + json.dumps(res), flush=True)
    return res


# ---------------------------------------------------------------------------------------------------- verify
def verify(corners, diameter, max_train, out_dir):
    train = load_split("training.txt", max_train)
    test = load_split("testing.txt")
    for name, d in (("train", train), ("test", test)):
        tg = build_targets(d, corners)
        npos = tg["pos"].sum(1)
        print(f"[stats {name}] images {len(npos)}, empty visible masks {int(tg['empty'].sum())}, "
              f"object size px min/median/max {tg['size'].min():.1f}/{np.median(tg['size']):.1f}/{tg['size'].max():.1f}")
        for l in range(3):
            sel = tg["level"] == l
            if sel.any():
                print(f"  level {l} (stride {STRIDES[l]}, anchor {ANCHORS[l]:.0f}): {sel.mean() * 100:.1f}% of images, "
                      f"size px {np.percentile(tg['size'][sel], [0, 50, 100]).round(1).tolist()}, positives/object "
                      f"min/median/mean/max {npos[sel].min()}/{np.median(npos[sel]):.0f}/{npos[sel].mean():.1f}/{npos[sel].max()}")
        print(f"  positives/object overall mean {npos.mean():.2f}, per batch of 32 ~{32 * npos.mean():.0f}; "
              f"visible-mask area px median {np.median(tg['area']):.0f}; centroid cell was not already positive "
              f"in {int(tg['centroid_added'].sum())} images, images with a single positive {int((npos == 1).sum())}")
        # any positive cell outside its level? (must be impossible)
        assert all((GRID_LV[tg["pos"][i]] == tg["level"][i]).all() for i in range(min(500, len(npos))))
    # 1) encode/decode round trip
    tg = build_targets(test, corners)
    enc = encode(tg["uv"][:20])
    dec = decode(enc)
    err = np.abs(dec - tg["uv"][:20, None]).max()
    print(f"[verify] encode->decode max |err| over 20 images x 336 cells x 8 corners: {err:.2e} px")
    # 2) GT-encoded outputs through the PnP path
    worst_r, worst_t = 0.0, 0.0
    for i in range(20):
        scores = np.where(tg["pos"][i], 0.9, 0.01)
        res = pnp_from_outputs(scores, enc[i], corners, test["K"][i])
        assert res is not None
        _, R, t = res
        worst_r = max(worst_r, rot_err_deg(R, test["R"][i]))
        worst_t = max(worst_t, np.linalg.norm(t - test["t"][i]))
    print(f"[verify] GT-encoded outputs -> PnP on 20 test images: max rotation err {worst_r:.2e} deg, "
          f"max translation err {worst_t:.2e} mm")
    # 3) WDR loss of GT offsets is ~0
    enc_t = torch.from_numpy(enc[:5])
    P = tg["pos"][:5]
    ii, cc = np.nonzero(P)
    l = wdr_loss(enc_t[ii, cc], torch.from_numpy(cc), torch.from_numpy(test["K"][ii]).float(),
                 torch.from_numpy(tg["cam"][ii]), diameter, "euclid")
    print(f"[verify] WDR loss at GT offsets: {l.item():.2e}")
    # 4) the whole predict/CSV/self-check path with a fake network that outputs the GT encoding
    class GtNet:
        def __init__(self):
            self.i = 0

        def eval(self):
            pass

        def __call__(self, x):
            b = x.shape[0]
            sl = slice(self.i, self.i + b)
            self.i += b
            logits = np.where(tg["pos"][sl], 5.0, -5.0)[..., None].astype(np.float32)
            return torch.from_numpy(logits), torch.from_numpy(encode(tg["uv"][sl]))

    os.makedirs(out_dir, exist_ok=True)
    predict_and_report(GtNet(), test, corners, diameter, os.path.join(out_dir, "verify_gt_predictions.csv"))


# ---------------------------------------------------------------------------------------------------- main
def log_window(step, epoch, lr, win, t0):
    now = time.time()
    k = win["k"]
    print(f"step {step} epoch {epoch} lr {lr:.2e} loss {win['loss'] / k:.4f} cls {win['cls'] / k:.4f} "
          f"reg {win['reg'] / k:.4f} pos/batch {win['pos'] / k:.0f} {k / max(1e-9, now - win['t']):.2f} steps/s "
          f"elapsed {now - t0:.0f} s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--time-limit", type=float, default=0, help="wall-clock training budget, s (cosine by time)")
    ap.add_argument("--steps", type=int, default=0, help="step budget (cosine by steps)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=50, help="linear warm-up steps")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reg-loss", choices=["euclid", "smoothl1"], default="euclid")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--max-train", type=int, default=None, help="use only the first N training images")
    ap.add_argument("--limit-test", type=int, default=None, help="predict only the first N test images")
    ap.add_argument("--score-thr", type=float, default=0.3)
    ap.add_argument("--data", default="data/swisscube-synth", help="BOP dataset written by mqat synth")
    ap.add_argument("--cache", default=None, help="folder for the decoded images (default OUT/cache)")
    ap.add_argument("--out", default="target/peer-run", help="run folder: args, model, predictions")
    ap.add_argument("--verify", action="store_true", help="only run the target / PnP checks and data stats")
    a = ap.parse_args()
    global DATA, CACHE
    DATA = a.data
    CACHE = a.cache or os.path.join(a.out, "cache")
    torch.set_num_threads(a.threads)
    cv2.setNumThreads(1)
    corners, diameter = load_object()
    if a.verify:
        verify(corners, diameter, a.max_train, a.out)
        return
    if (a.time_limit > 0) == (a.steps > 0):
        sys.exit("set exactly one of --time-limit, --steps")
    os.makedirs(a.out, exist_ok=True)
    json.dump(vars(a), open(os.path.join(a.out, "args.json"), "w"), indent=1)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)

    t_data = time.time()
    train = load_split("training.txt", a.max_train)
    tg = build_targets(train, corners)
    imgs = train["imgs"]
    pos_t = torch.from_numpy(tg["pos"])
    cam_t = torch.from_numpy(tg["cam"])
    K_t = torch.from_numpy(train["K"]).float()
    n = len(imgs)
    a.batch = min(a.batch, n)
    print(f"[data] train ready: {n} images, {tg['pos'].sum(1).mean():.2f} positives/object, levels "
          f"{np.bincount(tg['level'], minlength=3).tolist()}, setup {time.time() - t_data:.1f} s", flush=True)

    net = PoseNet().train()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    perm, pp = rng.permutation(n), 0
    step, epoch = 0, 0
    t0 = time.time()
    win = dict(loss=0.0, cls=0.0, reg=0.0, pos=0.0, k=0, t=t0)
    while True:
        elapsed = time.time() - t0
        if a.time_limit > 0 and elapsed >= a.time_limit:
            break
        if a.steps > 0 and step >= a.steps:
            break
        frac = elapsed / a.time_limit if a.time_limit > 0 else step / a.steps
        lr = a.lr * (step + 1) / (a.warmup + 1) if step < a.warmup else a.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        if pp + a.batch > n:
            perm, pp, epoch = rng.permutation(n), 0, epoch + 1
        idx = np.sort(perm[pp:pp + a.batch])
        pp += a.batch
        x = normalise(imgs[idx])
        idx_t = torch.from_numpy(idx)
        pos = pos_t[idx_t]
        logits, pose = net(x)
        npos = int(pos.sum())
        l_cls = focal_loss(logits[..., 0], pos.float()) / max(1, npos)
        bi, ci = torch.nonzero(pos, as_tuple=True)
        l_reg = wdr_loss(pose[bi, ci], ci, K_t[idx_t][bi], cam_t[idx_t][bi], diameter, a.reg_loss)
        loss = l_cls + l_reg
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        win["loss"] += loss.item(); win["cls"] += l_cls.item(); win["reg"] += l_reg.item(); win["pos"] += npos
        win["k"] += 1
        if step % a.log_every == 0 or step == 1:
            log_window(step, epoch, lr, win, t0)
            win = dict(loss=0.0, cls=0.0, reg=0.0, pos=0.0, k=0, t=time.time())
    if win["k"] > 0:
        log_window(step, epoch, lr, win, t0)
    train_s = time.time() - t0
    print(f"[train] {step} steps ({step * a.batch / n:.2f} epochs) in {train_s:.1f} s, "
          f"{step / max(train_s, 1e-9):.2f} steps/s", flush=True)
    torch.save(net.state_dict(), os.path.join(a.out, "model.pt"))
    test = load_split("testing.txt", a.limit_test)
    res = predict_and_report(net, test, corners, diameter, os.path.join(a.out, "predictions-test.csv"),
                             thr=a.score_thr)
    res.update(steps=step, train_seconds=round(train_s, 1))
    json.dump(res, open(os.path.join(a.out, "result.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
