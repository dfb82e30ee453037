package dev.mqat.train;

import java.util.ArrayList;
import java.util.List;

/**
 * One phase of training on windows around the objects ({@link dev.mqat.data.ObjectCrop}): windows of
 * {@code sidePx} (0 = whole images) until the fraction {@code until} of the budget is used.
 *
 * <p>Small windows make early steps cheap; a last phase on larger windows or whole images lets the network meet
 * the context it sees at inference, as progressive resizing does.
 *
 * @param sidePx window side, a multiple of 32, or 0 for whole images
 * @param until end of the phase as a fraction of the budget, in (0, 1]
 */
public record CropPhase(int sidePx, double until) {

    public CropPhase {
        if (sidePx < 0 || sidePx % 32 != 0) {
            throw new IllegalArgumentException("train.crops: window side must be 0 or a positive multiple of 32, found "
                    + sidePx);
        }
        if (!(until > 0 && until <= 1)) {
            throw new IllegalArgumentException("train.crops: phase end must be in (0, 1], found " + until);
        }
    }

    /**
     * Reads {@code SIDE[:UNTIL],...}, e.g. {@code 96} (windows of 96 px throughout) or {@code 64:0.6,96} (64 px for
     * the first 60 % of the budget, then 96 px); the last phase runs to the end.
     *
     * @throws IllegalArgumentException naming the part that does not parse or does not fit
     */
    public static List<CropPhase> parse(String spec) {
        List<CropPhase> phases = new ArrayList<>();
        String[] parts = spec.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String[] sideAndEnd = parts[i].strip().split(":", -1);
            boolean last = i == parts.length - 1;
            if (sideAndEnd.length > 2 || (!last && sideAndEnd.length != 2)) {
                throw new IllegalArgumentException("crop '" + spec + "': every phase but the last needs SIDE:UNTIL, found '"
                        + parts[i] + "'");
            }
            try {
                int side = Integer.parseInt(sideAndEnd[0].strip());
                double until = sideAndEnd.length == 2 ? Double.parseDouble(sideAndEnd[1].strip()) : 1;
                if (last && until != 1) {
                    throw new IllegalArgumentException("crop '" + spec + "': the last phase runs to the end of the budget;"
                            + " drop its ':" + sideAndEnd[1] + "'");
                }
                phases.add(new CropPhase(side, until));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("crop '" + spec + "': '" + parts[i] + "' is not SIDE or SIDE:UNTIL");
            }
        }
        return validated(phases);
    }

    /**
     * The default phases for an input side: windows of half the side for the first 60 % of the budget, of three
     * quarters of it until 90 %, then whole images ({@code 64:0.6,96:0.9,0} at 128 px); whole images throughout for
     * inputs under 128 px, where such windows would be too small to hold the objects.
     */
    public static List<CropPhase> recipeFor(int inputSizePx) {
        if (inputSizePx < 128) {
            return List.of();
        }
        return List.of(new CropPhase(inputSizePx / 2 / 32 * 32, 0.6), new CropPhase(inputSizePx * 3 / 4 / 32 * 32, 0.9),
                new CropPhase(0, 1));
    }

    /** The phases, checked to end in increasing order with the last at 1; an empty list means whole images. */
    static List<CropPhase> validated(List<CropPhase> phases) {
        if (phases == null || phases.isEmpty()) {
            return List.of();
        }
        for (int i = 1; i < phases.size(); i++) {
            if (!(phases.get(i).until() > phases.get(i - 1).until())) {
                throw new IllegalArgumentException("train.crops: phase ends must increase, found " + phases.get(i - 1).until()
                        + " then " + phases.get(i).until());
            }
        }
        if (phases.get(phases.size() - 1).until() != 1) {
            throw new IllegalArgumentException("train.crops: the last phase must end at 1, found "
                    + phases.get(phases.size() - 1).until());
        }
        return List.copyOf(phases);
    }

    /** The window side at {@code budgetFraction} of the budget (0 = whole images). */
    static int sideAt(List<CropPhase> phases, double budgetFraction) {
        for (CropPhase p : phases) {
            if (budgetFraction < p.until()) {
                return p.sidePx();
            }
        }
        return phases.isEmpty() ? 0 : phases.get(phases.size() - 1).sidePx();
    }
}
