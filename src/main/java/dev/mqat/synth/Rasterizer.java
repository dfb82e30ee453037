package dev.mqat.synth;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.Arrays;

/**
 * Z-buffered triangle rasterizer with per-vertex colour and flat Lambert shading, on a grid of samples.
 *
 * <p>Samples are the pixel centres of the camera it is given (integer coordinates, as in
 * {@link CameraIntrinsics}); the caller passes a supersampled camera ({@link CameraIntrinsics#scaled}) for
 * anti-aliasing. The canvas may extend beyond the image (negative sample coordinates), which lets the caller
 * count the pixels of the whole object even where the image border cuts it.
 *
 * <p>Method: vertices are snapped to 1/16 sample; coverage uses exact integer edge functions with a
 * top-left rule, so triangles sharing an edge never both cover a sample and never leave a gap. Depth is
 * interpolated as 1/z (exact in screen space) and colour perspective-correctly. Faces are shaded with their
 * geometric normal turned towards the camera (two-sided: user meshes with inconsistent winding render
 * correctly; nothing is culled). Triangles are clipped in camera space against a near plane at
 * {@value #NEAR_MM} mm and against the canvas sides, so any pose renders correctly.
 *
 * <p>Output: after {@link #render}, the covered region {@code [regionX, regionX + regionWidth) x
 * [regionY, regionY + regionHeight)} in sample coordinates, with inverse depth (0 = empty) and colour per
 * sample. The buffers are reused between calls: one instance per thread.
 */
final class Rasterizer {
    static final int SUB_BITS = 4;
    static final int ONE = 1 << SUB_BITS;
    static final double NEAR_MM = 1.0;

    // screen triangles of the current call (after clipping): fixed-point xy, 1/z, colour/z per vertex
    private long[] sx = new long[3 * 1024];
    private long[] sy = new long[3 * 1024];
    private double[] siz = new double[3 * 1024];
    private double[] sr = new double[3 * 1024];
    private double[] sg = new double[3 * 1024];
    private double[] sb = new double[3 * 1024];
    private int screenCount;

    private double[] cam = new double[0];
    private final double[] poly = new double[2 * 12 * 6];
    private final double[] polyTmp = new double[2 * 12 * 6];

    int regionX;
    int regionY;
    int regionWidth;
    int regionHeight;
    float[] invDepth = new float[0];
    float[] red = new float[0];
    float[] green = new float[0];
    float[] blue = new float[0];

