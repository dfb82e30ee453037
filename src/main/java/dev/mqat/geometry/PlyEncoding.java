package dev.mqat.geometry;

/**
 * Body encoding of a PLY file written by {@link PlyFormat#write}.
 *
 * <p>{@link PlyFormat#read} also accepts {@code binary_big_endian}; mqat never writes it.
 */
public enum PlyEncoding {
    /**
     * Human-readable text, one element entry per line; what BOP ships its models in.
     *
     * @see PlyFormat#write
     */
    ASCII,
    /**
     * Packed little-endian binary: about a third of the size of ASCII and much faster to read.
     *
     * @see PlyFormat#write
     */
    BINARY_LITTLE_ENDIAN
}
