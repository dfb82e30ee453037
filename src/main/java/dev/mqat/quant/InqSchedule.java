package dev.mqat.quant;

import java.util.ArrayList;
import java.util.List;

/**
 * When INQ freezes which fraction of a module's weights, and the learning-rate multiplier, within one stage.
 *
 * <p>Positions are stage progress in [0, 1] (epoch / stage epochs, or step / stage steps), so a short CPU stage gets
 * the same pattern as the paper's 30-epoch stage. {@link #paper()} is the paper's Table 10: fractions 0.2, 0.4, 0.6,
 * 0.8, 0.9, 0.95, 0.975, 1.0 at epochs 0, 5, 9, 13, 17, 21, 25, 29 of 30; the LR multiplier is 1 from each freeze
 * step and 0.1 two (three at the start) epochs later. An entry holds until the next one.
 *
 * <p>Driving it: at the start of each step of a stage, {@code f = fractionAtStep(step, stageSteps)}; when it exceeds
 * a layer's {@link UniformWeightQuantizer#fractionQuantized()}, call {@link InqQuantizer#freeze} and clear the optimizer
 * state; the LR is {@code baseLr * lrMultiplierAtStep(step, stageSteps)}.
 *
 * @param freezes cumulative fractions, increasing in both progress and value, the last at fraction 1
 * @param lrMultipliers learning-rate multipliers, increasing in progress, the first at progress 0
 */
public record InqSchedule(List<Point> freezes, List<Point> lrMultipliers) {

    /**
     * One schedule entry.
     *
     * @param progress stage progress in [0, 1] from which the value holds
     * @param value the cumulative frozen fraction, or the LR multiplier
     */
    public record Point(double progress, double value) {
        public Point {
            if (!(progress >= 0 && progress <= 1)) {
                throw new IllegalArgumentException("schedule progress must be in [0, 1], found " + progress);
            }
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("schedule value must be finite and >= 0, found " + value);
            }
        }
    }

    public InqSchedule {
        freezes = List.copyOf(freezes);
        lrMultipliers = List.copyOf(lrMultipliers);
        if (freezes.isEmpty()) {
            throw new IllegalArgumentException("inq.schedule.freezes must not be empty");
        }
        for (int i = 0; i < freezes.size(); i++) {
            Point p = freezes.get(i);
            if (p.value() > 1) {
                throw new IllegalArgumentException("inq.schedule.freezes fraction must be <= 1, found " + p.value());
            }
            if (i > 0 && (p.progress() <= freezes.get(i - 1).progress() || p.value() <= freezes.get(i - 1).value())) {
                throw new IllegalArgumentException("inq.schedule.freezes must increase in progress and fraction; entry "
                        + i + " is " + p + " after " + freezes.get(i - 1));
            }
        }
        if (freezes.get(freezes.size() - 1).value() != 1.0) {
            throw new IllegalArgumentException("inq.schedule.freezes must end at fraction 1, found "
                    + freezes.get(freezes.size() - 1).value());
        }
        if (lrMultipliers.isEmpty() || lrMultipliers.get(0).progress() != 0) {
            throw new IllegalArgumentException("inq.schedule.lr_multipliers must start at progress 0");
        }
        for (int i = 1; i < lrMultipliers.size(); i++) {
            if (lrMultipliers.get(i).progress() <= lrMultipliers.get(i - 1).progress()) {
                throw new IllegalArgumentException("inq.schedule.lr_multipliers must increase in progress; entry " + i
                        + " is " + lrMultipliers.get(i));
            }
        }
    }

    /** Epochs of the paper's stage, the unit of {@link #paper()}. */
    public static final int PAPER_STAGE_EPOCHS = 30;

    /** The paper's Table 10 schedule (see the class comment). */
    public static InqSchedule paper() {
        int[] freezeEpochs = {0, 5, 9, 13, 17, 21, 25, 29};
        double[] fractions = {0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.975, 1.0};
        int[] dropEpochs = {3, 7, 11, 15, 19, 23, 27, 30};
        List<Point> freezes = new ArrayList<>();
        List<Point> lr = new ArrayList<>();
        for (int i = 0; i < freezeEpochs.length; i++) {
            freezes.add(new Point(freezeEpochs[i] / (double) PAPER_STAGE_EPOCHS, fractions[i]));
            lr.add(new Point(freezeEpochs[i] / (double) PAPER_STAGE_EPOCHS, 1.0));
            lr.add(new Point(dropEpochs[i] / (double) PAPER_STAGE_EPOCHS, 0.1));
        }
        return new InqSchedule(freezes, lr);
    }

    /** The frozen fraction in force at {@code progress}: the last freeze entry at or before it, 0 before the first. */
    public double fractionAt(double progress) {
        return valueAt(freezes, progress, 0.0);
    }

    /** The LR multiplier in force at {@code progress}. */
    public double lrMultiplierAt(double progress) {
        return valueAt(lrMultipliers, progress, lrMultipliers.get(0).value());
    }

    /** {@link #fractionAt} for step {@code step} (0-based) of a stage of {@code stageSteps} steps. */
    public double fractionAtStep(long step, long stageSteps) {
        return fractionAt(progress(step, stageSteps));
    }

    /** {@link #lrMultiplierAt} for step {@code step} (0-based) of a stage of {@code stageSteps} steps. */
    public double lrMultiplierAtStep(long step, long stageSteps) {
        return lrMultiplierAt(progress(step, stageSteps));
    }

    private static double progress(long step, long stageSteps) {
        if (stageSteps <= 0 || step < 0) {
            throw new IllegalArgumentException("step " + step + " of " + stageSteps
                    + " stage steps; expected 0 <= step and stageSteps > 0");
        }
        // the position of each entry is rounded down to a step, so entries land on the same steps as epochs would
        return Math.min(1.0, (step + 1e-9) / stageSteps);
    }

    private static double valueAt(List<Point> points, double progress, double before) {
        double v = before;
        for (Point p : points) {
            if (p.progress() <= progress) {
                v = p.value();
            } else {
                break;
            }
        }
        return v;
    }
}
