package dev.mqat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.HostArrays;
import dev.mqat.model.Scalars;
import java.util.List;

/**
 * Training loss of the pose network (WDR, reference-code.md section 2.8): sigmoid focal loss on the class logits
 * plus the object-space regression loss on the positive cells' corners.
 *
 * <p><b>Focal loss</b> (Lin et al. 2017): per cell and class, {@code alpha_t (1 - p_t)^gamma BCE(logit, t)} on
 * the non-ignored cells, summed and divided by the number of positive cells (at least 1). Computed from logits
 * ({@code BCE = max(x, 0) - x t + log(1 + exp(-|x|))}), so no probability clamping is needed.
 *
 * <p><b>Object-space loss</b> (Hu et al., WDR): each predicted corner (u, v) defines a viewing ray
 * {@code b = K^-1 [u, v, 1]}; the ground-truth camera-frame corner X is projected onto it,
 * {@code X' = b (b.X) / (b.b)}, and the error {@code (X' - X) / diameter} goes through a smooth-L1 with knee
 * {@link LossConfig#smoothL1BetaDiameters()} per coordinate, summed over the 24 coordinates of a cell, summed over
 * positive cells and divided by their number. The error does not grow with depth, which is WDR's point.
 *
 * <p>Deviations from the reference code: both terms are normalised by the number of positives (the reference sums
 * them with weights 0.01 and 0.1), which keeps the effective learning rate independent of batch size; a batch
 * without positives has a zero regression term (the reference falls back to a sum of predictions).
 *
 * <p>Shapes: outputs {@code [N, A, C]} and {@code [N, A, 16 C]} as {@link dev.mqat.model.PoseNet} produces them.
 */
public final class PoseLoss {

    private final AnchorGrid grid;
    private final LossConfig config;
    private final float[] centersX;
    private final float[] centersY;
    private final float[] anchors;

    public PoseLoss(AnchorGrid grid, LossConfig config) {
        this.grid = grid;
        this.config = config;
        centersX = grid.centersXPx();
        centersY = grid.centersYPx();
        anchors = grid.anchorSizesPerCellPx();
    }

