package dev.mqat.run;

import dev.mqat.Progress;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.InqSchedule;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.train.PoseTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Drives INQ freezing and the learning-rate pattern of a {@link QuantizeJob} stage (see that class's comment). */
final class StageHook implements PoseTrainer.StepHook {
    /** Stage progress of the LSQ/STE x0.1 drops: epochs 10, 20, 25 of the paper's 30 (appendix A.4.2). */
    private static final double[] STEP_DECAY_AT = {10 / 30.0, 20 / 30.0, 25 / 30.0};

    private final int stageIndex;
    private final List<NetModule> modules;
    private final QuantizerKind kind;
    private final double baseLr;
    private final QuantizeJob.StepObserver observer;
    private final Progress progress;
    private final long offset;
    private final InqSchedule schedule = InqSchedule.paper();
    private double lastFraction = -1;
    private boolean started;

    StageHook(int stageIndex, List<NetModule> modules, QuantizerKind kind, double baseLr,
            QuantizeJob.StepObserver observer, Progress progress, long offset) {
        this.stageIndex = stageIndex;
        this.modules = modules;
        this.kind = kind;
        this.baseLr = baseLr;
        this.observer = observer;
        this.progress = progress;
        this.offset = offset;
    }

    @Override
    public void beforeStep(long step, long totalSteps, PoseNet net) {
        observer.beforeStep(stageIndex, step);
        if (!started) {
            // a resumed stage starts mid-way: the steps before it took no time in this process
            progress.restartRateAt(offset + step);
            started = true;
        }
        if (kind == QuantizerKind.INQ) {
            double f = schedule.fractionAtStep(step, totalSteps);
            if (f > lastFraction) {
                // idempotent: a resumed stage re-applies the fraction already in force and freezes nothing
                for (NetModule m : modules) {
                    Quantization.freezeInq(net, m, f);
                }
                lastFraction = f;
            }
        }
        progress.update(offset + step, "stage " + (stageIndex + 1));
    }

    @Override
    public double learningRate(long step, long totalSteps, double scheduled) {
        return baseLr * multiplier(kind, schedule, step, totalSteps);
    }

    /** Freezes what the schedule has not reached by the end of a short stage; returns the weights frozen. */
    long finish(PoseNet net, long totalSteps) {
        progress.update(offset + totalSteps, "stage " + (stageIndex + 1) + " done");
        long n = 0;
        if (kind == QuantizerKind.INQ) {
            for (NetModule m : modules) {
                n += Quantization.freezeInq(net, m, 1.0);
            }
        }
        return n;
    }

    /** The freeze decisions of a stage of {@code totalSteps} steps (a pure function of the schedule). */
    List<Map<String, Object>> freezeEvents(long totalSteps, long frozenAtEnd) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (kind != QuantizerKind.INQ) {
            return out;
        }
        double last = -1;
        for (long s = 0; s < totalSteps; s++) {
            double f = schedule.fractionAtStep(s, totalSteps);
            if (f > last) {
                out.add(freeze(s, f, multiplier(kind, schedule, s, totalSteps)));
                last = f;
            }
        }
        if (last < 1.0) {
            Map<String, Object> e = freeze(totalSteps, 1.0, Double.NaN);
            e.put("weights_frozen", frozenAtEnd);
            e.put("note", "schedule not reached within the stage's steps; remaining weights frozen at its end");
            out.add(e);
        }
        return out;
    }

    private Map<String, Object> freeze(long step, double fraction, double lrMultiplier) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", "freeze");
        e.put("stage", stageIndex + 1);
        e.put("step", step);
        e.put("fraction", fraction);
        e.put("lr_multiplier", Double.isNaN(lrMultiplier) ? null : lrMultiplier);
        return e;
    }

    /** LR multiplier at a step of a stage: INQ per Table 10, LSQ/STE x0.1 at 1/3, 2/3, 5/6. */
    static double multiplier(QuantizerKind kind, InqSchedule schedule, long step, long totalSteps) {
        return switch (kind) {
            case INQ -> schedule.lrMultiplierAtStep(step, totalSteps);
            case LSQ, STE -> {
                double m = 1;
                for (double at : STEP_DECAY_AT) {
                    if (step >= Math.ceil(at * totalSteps - 1e-9)) {
                        m *= 0.1;
                    }
                }
                yield m;
            }
        };
    }
}
