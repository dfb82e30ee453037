package dev.mqat.model;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the network's outputs for one image into pooled 2D-3D corner correspondences per detected class (WDR
 * post-processing, reference-code.md section 2.9); PnP on them gives the pose.
 *
 * <p>Per class: cells whose probability {@code sigmoid(logit)} exceeds the threshold are candidates; the most
 * confident candidate's decoded corner box gives the object size (longer side); the per-level quota
 * {@link AnchorGrid#levelQuota(double, int, double)} of that size picks the most confident candidates of each
 * level; all their decoded corners are pooled with the matching 3D box corners. One instance per class is
 * assumed, as WDR does.
 *
 * <p>Deviations: if the quota selects no candidate (all candidates lie on levels the size gives no share), the
 * most confident candidate alone is used instead of reporting nothing; the confidence reported is the highest
 * probability (WDR reports its square root).
 */
public final class CornerDecoder {

    private final AnchorGrid grid;
    private final DecoderConfig config;

    public CornerDecoder(AnchorGrid grid, DecoderConfig config) {
        this.grid = grid;
        this.config = config;
    }

    /**
     * Decodes one image.
     *
     * @param logits class logits {@code [A, C]} row-major (one image of {@link PoseNet}'s first output)
     * @param offsets corner offsets {@code [A, 16 C]} row-major (one image of the second output)
     * @param objectCornersMm per class, the 8 box corners {x, y, z} in object frame, mm, in the order the network
     *     was trained with ({@link dev.mqat.geometry.Mesh#bboxCorners()})
     * @return one entry per class with at least one candidate, in class order
     */
    public List<CornerCorrespondences> decode(float[] logits, float[] offsets, double[][][] objectCornersMm) {
        int a = grid.cellCount();
        int classes = objectCornersMm.length;
        if (logits.length != a * classes || offsets.length != a * 16 * classes) {
            throw new IllegalArgumentException("decoder: expected " + a * classes + " logits and " + a * 16 * classes
                    + " offsets for " + a + " cells and " + classes + " classes, found " + logits.length + " and "
                    + offsets.length);
        }
        List<CornerCorrespondences> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (objectCornersMm[c].length != 8) {
                throw new IllegalArgumentException("decoder: class " + c + " has " + objectCornersMm[c].length
                        + " box corners, expected 8");
            }
            List<int[]> candidates = new ArrayList<>();
            double[] score = new double[a];
            int best = -1;
            for (int cell = 0; cell < a; cell++) {
                score[cell] = 1 / (1 + Math.exp(-logits[cell * classes + c]));
                if (score[cell] > config.confidenceThreshold()) {
                    candidates.add(new int[] {cell});
                    if (best < 0 || score[cell] > score[best]) {
                        best = cell;
                    }
                }
            }
            if (best < 0) {
                continue;
            }
            double size = AnchorGrid.boxSidePx(grid.decodeCorners(best, offsets, best * 16 * classes + 16 * c));
            int[] quota = grid.levelQuota(size, config.cellsPerObject(), config.levelLambda());
            Comparator<Integer> byScore = Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i);
            List<Integer> chosen = new ArrayList<>();
            for (int l = 0; l < grid.levels(); l++) {
                int lo = grid.levelOffset(l);
                int hi = lo + grid.levelCells(l);
                candidates.stream().map(x -> x[0]).filter(i -> i >= lo && i < hi).sorted(byScore).limit(quota[l])
                        .forEach(chosen::add);
            }
            if (chosen.isEmpty()) {
                chosen.add(best);
            }
            chosen.sort(byScore);
            int n = chosen.size();
            int[] cells = new int[n];
            double[] image = new double[16 * n];
            double[] object = new double[24 * n];
            for (int i = 0; i < n; i++) {
                int cell = chosen.get(i);
                cells[i] = cell;
                double[] uv = grid.decodeCorners(cell, offsets, cell * 16 * classes + 16 * c);
                System.arraycopy(uv, 0, image, 16 * i, 16);
                for (int k = 0; k < 8; k++) {
                    System.arraycopy(objectCornersMm[c][k], 0, object, 24 * i + 3 * k, 3);
                }
            }
            out.add(new CornerCorrespondences(c, score[best], cells, image, object));
        }
        return out;
    }

    /**
     * Decodes every image of a {@link PoseNet} output {@code [classLogits [N, A, C], cornerOffsets [N, A, 16 C]]};
     * the one place where the outputs become Java arrays.
     */
    public List<List<CornerCorrespondences>> decode(NDList output, double[][][] objectCornersMm) {
        float[] logits = output.get(0).toFloatArray();
        float[] offsets = output.get(1).toFloatArray();
        int n = (int) output.get(0).getShape().get(0);
        int perLogits = logits.length / n;
        int perOffsets = offsets.length / n;
        List<List<CornerCorrespondences>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] l = java.util.Arrays.copyOfRange(logits, i * perLogits, (i + 1) * perLogits);
            float[] o = java.util.Arrays.copyOfRange(offsets, i * perOffsets, (i + 1) * perOffsets);
            out.add(decode(l, o, objectCornersMm));
        }
        return out;
    }
}
