package dev.mqat.train;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the positive cells of a training image and encodes their targets (WDR, reference-code.md section 2.7).
 *
 * <p>For each object: its size is the longer side of the box of its 8 projected corners; a cell is a candidate
 * when the object's visible mask is set at the cell's sample pixel ({@link AnchorGrid#maskSamplePixel(int)});
 * level l receives the quota {@link AnchorGrid#levelQuota(double, int, double)} of
 * {@link LossConfig#positivesPerObject()} cells and that many candidates are drawn at random without
 * replacement. Drawn cells are positives (label class + 1) with encoded corner offsets and the camera-frame
 * corners for the object-space loss; the other candidates are ignored (-1); cells outside every mask are
 * background (0).
 *
 * <p>Deviations: when an object gets no positive at all (its mask misses every sample pixel of the levels its
 * size selects, e.g. a small or thin object), the cell of its best-matching level that contains the mask's
 * centroid becomes its single positive (as the CPU prototype did), so no visible object goes untrained. A cell
 * claimed by two objects keeps the first (list order). Objects with an empty mask get no positives.
 */
public final class TargetAssigner {

    private final AnchorGrid grid;
    private final LossConfig config;

    public TargetAssigner(AnchorGrid grid, LossConfig config) {
        this.grid = grid;
        this.config = config;
    }

    public AnchorGrid grid() {
        return grid;
    }

    /**
     * Assigns the targets of one image.
     *
     * @param objects the image's instances; masks must have {@code height * width} pixels of the grid's input
     * @param camera intrinsics of the network input
     * @param random source of the positive sampling (seeded by the caller)
     */
    public ImageTargets assign(List<ObjectInstance> objects, CameraIntrinsics camera, SplittableRandom random) {
        int a = grid.cellCount();
        int pixels = grid.imageHeightPx() * grid.imageWidthPx();
        int[] labels = new int[a];
        float[] offsets = new float[16 * a];
        float[] corners = new float[24 * a];
        float[] diameters = new float[a];
        int[] owner = new int[a];
        java.util.Arrays.fill(owner, -1);
        for (int o = 0; o < objects.size(); o++) {
            ObjectInstance obj = objects.get(o);
            if (obj.maskLength() != pixels) {
                throw new IllegalArgumentException("object " + o + ": mask has " + obj.maskLength() + " pixels, expected "
                        + grid.imageWidthPx() + "x" + grid.imageHeightPx() + " = " + pixels);
            }
            double[] uv = obj.cornersPx();
            double size = AnchorGrid.boxSidePx(uv);
            if (!(size > 0)) {
                continue;
            }
            int[] quota = grid.levelQuota(size, config.positivesPerObject(), config.levelLambda());
            List<Integer> chosen = new ArrayList<>();
            for (int l = 0; l < grid.levels(); l++) {
                List<Integer> candidates = new ArrayList<>();
                int lo = grid.levelOffset(l);
                for (int cell = lo; cell < lo + grid.levelCells(l); cell++) {
                    if (obj.visibleAt(grid.maskSamplePixel(cell)) && owner[cell] < 0) {
                        candidates.add(cell);
                        if (labels[cell] == 0) {
                            labels[cell] = -1;
                        }
                    }
                }
                int take = Math.min(quota[l], candidates.size());
                for (int i = 0; i < take; i++) {
                    int j = i + random.nextInt(candidates.size() - i);
                    Integer tmp = candidates.get(i);
                    candidates.set(i, candidates.get(j));
                    candidates.set(j, tmp);
                    chosen.add(candidates.get(i));
                }
            }
            if (chosen.isEmpty()) {
                int centroidCell = centroidCell(obj, size);
                if (centroidCell >= 0 && owner[centroidCell] < 0) {
                    chosen.add(centroidCell);
                }
            }
            for (int cell : chosen) {
                owner[cell] = o;
                labels[cell] = obj.classIndex() + 1;
                System.arraycopy(grid.encodeCorners(cell, uv), 0, offsets, 16 * cell, 16);
                double[] cam = obj.cornersCameraMm();
                for (int i = 0; i < 24; i++) {
                    corners[24 * cell + i] = (float) cam[i];
                }
                diameters[cell] = (float) obj.diameterMm();
            }
        }
        return new ImageTargets(labels, offsets, corners, diameters, camera);
    }

    /** The cell at the best-matching level holding the mask centroid, or -1 for an empty mask. */
    private int centroidCell(ObjectInstance obj, double size) {
        int w = grid.imageWidthPx();
        double sx = 0, sy = 0;
        long n = 0;
        for (int p = 0; p < obj.maskLength(); p++) {
            if (obj.visibleAt(p)) {
                sx += p % w;
                sy += p / w;
                n++;
            }
        }
        if (n == 0) {
            return -1;
        }
        return grid.cellAt(grid.bestLevel(size), sx / n, sy / n);
    }
}
