package dev.mqat.synth;

import dev.mqat.geometry.Mesh;
import java.util.Arrays;

/**
 * Accumulates flat-coloured quads into a {@link Mesh}: every quad gets its own four vertices, so colours
 * do not bleed between neighbouring faces.
 */
final class MeshBuilder {
    private float[] vertices = new float[3 * 256];
    private float[] colors = new float[3 * 256];
    private int[] triangles = new int[3 * 256];
    private int vertexCount;
    private int triangleCount;

    /**
     * Adds the quad a-b-c-d (in order around its boundary) with one colour, as two triangles a-b-c and
     * a-c-d. Winding: counter-clockwise seen from the side the outward normal points to.
     */
    MeshBuilder quad(double[] a, double[] b, double[] c, double[] d, double[] rgb) {
        int base = vertexCount;
        vertex(a, rgb);
        vertex(b, rgb);
        vertex(c, rgb);
        vertex(d, rgb);
        triangle(base, base + 1, base + 2);
        triangle(base, base + 2, base + 3);
        return this;
    }

    /**
     * Adds an axis-aligned box from {@code min} to {@code max} (mm), one colour per face in the order
     * +X, -X, +Y, -Y, +Z, -Z.
     */
    MeshBuilder box(double[] min, double[] max, double[][] faceRgb) {
        for (int face = 0; face < 6; face++) {
            int axis = face / 2;
            boolean positive = face % 2 == 0;
            double[] rgb = faceRgb[face];
            faceGrid(min, max, axis, positive, 1, 1, (i, j) -> rgb);
        }
        return this;
    }

    /** Colour of cell (i, j) of a face grid; i runs along the face's first in-plane axis, j along the second. */
    @FunctionalInterface
    interface CellColor {
        double[] at(int i, int j);
    }

    /**
     * Adds one face of the box {@code min..max} (the face at {@code max[axis]} when {@code positive}, else at
     * {@code min[axis]}), divided into a {@code cols x rows} grid of separately coloured cells.
     *
     * <p>In-plane axes: u = (axis + 1) % 3 and v = (axis + 2) % 3; cell (i, j) spans u from
     * min[u] + i*du and v from min[v] + j*dv. The quad winding follows the outward normal.
     */
    MeshBuilder faceGrid(double[] min, double[] max, int axis, boolean positive, int cols, int rows, CellColor color) {
        int u = (axis + 1) % 3;
        int v = (axis + 2) % 3;
        double w = positive ? max[axis] : min[axis];
        double du = (max[u] - min[u]) / cols;
        double dv = (max[v] - min[v]) / rows;
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < rows; j++) {
                double u0 = min[u] + i * du;
                double u1 = i == cols - 1 ? max[u] : u0 + du;
                double v0 = min[v] + j * dv;
                double v1 = j == rows - 1 ? max[v] : v0 + dv;
                double[] p00 = point(axis, w, u, u0, v, v0);
                double[] p10 = point(axis, w, u, u1, v, v0);
                double[] p11 = point(axis, w, u, u1, v, v1);
                double[] p01 = point(axis, w, u, u0, v, v1);
                // (u, v, axis) is a right-handed cyclic order, so u x v = +axis
                if (positive) {
                    quad(p00, p10, p11, p01, color.at(i, j));
                } else {
                    quad(p00, p01, p11, p10, color.at(i, j));
                }
            }
        }
        return this;
    }

    private static double[] point(int axis, double w, int u, double uValue, int v, double vValue) {
        double[] p = new double[3];
        p[axis] = w;
        p[u] = uValue;
        p[v] = vValue;
        return p;
    }

    private void vertex(double[] p, double[] rgb) {
        if (3 * vertexCount + 3 > vertices.length) {
            vertices = Arrays.copyOf(vertices, vertices.length * 2);
            colors = Arrays.copyOf(colors, colors.length * 2);
        }
        for (int k = 0; k < 3; k++) {
            vertices[3 * vertexCount + k] = (float) p[k];
            // multiples of 1/255, so the mesh survives a PLY round trip (uchar colours) unchanged
            colors[3 * vertexCount + k] = Math.round(Math.min(1, Math.max(0, rgb[k])) * 255) / 255f;
        }
        vertexCount++;
    }

    private void triangle(int a, int b, int c) {
        if (3 * triangleCount + 3 > triangles.length) {
            triangles = Arrays.copyOf(triangles, triangles.length * 2);
        }
        triangles[3 * triangleCount] = a;
        triangles[3 * triangleCount + 1] = b;
        triangles[3 * triangleCount + 2] = c;
        triangleCount++;
    }

    /** The mesh so far, translated by {@code offset} (mm). */
    Mesh build(double[] offset) {
        float[] v = Arrays.copyOf(vertices, 3 * vertexCount);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] + offset[i % 3]);
        }
        return new Mesh(v, Arrays.copyOf(triangles, 3 * triangleCount), null, Arrays.copyOf(colors, 3 * vertexCount));
    }
}
