package dev.mqat.synth;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;

/** Slow references for {@link Rasterizer}: per-sample point-in-triangle tests and ray casting. */
final class BruteForceTwin {
    private BruteForceTwin() {}

    /**
     * Inverse depth per sample of a {@code width x height} grid: for every sample and every triangle, an
     * independent point-in-triangle test on vertices projected with {@link CameraIntrinsics#project} and
     * snapped to 1/16 sample, with the same tie rule as the rasterizer (a sample on an edge belongs to the
     * triangle whose inward edge normal points to +x, or +y for horizontal edges). Geometry must lie in front
     * of the camera (no clipping here).
     */
    static float[] inverseDepth(Mesh mesh, Pose pose, CameraIntrinsics camera, int width, int height) {
        float[] out = new float[width * height];
        int[] t = mesh.triangles();
        for (int tri = 0; tri < t.length / 3; tri++) {
            long[] x = new long[3], y = new long[3];
            double[] iz = new double[3];
            for (int k = 0; k < 3; k++) {
                double[] p = pose.apply(mesh.vertex(t[3 * tri + k]));
                double[] uv = camera.project(p);
                x[k] = Math.round(uv[0] * 16);
                y[k] = Math.round(uv[1] * 16);
                iz[k] = 1 / p[2];
            }
            double area = (double) ((x[1] - x[0]) * (y[2] - y[0]) - (y[1] - y[0]) * (x[2] - x[0]));
            if (area == 0) {
                continue;
            }
            for (int sy = 0; sy < height; sy++) {
                for (int sx = 0; sx < width; sx++) {
                    long px = sx * 16L, py = sy * 16L;
                    double[] lambda = new double[3];
                    boolean in = true;
                    for (int k = 0; k < 3 && in; k++) {
                        int a = (k + 1) % 3, b = (k + 2) % 3;
                        long ex = x[b] - x[a], ey = y[b] - y[a];
                        long e = ex * (py - y[a]) - ey * (px - x[a]);
                        if (area < 0) {
                            e = -e;
                            ex = -ex;
                            ey = -ey;
                        }
                        // inward normal of the (re-oriented) edge is (-ey, ex)
                        boolean owns = -ey > 0 || (-ey == 0 && ex > 0);
                        in = e > 0 || (e == 0 && owns);
                        lambda[k] = e / Math.abs(area);
                    }
                    if (!in) {
                        continue;
                    }
                    float z = (float) (lambda[0] * iz[0] + lambda[1] * iz[1] + lambda[2] * iz[2]);
                    if (z > out[sy * width + sx]) {
                        out[sy * width + sx] = z;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Depth (camera z, mm) of the nearest triangle hit by the ray (dx, dy, 1) from the camera centre at
     * z >= near, or +infinity; vertices given in the camera frame. Moller-Trumbore intersection.
     */
    static double rayCastDepth(float[] v, int[] t, double dx, double dy, double near) {
        double best = Double.POSITIVE_INFINITY;
        for (int tri = 0; tri < t.length / 3; tri++) {
            int a = 3 * t[3 * tri], b = 3 * t[3 * tri + 1], c = 3 * t[3 * tri + 2];
            double e1x = v[b] - v[a], e1y = v[b + 1] - v[a + 1], e1z = v[b + 2] - v[a + 2];
            double e2x = v[c] - v[a], e2y = v[c + 1] - v[a + 1], e2z = v[c + 2] - v[a + 2];
            double px = dy * e2z - e2y, py = e2x - dx * e2z, pz = dx * e2y - dy * e2x;
            double det = e1x * px + e1y * py + e1z * pz;
            if (Math.abs(det) < 1e-12) {
                continue;
            }
            double sx = -v[a], sy = -v[a + 1], sz = -v[a + 2];
            double u = (sx * px + sy * py + sz * pz) / det;
            if (u < 0 || u > 1) {
                continue;
            }
            double qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
            double w = (dx * qx + dy * qy + qz) / det;
            if (w < 0 || u + w > 1) {
                continue;
            }
            double z = (e2x * qx + e2y * qy + e2z * qz) / det;
            if (z >= near && z < best) {
                best = z;
            }
        }
        return best;
    }
}