    /**
     * Renders the mesh into the covered region of the canvas.
     *
     * @param vertices object-frame xyz per vertex, mm
     * @param triangles vertex indices, 3 per triangle
     * @param albedo rgb per vertex, 0..1
     * @param objectToCamera the pose
     * @param camera the sample-grid camera (e.g. the image camera scaled by the supersampling factor)
     * @param canvasX0 first sample column of the canvas (inclusive; may be negative)
     * @param canvasY0 first sample row of the canvas
     * @param canvasX1 last sample column + 1
     * @param canvasY1 last sample row + 1
     */
    void render(float[] vertices, int[] triangles, float[] albedo, Pose objectToCamera, CameraIntrinsics camera,
            Lighting light, int canvasX0, int canvasY0, int canvasX1, int canvasY1) {
        int vertexCount = vertices.length / 3;
        if (cam.length < 3 * vertexCount) {
            cam = new double[3 * vertexCount];
        }
        double[] r = objectToCamera.rotation();
        double[] t = objectToCamera.translationMm();
        for (int i = 0; i < vertexCount; i++) {
            double x = vertices[3 * i], y = vertices[3 * i + 1], z = vertices[3 * i + 2];
            cam[3 * i] = r[0] * x + r[1] * y + r[2] * z + t[0];
            cam[3 * i + 1] = r[3] * x + r[4] * y + r[5] * z + t[1];
            cam[3 * i + 2] = r[6] * x + r[7] * y + r[8] * z + t[2];
        }
        double fx = camera.fx(), fy = camera.fy(), cx = camera.cx(), cy = camera.cy();
        // clip planes a*x + b*y + c*z + d >= 0: near, then the canvas sides widened by half a sample
        double uMin = canvasX0 - 0.5, uMax = canvasX1 - 0.5, vMin = canvasY0 - 0.5, vMax = canvasY1 - 0.5;
        double[][] planes = {
            {0, 0, 1, -NEAR_MM},
            {fx, 0, cx - uMin, 0},
            {-fx, 0, uMax - cx, 0},
            {0, fy, cy - vMin, 0},
            {0, -fy, vMax - cy, 0},
        };

        screenCount = 0;
        long minX = Long.MAX_VALUE, minY = Long.MAX_VALUE, maxX = Long.MIN_VALUE, maxY = Long.MIN_VALUE;
        int triangleCount = triangles.length / 3;
        for (int tri = 0; tri < triangleCount; tri++) {
            int i0 = triangles[3 * tri], i1 = triangles[3 * tri + 1], i2 = triangles[3 * tri + 2];
            double shade = faceShade(i0, i1, i2, light);
            if (Double.isNaN(shade)) {
                continue; // degenerate triangle
            }
            int n = 3;
            loadVertex(poly, 0, i0, albedo, shade);
            loadVertex(poly, 1, i1, albedo, shade);
            loadVertex(poly, 2, i2, albedo, shade);
            boolean inside = true;
            for (double[] p : planes) {
                for (int k = 0; k < 3 && inside; k++) {
                    inside = p[0] * poly[6 * k] + p[1] * poly[6 * k + 1] + p[2] * poly[6 * k + 2] + p[3] >= 0;
                }
            }
            double[] verts = poly;
            if (!inside) {
                double[] src = poly, dst = polyTmp;
                for (double[] p : planes) {
                    n = clip(src, n, dst, p);
                    double[] swap = src;
                    src = dst;
                    dst = swap;
                    if (n < 3) {
                        break;
                    }
                }
                verts = src;
                if (n < 3) {
                    continue;
                }
            }
            for (int k = 1; k + 1 < n; k++) {
                ensureScreenCapacity();
                int base = 3 * screenCount;
                project(verts, 0, base, fx, fy, cx, cy);
                project(verts, k, base + 1, fx, fy, cx, cy);
                project(verts, k + 1, base + 2, fx, fy, cx, cy);
                for (int j = base; j < base + 3; j++) {
                    minX = Math.min(minX, sx[j]);
                    maxX = Math.max(maxX, sx[j]);
                    minY = Math.min(minY, sy[j]);
                    maxY = Math.max(maxY, sy[j]);
                }
                screenCount++;
            }
        }
        if (screenCount == 0) {
            regionX = canvasX0;
            regionY = canvasY0;
            regionWidth = 0;
            regionHeight = 0;
            return;
        }
        regionX = (int) Math.max(canvasX0, ceilDiv(minX, ONE));
        regionY = (int) Math.max(canvasY0, ceilDiv(minY, ONE));
        int x1 = (int) Math.min(canvasX1 - 1, Math.floorDiv(maxX, ONE));
        int y1 = (int) Math.min(canvasY1 - 1, Math.floorDiv(maxY, ONE));
        regionWidth = Math.max(0, x1 - regionX + 1);
        regionHeight = Math.max(0, y1 - regionY + 1);
        int size = regionWidth * regionHeight;
        if (invDepth.length < size) {
            invDepth = new float[size];
            red = new float[size];
            green = new float[size];
            blue = new float[size];
        } else {
            Arrays.fill(invDepth, 0, size, 0f);
        }
        for (int s = 0; s < screenCount; s++) {
            rasterize(3 * s);
        }
    }

    /** Number of screen-space triangles of the last call (after clipping and fan triangulation). */
    int screenTriangleCount() {
        return screenCount;
    }

    private double faceShade(int i0, int i1, int i2, Lighting light) {
        double ax = cam[3 * i1] - cam[3 * i0], ay = cam[3 * i1 + 1] - cam[3 * i0 + 1], az = cam[3 * i1 + 2] - cam[3 * i0 + 2];
        double bx = cam[3 * i2] - cam[3 * i0], by = cam[3 * i2 + 1] - cam[3 * i0 + 1], bz = cam[3 * i2 + 2] - cam[3 * i0 + 2];
        double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
        double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (!(len > 0)) {
            return Double.NaN;
        }
        // turn the normal towards the camera (at the origin): n . (0 - p0) >= 0
        if (nx * cam[3 * i0] + ny * cam[3 * i0 + 1] + nz * cam[3 * i0 + 2] > 0) {
            len = -len;
        }
        return light.shade(nx / len, ny / len, nz / len);
    }

    private void loadVertex(double[] dst, int slot, int vertex, float[] albedo, double shade) {
        int o = 6 * slot;
        dst[o] = cam[3 * vertex];
        dst[o + 1] = cam[3 * vertex + 1];
        dst[o + 2] = cam[3 * vertex + 2];
        dst[o + 3] = albedo[3 * vertex] * shade;
        dst[o + 4] = albedo[3 * vertex + 1] * shade;
        dst[o + 5] = albedo[3 * vertex + 2] * shade;
    }

    /** Sutherland-Hodgman: clips polygon {@code src} (n vertices of 6 values) by a plane into {@code dst}. */
    private static int clip(double[] src, int n, double[] dst, double[] p) {
        int out = 0;
        for (int k = 0; k < n; k++) {
            int a = 6 * k, b = 6 * ((k + 1) % n);
            double da = p[0] * src[a] + p[1] * src[a + 1] + p[2] * src[a + 2] + p[3];
            double db = p[0] * src[b] + p[1] * src[b + 1] + p[2] * src[b + 2] + p[3];
            if (da >= 0) {
                System.arraycopy(src, a, dst, 6 * out++, 6);
            }
            if ((da >= 0) != (db >= 0)) {
                double s = da / (da - db);
                int o = 6 * out++;
                for (int c = 0; c < 6; c++) {
                    dst[o + c] = src[a + c] + s * (src[b + c] - src[a + c]);
                }
            }
        }
        return out;
    }

