package dev.mqat.quant;

import java.util.Arrays;

/**
 * The symmetric uniform weight grid and the L2 scale fit, on plain Java arrays.
 *
 * <p>b bits (2..8) give the integer codes {@code k} in {@code [-Qp, Qp]} with {@code Qp = 2^(b-1) - 1}, that is
 * {@code 2^b - 1} levels (2 bits = ternary {-1, 0, 1}); 1 bit gives {@code {-1, +1}} (zero maps to +1). A weight
 * {@code w} with scale {@code s} becomes {@code k * s} with {@code k = clamp(rint(w / s), -Qp, Qp)}, computed in
 * float32 like the tensor code, so the Java side and the NDArray side agree bit for bit. Rounding is half to even
 * ({@link Math#rint}), as {@code torch.round}.
 *
 * <p>The L2 fit follows the reference code (DESIGN section 6): a 1000-point grid search, then a golden-section
 * refinement around the best grid point. Deviation: it ends with Lloyd steps (assign codes, then the least-squares
 * scale {@code sum(|w| |k|) / sum(k^2)}), which never raise the error and recover the exact scale of weights that
 * already lie on a grid. The error is evaluated on sorted magnitudes with prefix sums, so one evaluation costs
 * {@code O(Qp log N)} and layers of millions of weights fit in well under a second.
 */
public final class Levels {
    static final int GRID_POINTS = 1000;
    private static final int GOLDEN_ITERATIONS = 80;
    private static final int LLOYD_ITERATIONS = 100;

    private Levels() {}

