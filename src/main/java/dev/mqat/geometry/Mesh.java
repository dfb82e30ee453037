package dev.mqat.geometry;

import java.util.Arrays;

/**
 * A triangle mesh in the object frame, millimetres.
 *
 * @param vertices xyz per vertex, length 3*V, mm
 * @param triangles three vertex indices per triangle, length 3*T
 * @param normals xyz unit normal per vertex (length 3*V), or null when the file has none
 * @param colors rgb per vertex in 0..1 (length 3*V), or null when the file has none
 */
public record Mesh(float[] vertices, int[] triangles, float[] normals, float[] colors) {

    public Mesh {
        if (vertices.length % 3 != 0) {
            throw new IllegalArgumentException("mesh: vertex array length " + vertices.length + " is not a multiple of 3");
        }
        if (triangles.length % 3 != 0) {
            throw new IllegalArgumentException("mesh: triangle array length " + triangles.length + " is not a multiple of 3");
        }
        int v = vertices.length / 3;
        for (int idx : triangles) {
            if (idx < 0 || idx >= v) {
                throw new IllegalArgumentException("mesh: triangle index " + idx + " outside 0.." + (v - 1));
            }
        }
        if (normals != null && normals.length != vertices.length) {
            throw new IllegalArgumentException("mesh: " + normals.length / 3 + " normals for " + v + " vertices");
        }
        if (colors != null && colors.length != vertices.length) {
            throw new IllegalArgumentException("mesh: " + colors.length / 3 + " colours for " + v + " vertices");
        }
        vertices = vertices.clone();
        triangles = triangles.clone();
        normals = normals == null ? null : normals.clone();
        colors = colors == null ? null : colors.clone();
    }

    public int vertexCount() {
        return vertices.length / 3;
    }

    public int triangleCount() {
        return triangles.length / 3;
    }

    @Override
    public float[] vertices() {
        return vertices.clone();
    }

    @Override
    public int[] triangles() {
        return triangles.clone();
    }

    @Override
    public float[] normals() {
        return normals == null ? null : normals.clone();
    }

    @Override
    public float[] colors() {
        return colors == null ? null : colors.clone();
    }

    /** Vertex i as a new {x, y, z} array, mm. */
    public double[] vertex(int i) {
        return new double[] {vertices[3 * i], vertices[3 * i + 1], vertices[3 * i + 2]};
    }

    /** Minimum corner of the axis-aligned bounding box, mm. */
    public double[] boundsMin() {
        double[] min = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int i = 0; i < vertices.length; i++) {
            min[i % 3] = Math.min(min[i % 3], vertices[i]);
        }
        return min;
    }

    /** Maximum corner of the axis-aligned bounding box, mm. */
    public double[] boundsMax() {
        double[] max = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < vertices.length; i++) {
            max[i % 3] = Math.max(max[i % 3], vertices[i]);
        }
        return max;
    }

    /**
     * The 8 corners of the axis-aligned 3D bounding box, the keypoints the network predicts.
     *
     * <p>Order: index bit 2 selects x (min/max), bit 1 selects y, bit 0 selects z, i.e. corner i =
     * (i&amp;4 ? maxX : minX, i&amp;2 ? maxY : minY, i&amp;1 ? maxZ : minZ).
     *
     * @return 8 rows of {x, y, z}, mm
     */
    public double[][] bboxCorners() {
        double[] lo = boundsMin();
        double[] hi = boundsMax();
        double[][] corners = new double[8][];
        for (int i = 0; i < 8; i++) {
            corners[i] = new double[] {
                (i & 4) != 0 ? hi[0] : lo[0], (i & 2) != 0 ? hi[1] : lo[1], (i & 1) != 0 ? hi[2] : lo[2]
            };
        }
        return corners;
    }

    /**
     * Exact diameter: the largest distance between two vertices, mm.
     *
     * <p>An exact scan over all vertex pairs, O(V^2): well under a second for the tens of thousands of
     * vertices of BOP models.
     */
    public double diameterMm() {
        int n = vertexCount();
        double best = 0;
        for (int i = 0; i < n; i++) {
            float xi = vertices[3 * i], yi = vertices[3 * i + 1], zi = vertices[3 * i + 2];
            for (int j = i + 1; j < n; j++) {
                double dx = xi - vertices[3 * j], dy = yi - vertices[3 * j + 1], dz = zi - vertices[3 * j + 2];
                double d = dx * dx + dy * dy + dz * dz;
                if (d > best) {
                    best = d;
                }
            }
        }
        return Math.sqrt(best);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mesh m && Arrays.equals(vertices, m.vertices) && Arrays.equals(triangles, m.triangles)
                && Arrays.equals(normals, m.normals) && Arrays.equals(colors, m.colors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(vertices) * 31 + Arrays.hashCode(triangles);
    }

    @Override
    public String toString() {
        return "Mesh[" + vertexCount() + " vertices, " + triangleCount() + " triangles]";
    }
}