    private void project(double[] verts, int k, int j, double fx, double fy, double cx, double cy) {
        int o = 6 * k;
        double iz = 1.0 / verts[o + 2];
        sx[j] = Math.round((fx * verts[o] * iz + cx) * ONE);
        sy[j] = Math.round((fy * verts[o + 1] * iz + cy) * ONE);
        siz[j] = iz;
        sr[j] = verts[o + 3] * iz;
        sg[j] = verts[o + 4] * iz;
        sb[j] = verts[o + 5] * iz;
    }

    private void ensureScreenCapacity() {
        if (3 * screenCount + 3 > sx.length) {
            int n = sx.length * 2;
            sx = Arrays.copyOf(sx, n);
            sy = Arrays.copyOf(sy, n);
            siz = Arrays.copyOf(siz, n);
            sr = Arrays.copyOf(sr, n);
            sg = Arrays.copyOf(sg, n);
            sb = Arrays.copyOf(sb, n);
        }
    }

    private void rasterize(int base) {
        int i0 = base, i1 = base + 1, i2 = base + 2;
        long area = edge(sx[i0], sy[i0], sx[i1], sy[i1], sx[i2], sy[i2]);
        if (area == 0) {
            return;
        }
        if (area < 0) {
            int tmp = i1;
            i1 = i2;
            i2 = tmp;
            area = -area;
        }
        long x0 = sx[i0], y0 = sy[i0], x1 = sx[i1], y1 = sy[i1], x2 = sx[i2], y2 = sy[i2];
        int ax0 = (int) Math.max(regionX, ceilDiv(Math.min(x0, Math.min(x1, x2)), ONE));
        int ax1 = (int) Math.min(regionX + regionWidth - 1, Math.floorDiv(Math.max(x0, Math.max(x1, x2)), ONE));
        int ay0 = (int) Math.max(regionY, ceilDiv(Math.min(y0, Math.min(y1, y2)), ONE));
        int ay1 = (int) Math.min(regionY + regionHeight - 1, Math.floorDiv(Math.max(y0, Math.max(y1, y2)), ONE));
        if (ax0 > ax1 || ay0 > ay1) {
            return;
        }
        // edge k is opposite vertex k; e_k(p) > 0 inside
        long bias0 = bias(x1, y1, x2, y2), bias1 = bias(x2, y2, x0, y0), bias2 = bias(x0, y0, x1, y1);
        long stepX0 = -(y2 - y1) * ONE, stepX1 = -(y0 - y2) * ONE, stepX2 = -(y1 - y0) * ONE;
        double invArea = 1.0 / area;
        double iz0 = siz[i0], iz1 = siz[i1], iz2 = siz[i2];
        double r0 = sr[i0], r1 = sr[i1], r2 = sr[i2];
        double g0 = sg[i0], g1 = sg[i1], g2 = sg[i2];
        double b0 = sb[i0], b1 = sb[i1], b2 = sb[i2];
        for (int py = ay0; py <= ay1; py++) {
            long fpy = (long) py * ONE, fpx = (long) ax0 * ONE;
            long e0 = edge(x1, y1, x2, y2, fpx, fpy);
            long e1 = edge(x2, y2, x0, y0, fpx, fpy);
            long e2 = edge(x0, y0, x1, y1, fpx, fpy);
            int row = (py - regionY) * regionWidth - regionX;
            for (int px = ax0; px <= ax1; px++, e0 += stepX0, e1 += stepX1, e2 += stepX2) {
                if (e0 + bias0 < 0 || e1 + bias1 < 0 || e2 + bias2 < 0) {
                    continue;
                }
                double w0 = e0 * invArea, w1 = e1 * invArea, w2 = e2 * invArea;
                double iz = w0 * iz0 + w1 * iz1 + w2 * iz2;
                float izf = (float) iz;
                int idx = row + px;
                if (izf > invDepth[idx]) {
                    invDepth[idx] = izf;
                    double z = 1.0 / iz;
                    red[idx] = (float) ((w0 * r0 + w1 * r1 + w2 * r2) * z);
                    green[idx] = (float) ((w0 * g0 + w1 * g1 + w2 * g2) * z);
                    blue[idx] = (float) ((w0 * b0 + w1 * b1 + w2 * b2) * z);
                }
            }
        }
    }

    /** Edge function of the directed edge a->b at point p: positive on its left in y-down coordinates. */
    static long edge(long ax, long ay, long bx, long by, long px, long py) {
        return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    }

    /**
     * Top-left tie rule: a sample exactly on edge a->b belongs to this triangle only if the edge's inward
     * gradient points to +x, or to +y when the edge is horizontal; two triangles sharing the edge see
     * opposite gradients, so exactly one of them takes the sample. Returns 0 to include, -1 to exclude.
     */
    static long bias(long ax, long ay, long bx, long by) {
        long gx = -(by - ay);
        long gy = bx - ax;
        return gx > 0 || (gx == 0 && gy > 0) ? 0 : -1;
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
