package dev.mqat.search;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Path;

/**
 * Second-order autograd on libtorch, reached through DJL's PyTorch engine and, for one call, through JNA: a backward
 * pass that records the graph of the gradients it computes, and the in-place detach that frees that graph again.
 *
 * <p>Why not DJL's {@code GradientCollector}: its {@code backward} never records a graph, so the gradients it leaves
 * cannot be differentiated a second time. {@link JniUtils#backward} exposes libtorch's flags.
 *
 * <p>Pitfall, the reference cycle: a backward that records its graph stores in each leaf's gradient a tensor whose
 * history leads back to that same leaf (libtorch's own warning: "Using backward() with create_graph=True will create
 * a reference cycle between the parameter and its gradient"). Python breaks it with {@code grad.detach_()} or
 * {@code grad = None}; DJL 0.36 offers neither, and the cycle keeps saved activations alive even after a second
 * backward has released its graph: measured 5 to 7 MB per Hessian-vector product of {@code wdr-cpu} at width 0.5,
 * 64 px, batch 16, without bound. {@link #forgetHistory} calls libtorch's in-place detach, the exported C++ function
 * {@code at::_ops::detach_::call(at::Tensor&)} of {@code libtorch_cpu}, through JNA on the {@code torch::Tensor*}
 * behind DJL's handle; with it the memory of 240 products stayed flat. The symbol name is Itanium-mangled (Linux,
 * macOS); where it is not found, the first product fails with a message naming it.
 */
final class SecondOrderAutograd {

    /** {@code at::Tensor& at::_ops::detach_::call(at::Tensor& self)}, mangled. */
    private static final String DETACH_IN_PLACE = "_ZN2at4_ops7detach_4callERNS_6TensorE";

    private static Function detachInPlace;

    private SecondOrderAutograd() {}

    /**
     * Back-propagates {@code d target / d target = 1} into every leaf that requires a gradient, adding to their
     * gradients.
     *
     * @param target a scalar, owned by the current scope like the seed this creates
     * @param recordGraph whether the computed gradients carry a graph (and the forward graph is kept for the backward
     *     through it); without, the graph is released as the pass goes
     */
    static void backward(NDArray target, boolean recordGraph) {
        JniUtils.backward(torchArray(target), torchArray(target.onesLike()), recordGraph, recordGraph);
    }

    /**
     * Detaches a gradient from its history in place, breaking the reference cycle that a backward with a recorded
     * graph leaves between a leaf and its gradient; the values stay.
     *
     * @param gradient a leaf's gradient (not a view)
     * @throws IllegalStateException when the gradient still has a history afterwards: the cycle, and the memory of the
     *     graph, would stay
     */
    static void forgetHistory(NDArray gradient) {
        PtNDArray tensor = torchArray(gradient);
        detachInPlace().invokeVoid(new Object[] {new Pointer(tensor.getHandle())});
        try {
            // libtorch refuses to change the flag of a tensor that still has a history (is not a leaf)
            tensor.setRequiresGradient(false);
        } catch (EngineException e) {
            throw new IllegalStateException("libtorch's in-place detach left a gradient with a history; the graph of "
                    + "every Hessian-vector product would stay in memory", e);
        }
    }

    private static PtNDArray torchArray(NDArray array) {
        if (!(array instanceof PtNDArray tensor)) {
            throw new IllegalStateException("Hessian-vector products need DJL's PyTorch engine; found an array of "
                    + array.getManager().getEngine().getEngineName());
        }
        return tensor;
    }

    private static synchronized Function detachInPlace() {
        if (detachInPlace == null) {
            Engine.getEngine("PyTorch"); // loads libtorch, whose folder LibUtils then knows
            Path library = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
            try {
                detachInPlace = NativeLibrary.getInstance(library.toString()).getFunction(DETACH_IN_PLACE);
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("Hessian-vector products need libtorch's in-place detach ("
                        + DETACH_IN_PLACE + ") from " + library + ", which is not there (" + e.getMessage()
                        + "); the Linux and macOS builds of libtorch have it", e);
            }
        }
        return detachInPlace;
    }
}