    /**
     * Checks a weight bit-width.
     *
     * @throws IllegalArgumentException naming the value when it is outside 1..8
     */
    public static int checkBits(int bits) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("bits must be in 1..8, found " + bits);
        }
        return bits;
    }

    /** Largest integer code {@code Qp}: {@code 2^(b-1) - 1} for b >= 2, and 1 for 1 bit. */
    public static int maxCode(int bits) {
        checkBits(bits);
        return bits == 1 ? 1 : (1 << (bits - 1)) - 1;
    }

    /** Number of distinct levels: {@code 2^b - 1} for b >= 2, 2 for 1 bit. */
    public static int levelCount(int bits) {
        checkBits(bits);
        return bits == 1 ? 2 : (1 << bits) - 1;
    }

    /** Integer code of {@code w} at scale {@code s} (see the class comment). */
    public static int code(float w, float s, int bits) {
        if (bits == 1) {
            return w >= 0f ? 1 : -1;
        }
        int qp = (1 << (bits - 1)) - 1;
        float r = (float) Math.rint(w / s);
        return (int) Math.max(-qp, Math.min(qp, r));
    }

    /** The level nearest to {@code w}: {@code code(w, s, bits) * s} in float32. */
    public static float quantize(float w, float s, int bits) {
        return code(w, s, bits) * s;
    }

    /**
     * Quantizes a weight tensor laid out with the output channel on axis 0 (row-major).
     *
     * @param weights the float weights, not modified
     * @param scales one scale (per tensor) or one per output channel
     * @return a new array of levels
     */
    public static float[] quantize(float[] weights, float[] scales, int bits) {
        checkBits(bits);
        int per = perScale(weights.length, scales.length);
        float[] out = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            out[i] = quantize(weights[i], scales[i / per], bits);
        }
        return out;
    }

    /**
     * Fits the scale(s) of a weight tensor by minimising the L2 distance to the nearest level.
     *
     * @param weights row-major weights, output channel on axis 0
     * @param scaleCount 1 (per tensor) or the number of output channels
     * @return a new array of {@code scaleCount} positive scales
     */
    public static float[] fitScalesL2(float[] weights, int scaleCount, int bits) {
        int per = perScale(weights.length, scaleCount);
        float[] scales = new float[scaleCount];
        for (int c = 0; c < scaleCount; c++) {
            scales[c] = fitScaleL2(weights, c * per, per, bits);
        }
        return scales;
    }

    /**
     * Squared L2 error {@code ||Q(w) - w||^2} of quantizing {@code weights} with {@code scales}, in double.
     */
    public static double squaredError(float[] weights, float[] scales, int bits) {
        int per = perScale(weights.length, scales.length);
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            double d = quantize(weights[i], scales[i / per], bits) - (double) weights[i];
            sum += d * d;
        }
        return sum;
    }

    /**
     * L2-optimal scale of {@code weights[offset .. offset+length)}; 1 when all of them are zero (any positive scale
     * is then exact).
     */
    public static float fitScaleL2(float[] weights, int offset, int length, int bits) {
        checkBits(bits);
        if (length <= 0) {
            throw new IllegalArgumentException("cannot fit a scale to an empty weight slice");
        }
        double[] mags = new double[length];
        double sumAbs = 0;
        for (int i = 0; i < length; i++) {
            float w = weights[offset + i];
            if (!Float.isFinite(w)) {
                throw new IllegalArgumentException("weight " + (offset + i) + " is " + w + "; expected a finite value");
            }
            mags[i] = Math.abs(w);
            sumAbs += mags[i];
        }
        if (sumAbs == 0) {
            return 1f;
        }
        if (bits == 1) {
            // levels {-s, +s}: every weight uses level |k| = 1, so the least-squares scale is the mean magnitude
            return (float) (sumAbs / length);
        }
        Arrays.sort(mags);
        SortedMagnitudes m = new SortedMagnitudes(mags);
        int qp = maxCode(bits);
        double max = mags[length - 1];
        double hi = 2 * max / qp;
        double best = hi / GRID_POINTS;
        double bestErr = m.error(best, qp);
        for (int j = 2; j <= GRID_POINTS; j++) {
            double s = hi * j / GRID_POINTS;
            double e = m.error(s, qp);
            if (e < bestErr) {
                bestErr = e;
                best = s;
            }
        }
        // golden-section search between the grid neighbours of the best grid point
        double a = Math.max(best - hi / GRID_POINTS, hi / GRID_POINTS * 1e-3);
        double b = best + hi / GRID_POINTS;
        double g = (Math.sqrt(5) - 1) / 2;
        double x1 = b - g * (b - a);
        double x2 = a + g * (b - a);
        double f1 = m.error(x1, qp);
        double f2 = m.error(x2, qp);
        for (int it = 0; it < GOLDEN_ITERATIONS && b - a > 1e-15 * b; it++) {
            if (f1 <= f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - g * (b - a);
                f1 = m.error(x1, qp);
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + g * (b - a);
                f2 = m.error(x2, qp);
            }
        }
        double s = f1 <= f2 ? x1 : x2;
        double err = Math.min(f1, f2);
        if (bestErr < err) {
            s = best;
            err = bestErr;
        }
        for (int it = 0; it < LLOYD_ITERATIONS; it++) {
            double next = m.leastSquaresScale(s, qp);
            if (!(next > 0)) {
                break;
            }
            double e = m.error(next, qp);
            if (e > err || next == s) {
                break;
            }
            boolean same = e == err;
            s = next;
            err = e;
            if (same) {
                break;
            }
        }
        return bestNearbyFloat(weights, offset, length, bits, (float) s);
    }

    /** A scale computed from the mean and the largest magnitude of one slice of weights. */
    @FunctionalInterface
    interface MagnitudeScale {
        double of(double meanAbs, double maxAbs);
    }

    /**
     * One scale per slice ({@code scaleCount} equal consecutive slices of {@code w}) from the slice's mean and largest
     * magnitude; a slice whose rule gives no positive value (all zeros) gets 1, so a scale is always positive.
     */
    static float[] scalesByMagnitude(float[] w, int scaleCount, MagnitudeScale rule) {
        int per = perScale(w.length, scaleCount);
        float[] s = new float[scaleCount];
        for (int c = 0; c < scaleCount; c++) {
            double max = 0;
            double sum = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
                sum += Math.abs(w[i]);
            }
            double v = rule.of(sum / per, max);
            s[c] = v > 0 ? (float) v : 1f;
        }
        return s;
    }

    /**
     * Of the float scales within two ulps of {@code s}, the one with the smallest float32 quantization error: the
     * double-precision fit is rounded to float, and weights that already lie on a float grid get their exact scale.
     */
    private static float bestNearbyFloat(float[] w, int offset, int length, int bits, float s) {
        float best = s;
        double bestErr = Double.MAX_VALUE;
        for (int step = -2; step <= 2; step++) {
            float cand = s;
            for (int i = 0; i < Math.abs(step); i++) {
                cand = step > 0 ? Math.nextUp(cand) : Math.nextDown(cand);
            }
            if (!(cand > 0)) {
                continue;
            }
            double e = 0;
            for (int i = 0; i < length; i++) {
                double d = quantize(w[offset + i], cand, bits) - (double) w[offset + i];
                e += d * d;
            }
            if (e < bestErr) {
                bestErr = e;
                best = cand;
            }
        }
        return best;
    }

    static int perScale(int weightCount, int scaleCount) {
        if (scaleCount <= 0 || weightCount % scaleCount != 0) {
            throw new IllegalArgumentException("weight count " + weightCount + " is not a multiple of the scale count "
                    + scaleCount);
        }
        return weightCount / scaleCount;
    }

    /** Sorted magnitudes with prefix sums: error and least-squares scale per candidate scale in O(Qp log N). */
    private static final class SortedMagnitudes {
        final double[] a;
        final double[] p1;
        final double[] p2;

        SortedMagnitudes(double[] sorted) {
            a = sorted;
            p1 = new double[sorted.length + 1];
            p2 = new double[sorted.length + 1];
            for (int i = 0; i < sorted.length; i++) {
                p1[i + 1] = p1[i] + sorted[i];
                p2[i + 1] = p2[i] + sorted[i] * sorted[i];
            }
        }

        /** First index with a[i] >= x. */
        int lower(double x) {
            int lo = 0;
            int hi = a.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] < x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        double error(double s, int qp) {
            double total = 0;
            int from = 0;
            for (int k = 0; k <= qp && from < a.length; k++) {
                int to = k == qp ? a.length : lower((k + 0.5) * s);
                if (to > from) {
                    double n = to - from;
                    double s1 = p1[to] - p1[from];
                    double s2 = p2[to] - p2[from];
                    double ks = k * s;
                    total += s2 - 2 * ks * s1 + ks * ks * n;
                }
                from = Math.max(from, to);
            }
            return Math.max(total, 0);
        }

        double leastSquaresScale(double s, int qp) {
            double num = 0;
            double den = 0;
            int from = 0;
            for (int k = 0; k <= qp && from < a.length; k++) {
                int to = k == qp ? a.length : lower((k + 0.5) * s);
                if (to > from && k > 0) {
                    num += k * (p1[to] - p1[from]);
                    den += (double) k * k * (to - from);
                }
                from = Math.max(from, to);
            }
            return den == 0 ? s : num / den;
        }
    }
}