    /**
     * Computes the loss of a batch.
     *
     * @param output the network's {@code [classLogits, cornerOffsets]}
     * @param targets one entry per image of the batch, in batch order
     * @return the parts, owned by the outputs' manager
     */
    public LossParts compute(NDList output, List<ImageTargets> targets) {
        NDArray logits = output.get(0);
        NDArray pose = output.get(1);
        Shape s = logits.getShape();
        int n = (int) s.get(0);
        int a = (int) s.get(1);
        int c = (int) s.get(2);
        if (targets.size() != n || a != grid.cellCount() || pose.getShape().get(2) != 16L * c) {
            throw new IllegalArgumentException("loss: outputs " + s + " and " + pose.getShape() + " do not match "
                    + targets.size() + " target images of " + grid.cellCount() + " cells");
        }
        float[] clsTarget = new float[n * a * c];
        float[] valid = new float[n * a];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            ImageTargets t = targets.get(i);
            if (t.cellCount() != a) {
                throw new IllegalArgumentException("loss: targets of image " + i + " have " + t.cellCount() + " cells, expected " + a);
            }
            for (int cell = 0; cell < a; cell++) {
                int label = t.label(cell);
                valid[i * a + cell] = label >= 0 ? 1 : 0;
                if (label > 0) {
                    if (label > c) {
                        throw new IllegalArgumentException("loss: image " + i + " cell " + cell + " has class " + (label - 1)
                                + " but the network has " + c + " classes");
                    }
                    clsTarget[(i * a + cell) * c + label - 1] = 1;
                    positives++;
                }
            }
        }
        NDManager m = logits.getManager();
        float norm = Math.max(1, positives);
        NDArray tArr = HostArrays.copyOf(m, clsTarget, new Shape(n, a, c));
        NDArray focal = Scalars.dividedBy(focal(logits, tArr).mul(HostArrays.copyOf(m, valid, new Shape(n, a, 1))).sum(), norm);
        NDArray regression = positives == 0 ? m.zeros(new Shape())
                : Scalars.dividedBy(regression(pose, targets, a, c, positives), norm);
        NDArray total = Scalars.times(focal, config.classificationWeight())
                .add(Scalars.times(regression, config.regressionWeight()));
        return new LossParts(total, focal, regression, positives);
    }

    /**
     * Sum over the positive cells of the object-space loss. Only the positive rows of the pose output are
     * gathered (about 2 per image out of hundreds of cells), so the arithmetic and its backward stay small.
     */
    private NDArray regression(NDArray pose, List<ImageTargets> targets, int a, int c, int positives) {
        long[] rows = new long[positives];
        float[] classOneHot = new float[positives * c];
        float[] centreX = new float[positives], centreY = new float[positives], anchor = new float[positives];
        float[] fx = new float[positives], fy = new float[positives], ppx = new float[positives], ppy = new float[positives];
        float[] corners = new float[positives * 24];
        float[] invDiameter = new float[positives];
        int p = 0;
        for (int i = 0; i < targets.size(); i++) {
            ImageTargets t = targets.get(i);
            CameraIntrinsics cam = t.camera();
            for (int cell = 0; cell < a; cell++) {
                int label = t.label(cell);
                if (label <= 0) {
                    continue;
                }
                rows[p] = (long) i * a + cell;
                classOneHot[p * c + label - 1] = 1;
                centreX[p] = centersX[cell];
                centreY[p] = centersY[cell];
                anchor[p] = anchors[cell];
                fx[p] = (float) cam.fx();
                fy[p] = (float) cam.fy();
                ppx[p] = (float) cam.cx();
                ppy[p] = (float) cam.cy();
                t.copyCellCorners(cell, corners, 24 * p);
                invDiameter[p] = 1f / t.diameterMm(cell);
                p++;
            }
        }
        NDManager m = pose.getManager();
        NDArray rowsOfPose = pose.reshape(-1, 16L * c).get(m.create(rows));
        // keep each positive's own class channels: [P, C, 16] weighted by the one-hot class, summed over C
        NDArray pred = c == 1 ? rowsOfPose
                : rowsOfPose.reshape(positives, c, 16).mul(m.create(classOneHot, new Shape(positives, c, 1))).sum(new int[] {1});
        Shape column = new Shape(positives, 1);
        NDArray u = pred.get(":, 0:8").mul(m.create(anchor, column)).add(m.create(centreX, column));
        NDArray v = pred.get(":, 8:16").mul(m.create(anchor, column)).add(m.create(centreY, column));
        NDArray bx = u.sub(m.create(ppx, column)).div(m.create(fx, column));
        NDArray by = v.sub(m.create(ppy, column)).div(m.create(fy, column));
        NDArray x3 = m.create(corners, new Shape(positives, 8, 3));
        NDArray xx = x3.get(":, :, 0");
        NDArray xy = x3.get(":, :, 1");
        NDArray xz = x3.get(":, :, 2");
        NDArray scale = bx.mul(xx).add(by.mul(xy)).add(xz).div(bx.square().add(by.square()).add(1));
        NDArray invD = m.create(invDiameter, column);
        float beta = (float) config.smoothL1BetaDiameters();
        return smoothL1(scale.mul(bx).sub(xx).mul(invD), beta)
                .add(smoothL1(scale.mul(by).sub(xy).mul(invD), beta))
                .add(smoothL1(scale.sub(xz).mul(invD), beta))
                .sum();
    }

    /** Elementwise sigmoid focal loss of logits x against 0/1 targets t. */
    private NDArray focal(NDArray x, NDArray t) {
        float alpha = (float) config.focalAlpha();
        NDArray p = Activation.sigmoid(x);
        NDArray bce = Activation.relu(x).sub(x.mul(t)).add(Activation.softPlus(x.abs().neg()));
        // p_t = p t + (1 - p)(1 - t) = 1 - p - t + 2 p t
        NDArray oneMinusPt = p.add(t).sub(Scalars.times(p.mul(t), 2));
        NDArray alphaT = t.mul(2 * alpha - 1).add(1 - alpha);
        NDArray modulating = config.focalGamma() == 2.0 ? oneMinusPt.square() : Scalars.power(oneMinusPt, config.focalGamma());
        return alphaT.mul(modulating).mul(bce);
    }

    /** Smooth-L1 with knee beta: 0.5 x^2 / beta below beta, |x| - beta / 2 above; written with min to stay differentiable. */
    static NDArray smoothL1(NDArray x, float beta) {
        NDArray ax = x.abs();
        NDArray c = Scalars.atMost(ax, beta);
        return Scalars.times(c.square(), 0.5 / beta).add(ax.sub(c));
    }
}
