package dev.mqat.export;

import com.google.protobuf.ByteString;
import dev.mqat.export.onnx.OnnxProto.AttributeProto;
import dev.mqat.export.onnx.OnnxProto.GraphProto;
import dev.mqat.export.onnx.OnnxProto.NodeProto;
import dev.mqat.export.onnx.OnnxProto.TensorProto;
import dev.mqat.export.onnx.OnnxProto.TensorShapeProto;
import dev.mqat.export.onnx.OnnxProto.TypeProto;
import dev.mqat.export.onnx.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds one ONNX graph: initializers, nodes in topological order (the order they are added), inputs and outputs,
 * with unique value names. Tensor data goes into {@code raw_data}, little-endian as the ONNX spec requires; INT4
 * tensors are packed two values per byte, the first in the low nibble.
 */
final class OnnxGraph {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    OnnxGraph(String name) {
        graph.setName(name);
    }

    GraphProto build() {
        return graph.build();
    }

    /** {@code base} if unused, else {@code base_2}, {@code base_3}, ...; marks the result used. */
    String fresh(String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** A float32 initializer; {@code dims} empty for a scalar. */
    String floatTensor(String name, float[] values, long... dims) {
        checkCount(name, values.length, dims);
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT, b.array(), dims);
    }

    /** An int64 initializer (shapes, axes). */
    String int64Tensor(String name, long[] values, long... dims) {
        checkCount(name, values.length, dims);
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return tensor(name, TensorProto.DataType.INT64, b.array(), dims);
    }

    /** An INT8 initializer of codes in [-128, 127]. */
    String int8Tensor(String name, int[] codes, long... dims) {
        checkCount(name, codes.length, dims);
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < -128 || codes[i] > 127) {
                throw new IllegalArgumentException("tensor " + name + ": value " + codes[i] + " at " + i + " is outside int8");
            }
            b[i] = (byte) codes[i];
        }
        return tensor(name, TensorProto.DataType.INT8, b, dims);
    }

    /** An INT4 initializer of codes in [-8, 7], packed two per byte (element 2i in the low nibble of byte i). */
    String int4Tensor(String name, int[] codes, long... dims) {
        checkCount(name, codes.length, dims);
        byte[] b = new byte[(codes.length + 1) / 2];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < -8 || codes[i] > 7) {
                throw new IllegalArgumentException("tensor " + name + ": value " + codes[i] + " at " + i + " is outside int4");
            }
            int nibble = codes[i] & 0x0f;
            b[i / 2] |= (byte) (i % 2 == 0 ? nibble : nibble << 4);
        }
        return tensor(name, TensorProto.DataType.INT4, b, dims);
    }

    private String tensor(String name, TensorProto.DataType type, byte[] raw, long[] dims) {
        String unique = fresh(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(unique).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return unique;
    }

    private static void checkCount(String name, int count, long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("tensor " + name + ": " + count + " values for shape " + Arrays.toString(dims));
        }
    }

    /**
     * Adds a node with one output and returns the output's name.
     *
     * @param inputs value names; an empty string is an omitted optional input
     */
    String node(String opType, String name, List<String> inputs, AttributeProto... attributes) {
        String out = fresh(name);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(out).addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    /** Declares a graph input of float32 elements; a null dimension is symbolic ({@code dimParam}). */
    void floatInput(String name, String dimParam, long... dims) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("graph input " + name + " is already a value name");
        }
        graph.addInput(valueInfo(name, dimParam, dims));
    }

    /** Declares {@code value} as a float32 graph output of that name (an Identity node renames it when needed). */
    void floatOutput(String value, String name, String dimParam, long... dims) {
        String out = value;
        if (!value.equals(name)) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("graph output " + name + " is already a value name");
            }
            graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name));
            out = name;
        }
        graph.addOutput(valueInfo(out, dimParam, dims));
    }

    /** A float32 tensor type whose first dimension is {@code dimParam} (symbolic) when not null. */
    private static ValueInfoProto valueInfo(String name, String dimParam, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (i == 0 && dimParam != null) {
                d.setDimParam(dimParam);
            } else {
                d.setDimValue(dims[i]);
            }
            shape.addDim(d);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
