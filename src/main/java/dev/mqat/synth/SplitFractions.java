package dev.mqat.synth;

import java.util.Locale;

/**
 * Fractions of a synthetic dataset's images in the train, val and test splits.
 *
 * @param train fraction of training images, 0..1
 * @param val fraction of validation images, 0..1
 * @param test fraction of test images, 0..1; the three sum to 1
 */
public record SplitFractions(double train, double val, double test) {

    public SplitFractions {
        if (!(train >= 0 && train <= 1) || !(val >= 0 && val <= 1) || !(test >= 0 && test <= 1)) {
            throw new IllegalArgumentException("split fractions must be in 0..1, found train=" + train + " val=" + val
                    + " test=" + test);
        }
        if (Math.abs(train + val + test - 1) > 1e-6) {
            throw new IllegalArgumentException("split fractions must sum to 1, found train=" + train + " val=" + val
                    + " test=" + test + " (sum " + (train + val + test) + ")");
        }
    }

    /** train=0.92, val=0.04, test=0.04. */
    public static SplitFractions defaults() {
        return new SplitFractions(0.92, 0.04, 0.04);
    }

    /**
     * Parses {@code train=0.92,val=0.04,test=0.04}; keys in any order, an omitted key is 0.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static SplitFractions parse(String text) {
        double[] values = new double[3];
        boolean[] seen = new boolean[3];
        String at = "split \"" + text + "\": ";
        if (text.isBlank()) {
            throw new IllegalArgumentException(at + "expected key=value pairs such as train=0.92,val=0.04,test=0.04");
        }
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(at + "\"" + part.strip() + "\" is not key=value (keys: train, val, test)");
            }
            String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            int k = switch (key) {
                case "train" -> 0;
                case "val" -> 1;
                case "test" -> 2;
                default -> throw new IllegalArgumentException(at + "unknown key \"" + key + "\"; expected train, val or test");
            };
            if (seen[k]) {
                throw new IllegalArgumentException(at + "key \"" + key + "\" given twice");
            }
            seen[k] = true;
            String value = part.substring(eq + 1).strip();
            try {
                values[k] = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "\"" + value + "\" for " + key + " is not a number");
            }
        }
        try {
            return new SplitFractions(values[0], values[1], values[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
    }

    /**
     * Image counts {train, val, test} for {@code n} images: val and test rounded to the nearest integer,
     * train the rest (22000 at the defaults gives 20240, 880, 880).
     */
    public int[] counts(int n) {
        int v = (int) Math.round(n * val);
        int t = (int) Math.round(n * test);
        if (v + t > n) {
            t = n - v;
        }
        return new int[] {n - v - t, v, t};
    }

    /** The text form that {@link #parse} reads. */
    @Override
    public String toString() {
        return "train=" + train + ",val=" + val + ",test=" + test;
    }
}
