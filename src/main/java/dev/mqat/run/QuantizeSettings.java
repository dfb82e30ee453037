package dev.mqat.run;

import dev.mqat.model.NetModule;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.QuantizerKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How {@code mqat quantize} quantizes a trained run: the {@code quantization} entry of a quantized run's
 * {@code config.json}.
 *
 * <p>With a flow, the modules are quantized one per stage in flow order (gradated modular QAT, paper Algorithm 1
 * lines 18-21); without one, every module of the plan is quantized in a single stage (uniform/simultaneous QAT, the
 * baseline). The flow must list exactly the modules the plan quantizes, each once. The plan {@code fp} quantizes
 * nothing: its single stage fine-tunes the float network with the same schedule and budget as a quantized stage,
 * which makes it the full-precision control every quantized fine-tune is compared with.
 *
 * @param sourceRun run folder of the float model the quantization started from
 * @param sourceCheckpoint the checkpoint of that run that was loaded (its best)
 * @param plan bit plan; written as its {@link BitPlan#text()} ({@code backbone=8,fpn=2,head=8}, layer entries,
 *     {@code fp}), read by {@link BitPlan#parse} (which also takes the short form {@code 8-2-8})
 * @param flow module keys in quantization order; empty for all at once
 * @param quantizer weight quantizer of every quantized layer (default INQ)
 * @param granularity scale granularity (default per tensor)
 * @param stageEpochs epochs of fine-tuning per stage, or 0 when {@code stageSteps} is set
 * @param stageSteps steps of fine-tuning per stage, or 0 when {@code stageEpochs} is set
 * @param actBits input-activation fake-quantization bits of the quantized modules' convs (2..8), 0 = off (default)
 * @param checkpointEverySteps steps between the resumable checkpoints inside a stage (0 = once per epoch)
 */
public record QuantizeSettings(String sourceRun, String sourceCheckpoint, BitPlan plan, List<String> flow,
        QuantizerKind quantizer, Granularity granularity, int stageEpochs, long stageSteps, int actBits,
        long checkpointEverySteps) {

    public QuantizeSettings {
        flow = List.copyOf(flow);
        if (sourceRun == null || sourceCheckpoint == null) {
            throw new IllegalArgumentException("quantization.sourceRun and sourceCheckpoint are required");
        }
        if (quantizer == null || granularity == null) {
            throw new IllegalArgumentException("quantization.quantizer: expected one of inq, lsq, ste; "
                    + "quantization.granularity: expected per_tensor or per_channel; found " + quantizer + ", "
                    + granularity);
        }
        if (plan == null) {
            throw new IllegalArgumentException("quantization.plan: required; expected e.g. 8-2-8, backbone=8,fpn=2,head=8 "
                    + "or fp");
        }
        List<NetModule> planned = plannedModules(plan);
        Set<String> seen = new LinkedHashSet<>();
        for (String m : flow) {
            NetModule module;
            try {
                module = NetModule.fromKey(m);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("flow: " + e.getMessage());
            }
            if (!seen.add(m)) {
                throw new IllegalArgumentException("flow names module '" + m + "' twice");
            }
            if (!planned.contains(module)) {
                throw new IllegalArgumentException("flow names module '" + m + "', which the plan '" + plan.text()
                        + "' leaves float");
            }
        }
        if (!flow.isEmpty() && flow.size() != planned.size()) {
            List<String> missing = new ArrayList<>();
            for (NetModule m : planned) {
                if (!seen.contains(m.key())) {
                    missing.add(m.key());
                }
            }
            throw new IllegalArgumentException("flow " + String.join(",", flow) + " misses " + String.join(",", missing)
                    + ", which the plan '" + plan.text() + "' quantizes");
        }
        if ((stageEpochs > 0) == (stageSteps > 0) || stageEpochs < 0 || stageSteps < 0) {
            throw new IllegalArgumentException("quantization: set exactly one stage budget of stageEpochs, stageSteps;"
                    + " found " + stageEpochs + ", " + stageSteps);
        }
        if (actBits != 0 && (actBits < 2 || actBits > 8)) {
            throw new IllegalArgumentException("quantization.actBits: must be 0 (off) or in 2..8, found " + actBits);
        }
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("quantization.checkpointEverySteps: must be >= 0, found "
                    + checkpointEverySteps);
        }
    }

    /** The modules of each stage, in order: one per flow entry, or all planned modules in one stage. */
    public List<List<NetModule>> stages() {
        if (flow.isEmpty()) {
            return List.of(plannedModules(plan));
        }
        return flow.stream().map(m -> List.of(NetModule.fromKey(m))).toList();
    }

    /** Whether this is the float fine-tune of plan {@code fp}: no module is quantized. */
    public boolean fullPrecision() {
        return !plan.isQuantized();
    }

    /**
     * Folder name of a stage under {@code QRUN/stages}: {@code 1-fpn}, {@code 1-backbone+fpn+head}, or {@code 1-fp}
     * for the float fine-tune.
     */
    public static String stageName(int index, List<NetModule> modules) {
        return (index + 1) + "-" + (modules.isEmpty() ? BitPlan.FULL_PRECISION
                : String.join("+", modules.stream().map(NetModule::key).toList()));
    }

    /** The modules with at least one layer the plan quantizes, in network order. */
    public static List<NetModule> plannedModules(BitPlan plan) {
        List<NetModule> out = new ArrayList<>();
        for (NetModule m : NetModule.values()) {
            boolean any = plan.bitsOf(m.key()).isPresent()
                    || plan.layerBits().keySet().stream().anyMatch(l -> BitPlan.moduleOf(l).equals(m.key()));
            if (any) {
                out.add(m);
            }
        }
        return out;
    }
}
