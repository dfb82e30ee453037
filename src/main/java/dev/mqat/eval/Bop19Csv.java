package dev.mqat.eval;

import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import dev.mqat.geometry.Pose;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes pose estimates in the BOP19 results format.
 *
 * <p>One CSV line per estimate: {@code scene_id,im_id,obj_id,score,R,t,time} with R the 9 values of the
 * object-to-camera rotation, row-major, and t the translation in mm, each space-separated inside its field;
 * time in seconds, -1 when not measured. The header line {@value #HEADER} is written, and skipped on reading
 * when present (bop_toolkit's files carry it). Blank lines are skipped.
 *
 * <p>Reading rejects, with the file and line number: a wrong field count, non-integer ids, non-numeric or
 * non-finite values, R without 9 values or t without 3, and an R that is not a rotation (|R R^T - I| above
 * {@value #ROTATION_TOLERANCE} in some entry, or det R negative). The tolerance admits R printed with a few
 * decimals.
 */
public final class Bop19Csv {

    /** The header line of BOP19 results files. */
    public static final String HEADER = "scene_id,im_id,obj_id,score,R,t,time";

    /** Largest entry of |R R^T - I| accepted for a rotation read from a file. */
    public static final double ROTATION_TOLERANCE = 1e-2;

    private Bop19Csv() {}

    /**
     * Reads every estimate of a results file, in file order.
     *
     * @throws MqatFormatException naming the file and line when a line is malformed
     * @throws UncheckedIOException when the file cannot be read, carrying its path
     */
    public static List<PoseEstimate> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<PoseEstimate> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int lineNo = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (out.isEmpty() && line.startsWith("scene_id")) {
                if (!line.replace(" ", "").equals(HEADER)) {
                    throw MqatFormatException.at(file, "line " + lineNo + ": header is '" + abbreviate(line)
                            + "', expected '" + HEADER + "'");
                }
                continue;
            }
            out.add(parseLine(file, lineNo, line));
        }
        return out;
    }

    private static PoseEstimate parseLine(Path file, int lineNo, String line) {
        String[] f = line.split(",", -1);
        if (f.length != 7) {
            throw MqatFormatException.at(file, "line " + lineNo + ": " + f.length + " comma-separated fields, expected 7 ("
                    + HEADER + ")");
        }
        int scene = id(file, lineNo, "scene_id", f[0]);
        int image = id(file, lineNo, "im_id", f[1]);
        int object = id(file, lineNo, "obj_id", f[2]);
        double score = number(file, lineNo, "score", f[3].strip());
        double[] r = vector(file, lineNo, "R", f[4], 9);
        double[] t = vector(file, lineNo, "t", f[5], 3);
        double time = number(file, lineNo, "time", f[6].strip());
        String problem = rotationProblem(r);
        if (problem != null) {
            throw MqatFormatException.at(file, "line " + lineNo + ": R is not a rotation matrix (" + problem + ")");
        }
        return new PoseEstimate(new PoseKey(scene, image, object), score, new Pose(r, t), time);
    }

    private static int id(Path file, int lineNo, String key, String text) {
        String s = text.strip();
        try {
            int v = Integer.parseInt(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MqatFormatException.at(file, "line " + lineNo + ": " + key + " = '" + abbreviate(s)
                + "', expected a non-negative integer");
    }

    private static double number(Path file, int lineNo, String key, String s) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw MqatFormatException.at(file, "line " + lineNo + ": " + key + " = '" + abbreviate(s)
                    + "', expected a number");
        }
        if (!Double.isFinite(v)) {
            throw MqatFormatException.at(file, "line " + lineNo + ": " + key + " = " + s + ", expected a finite number");
        }
        return v;
    }

    private static double[] vector(Path file, int lineNo, String key, String field, int expected) {
        String s = field.strip();
        String[] parts = s.isEmpty() ? new String[0] : s.split("\\s+");
        if (parts.length != expected) {
            throw MqatFormatException.at(file, "line " + lineNo + ": " + key + " has " + parts.length + " values, expected "
                    + expected + " (space-separated)");
        }
        double[] v = new double[expected];
        for (int i = 0; i < expected; i++) {
            v[i] = number(file, lineNo, key + "[" + i + "]", parts[i]);
        }
        return v;
    }

    /** Null when r is a rotation within tolerance, otherwise what is wrong. */
    private static String rotationProblem(double[] r) {
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
                worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
            }
        }
        if (worst > ROTATION_TOLERANCE) {
            return "largest |R R^T - I| entry " + worst + ", tolerance " + ROTATION_TOLERANCE;
        }
        double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6])
                + r[2] * (r[3] * r[7] - r[4] * r[6]);
        return det < 0 ? "determinant " + det + ", a reflection" : null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** Writes estimates (header first) atomically; numbers are written so that {@link #read} restores them exactly. */
    public static void write(Path file, Collection<PoseEstimate> estimates) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (PoseEstimate e : estimates) {
            PoseKey k = e.key();
            sb.append(k.sceneId()).append(',').append(k.imageId()).append(',').append(k.objectId()).append(',')
                    .append(e.score()).append(',');
            double[] r = e.objectToCamera().rotation();
            for (int i = 0; i < 9; i++) {
                sb.append(i == 0 ? "" : " ").append(r[i]);
            }
            sb.append(',');
            double[] t = e.objectToCamera().translationMm();
            for (int i = 0; i < 3; i++) {
                sb.append(i == 0 ? "" : " ").append(t[i]);
            }
            sb.append(',').append(e.timeSeconds()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /**
     * The highest-scoring estimate per (scene, image, object); on equal scores the first in list order.
     *
     * @return a map in the order keys first appear
     */
    public static Map<PoseKey, PoseEstimate> highestScorePerKey(List<PoseEstimate> estimates) {
        Map<PoseKey, PoseEstimate> best = new LinkedHashMap<>();
        for (PoseEstimate e : estimates) {
            PoseEstimate current = best.get(e.key());
            if (current == null || e.score() > current.score()) {
                best.put(e.key(), e);
            }
        }
        return best;
    }
}
