package dev.mqat.synth;

import dev.mqat.geometry.Mesh;

/**
 * The embedded default object: a 1U CubeSat-like satellite built in code (license-free).
 *
 * <p>A 100 mm cube body whose six faces each have their own colour and a 5x5 glyph in a dark shade of that colour
 * (six different letters, none with a rotational symmetry), a deployed solar fin on +Y (dark blue cells on a
 * gold frame on one side, white on the other), a whip antenna on +Z, a second antenna on -X and a black
 * sensor box with a cyan lens on -Z. Together the face colours, glyphs and appendages make every orientation
 * distinguishable (no symmetry). The diameter (largest vertex distance) is about 178 mm, like SwissCube's
 * 178.46 mm; {@link #mesh()}{@code .diameterMm()} gives the exact value.
 *
 * <p>Frame: millimetres, origin at the centre of the axis-aligned bounding box (the BOP convention), so
 * the 8 bounding-box keypoints are symmetric about the origin. Vertices are duplicated per quad so that
 * per-vertex colours render as flat face colours.
 */
public final class CubeSatModel {

    /** Half the body edge, mm. */
    static final double BODY_HALF_MM = 50;

    private static final double[] WHITE = {0.92, 0.92, 0.9};
    private static final double[] BLACK = {0.06, 0.06, 0.07};
    private static final double[] SILVER = {0.72, 0.72, 0.74};
    private static final double[] GOLD = {0.85, 0.65, 0.2};
    private static final double[] CELL_BLUE = {0.08, 0.12, 0.42};

    /** Face colours and glyph colours in the order +X, -X, +Y, -Y, +Z, -Z. */
    private static final double[][] FACE = {
        {0.82, 0.16, 0.12}, {0.14, 0.62, 0.2}, {0.16, 0.32, 0.86}, {0.92, 0.8, 0.12}, WHITE, {0.7, 0.25, 0.75},
    };
    /**
     * Glyph colours: a dark shade of the face's own colour, so that each face keeps its own mean colour when the
     * object is only 8-20 px across and a glyph cell is smaller than a pixel (with contrasting glyph colours,
     * red-on-white and white-on-red, or blue-on-yellow and yellow-on-blue, faces blurred to the same colour).
     */
    private static final double[][] GLYPH = new double[FACE.length][];

    static {
        for (int f = 0; f < FACE.length; f++) {
            GLYPH[f] = new double[] {0.4 * FACE[f][0], 0.4 * FACE[f][1], 0.4 * FACE[f][2]};
        }
    }

    /** 5x5 glyphs (rows top to bottom, '#' = glyph colour): F, P, L, J, R, G. */
    private static final String[][] GLYPHS = {
        {"#####", "#....", "####.", "#....", "#...."},
        {"####.", "#...#", "####.", "#....", "#...."},
        {"#....", "#....", "#....", "#....", "#####"},
        {"....#", "....#", "....#", "#...#", ".###."},
        {"####.", "#...#", "####.", "#..#.", "#...#"},
        {".####", "#....", "#..##", "#...#", ".###."},
    };

    private CubeSatModel() {}

    /** Builds the default satellite mesh (about 800 vertices, 400 triangles, per-vertex colours). */
    public static Mesh mesh() {
        MeshBuilder b = new MeshBuilder();
        double h = BODY_HALF_MM;
        double[] lo = {-h, -h, -h};
        double[] hi = {h, h, h};
        for (int face = 0; face < 6; face++) {
            int axis = face / 2;
            boolean positive = face % 2 == 0;
            String[] glyph = GLYPHS[face];
            double[] base = FACE[face];
            double[] ink = GLYPH[face];
            // cell (i, j): i along the face's u axis, j along v; glyph row r is drawn from high v down
            b.faceGrid(lo, hi, axis, positive, 5, 5, (i, j) -> glyph[4 - j].charAt(i) == '#' ? ink : base);
        }

        // solar fin on +Y, 70 x 40 mm, 3 mm thick, in the body's mid-plane z = 0
        double[] finLo = {-35, h, -1.5};
        double[] finHi = {35, h + 40, 1.5};
        b.faceGrid(finLo, finHi, 2, true, 4, 2, (i, j) -> CELL_BLUE);
        b.faceGrid(finLo, finHi, 2, false, 1, 1, (i, j) -> WHITE);
        for (int face = 0; face < 4; face++) {
            int axis = face / 2;
            b.faceGrid(finLo, finHi, axis, face % 2 == 0, 1, 1, (i, j) -> GOLD);
        }
        // gold frame lines between the blue cells, raised 0.5 mm so they do not fight the cells in depth
        for (int k = 0; k <= 4; k++) {
            double x = -35 + k * 17.5;
            double x0 = Math.max(-35, x - 1);
            double x1 = Math.min(35, x + 1);
            b.faceGrid(new double[] {x0, h, 1.5}, new double[] {x1, h + 40, 2.0}, 2, true, 1, 1, (i, j) -> GOLD);
        }

        // whip antenna on +Z, 3 x 3 mm, off-centre, with a red tip
        b.box(new double[] {13.5, -16.5, h}, new double[] {16.5, -13.5, h + 45}, uniform(SILVER));
        b.box(new double[] {12.5, -17.5, h + 45}, new double[] {17.5, -12.5, h + 51}, uniform(new double[] {0.9, 0.1, 0.1}));

        // antenna on -X, 3 x 3 mm, 45 mm long
        b.box(new double[] {-h - 45, -1.5, 18.5}, new double[] {-h, 1.5, 21.5}, uniform(GOLD));

        // sensor box on -Z with a lens on its outer face
        double[] sensorLo = {-30, 0, -h - 10};
        double[] sensorHi = {0, 30, -h};
        b.faceGrid(sensorLo, sensorHi, 2, false, 3, 3, (i, j) -> i == 1 && j == 1 ? new double[] {0.2, 0.8, 0.85} : BLACK);
        for (int face = 0; face < 4; face++) {
            int axis = face / 2;
            b.faceGrid(sensorLo, sensorHi, axis, face % 2 == 0, 1, 1, (i, j) -> BLACK);
        }

        Mesh raw = b.build(new double[3]);
        double[] min = raw.boundsMin();
        double[] max = raw.boundsMax();
        double[] toCenter = {-(min[0] + max[0]) / 2, -(min[1] + max[1]) / 2, -(min[2] + max[2]) / 2};
        return b.build(toCenter);
    }

    private static double[][] uniform(double[] rgb) {
        return new double[][] {rgb, rgb, rgb, rgb, rgb, rgb};
    }
}
