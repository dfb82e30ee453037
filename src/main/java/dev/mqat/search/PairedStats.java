package dev.mqat.search;

/**
 * Confidence intervals and paired significance tests for success rates measured on the same images, so a search
 * decision (a probe beats the float model, one flow beats another) can say whether the gap exceeds the noise of a
 * finite validation split.
 *
 * <p>Units: rates and interval bounds in percent (0-100), as the eval package reports success rates.
 *
 * <p>Pitfalls: two methods scored on the same images are paired; their Wilson intervals can overlap while the paired
 * test finds a clear difference (and the other way round). Compare methods with {@link #mcnemarExact}, and use
 * {@link #wilson} to report one method's uncertainty.
 */
public final class PairedStats {

    /** Two-sided 95 % quantile of the standard normal distribution, {@code Phi^-1(0.975)}. */
    public static final double Z_95 = 1.959963984540054;

    private PairedStats() {}

    /**
     * A Wilson score interval for a success rate.
     *
     * @param successes successes counted
     * @param n trials counted, at least 1
     * @param z normal quantile the interval was built with ({@link #Z_95} for 95 %)
     * @param lowPercent lower bound, percent (0-100)
     * @param highPercent upper bound, percent (0-100)
     */
    public record WilsonInterval(int successes, int n, double z, double lowPercent, double highPercent) {
        /** The observed rate {@code 100 successes / n}, percent; the interval need not be centred on it. */
        public double ratePercent() {
            return 100.0 * successes / n;
        }
    }

    /**
     * An exact McNemar test of two methods on the same images.
     *
     * @param n01 images method A gets wrong and method B right
     * @param n10 images method A gets right and method B wrong
     * @param pValue two-sided exact p-value; 1 when there are no discordant images
     */
    public record McNemarTest(int n01, int n10, double pValue) {
        /** Images on which the two methods disagree. */
        public int discordant() {
            return n01 + n10;
        }
    }

    /**
     * The Wilson score interval of {@code successes} out of {@code n} at normal quantile {@code z}.
     *
     * <p>Chosen over the normal (Wald) interval because it stays inside [0, 100] and keeps its coverage at rates near
     * 0 or 100 %, where a weak quantized model's success rates sit. At 0 successes the lower bound is exactly 0 and at
     * {@code n} successes the upper bound exactly 100 (the formula gives those values analytically; they are set, not
     * computed, so rounding cannot move them).
     *
     * @throws IllegalArgumentException when {@code n < 1}, {@code successes} is outside {@code [0, n]} or {@code z} is
     *     not a finite positive number
     */
    public static WilsonInterval wilson(int successes, int n, double z) {
        if (n < 1) {
            throw new IllegalArgumentException("Wilson interval needs at least one trial, found n = " + n);
        }
        if (successes < 0 || successes > n) {
            throw new IllegalArgumentException("Wilson interval: successes must be in [0, " + n + "], found "
                    + successes);
        }
        if (!(z > 0) || Double.isInfinite(z)) {
            throw new IllegalArgumentException("Wilson interval: z must be a finite number > 0, found " + z);
        }
        double rate = (double) successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (rate + z2 / (2.0 * n)) / denominator;
        double halfWidth = z / denominator * Math.sqrt(rate * (1 - rate) / n + z2 / (4.0 * n * n));
        double low = successes == 0 ? 0 : Math.max(0, centre - halfWidth);
        double high = successes == n ? 1 : Math.min(1, centre + halfWidth);
        return new WilsonInterval(successes, n, z, 100 * low, 100 * high);
    }

    /** The 95 % Wilson score interval: {@link #wilson(int, int, double)} with {@link #Z_95}. */
    public static WilsonInterval wilson95(int successes, int n) {
        return wilson(successes, n, Z_95);
    }

    /**
     * Two-sided exact McNemar test of methods A and B scored on the same images.
     *
     * @param a {@code a[i]} is whether method A got image i right
     * @param b {@code b[i]} is whether method B got image i right, same image order as {@code a}
     * @throws IllegalArgumentException when the arrays differ in length
     * @see #mcnemarExact(int, int)
     */
    public static McNemarTest mcnemarExact(boolean[] a, boolean[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("McNemar test needs one outcome per image under both methods: method A "
                    + "has " + a.length + " outcomes, method B has " + b.length);
        }
        int n01 = 0;
        int n10 = 0;
        for (int i = 0; i < a.length; i++) {
            if (!a[i] && b[i]) {
                n01++;
            } else if (a[i] && !b[i]) {
                n10++;
            }
        }
        return mcnemarExact(n01, n10);
    }

    /**
     * Two-sided exact McNemar test from the discordant counts: under the null hypothesis each discordant image favours
     * either method with probability 1/2, so {@code p = min(1, 2 P(X <= min(n01, n10)))} for
     * {@code X ~ Binomial(n01 + n10, 1/2)}, and {@code p = 1} without discordant images.
     *
     * <p>Computed in doubles for any count: the binomial terms are summed relative to the largest one, whose size is
     * taken in log space, so {@code 2^-n} never underflows on the way. A p-value below {@link Double#MIN_VALUE}
     * (about {@code 2^-1074}) is returned as 0.
     *
     * @param n01 images A gets wrong and B right
     * @param n10 images A gets right and B wrong
     * @throws IllegalArgumentException when a count is negative
     */
    public static McNemarTest mcnemarExact(int n01, int n10) {
        if (n01 < 0 || n10 < 0) {
            throw new IllegalArgumentException("McNemar counts must be >= 0, found n01 = " + n01 + ", n10 = " + n10);
        }
        int n = n01 + n10;
        if (n == 0) {
            return new McNemarTest(n01, n10, 1.0);
        }
        int k = Math.min(n01, n10);
        // k <= n / 2, so the terms C(n, i) / 2^n grow with i up to k: sum them as multiples of the last term
        double sumRelativeToLast = 1;
        double term = 1;
        for (int i = k; i > 0; i--) {
            term *= (double) i / (n - i + 1); // C(n, i-1) / C(n, i)
            sumRelativeToLast += term;
            if (term < 1e-17 * sumRelativeToLast) {
                break; // the remaining terms shrink at least as fast and no longer change the double sum
            }
        }
        double logLastTerm = logBinomialCoefficient(n, k) - n * Math.log(2);
        double lowerTail = Math.exp(logLastTerm + Math.log(sumRelativeToLast));
        return new McNemarTest(n01, n10, Math.min(1.0, 2 * lowerTail));
    }

    /** {@code ln C(n, k)} as a sum of k logarithms; exact enough (relative error about {@code k} ulps) for p-values. */
    private static double logBinomialCoefficient(int n, int k) {
        double sum = 0;
        for (int j = 1; j <= k; j++) {
            sum += Math.log((double) (n - k + j) / j);
        }
        return sum;
    }
}
