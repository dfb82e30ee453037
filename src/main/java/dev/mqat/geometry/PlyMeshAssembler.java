package dev.mqat.geometry;

import dev.mqat.MqatFormatException;
import dev.mqat.geometry.PlyHeader.Element;
import dev.mqat.geometry.PlyHeader.Property;
import dev.mqat.geometry.PlyHeader.Type;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Walks the elements of a PLY body and collects vertices, normals, colours and triangles into a {@link Mesh}.
 *
 * <p>The header's requirements (a vertex element with scalar {@code x, y, z}, a face element with an integer
 * {@code vertex_indices} or {@code vertex_index} list) are checked before any body value is read, so a wrong
 * header is reported as such and not as a short body. Polygons become fans of triangles around their first corner;
 * other elements and properties are skipped by their declared types.
 */
final class PlyMeshAssembler {
    private final Path file;
    private final PlyHeader header;
    private float[] vertices;
    private float[] normals;
    private float[] colors;
    private int[] triangles = new int[0];
    private int triangleValues;

    PlyMeshAssembler(Path file, PlyHeader header) {
        this.file = file;
        this.header = header;
    }

    /** Reads every element of {@code body} in header order and returns the mesh. */
    Mesh assemble(PlyBody body) {
        Element vertexElement = null;
        for (Element e : header.elements) {
            if (e.name().equals("vertex")) {
                if (vertexElement != null) {
                    throw MqatFormatException.at(file, "line " + e.headerLine() + ": second vertex element");
                }
                vertexElement = e;
            }
        }
        if (vertexElement == null) {
            throw MqatFormatException.at(file, "header declares no vertex element");
        }
        // header-level checks first, so that a wrong header is reported as such and not as a short body
        required(vertexElement, "x");
        required(vertexElement, "y");
        required(vertexElement, "z");
        for (Element e : header.elements) {
            if (e.name().equals("face")) {
                faceListIndex(e);
                break;
            }
        }
        boolean facesSeen = false;
        for (Element e : header.elements) {
            body.checkFits(e);
            if (e == vertexElement) {
                readVertices(body, e);
            } else if (e.name().equals("face") && !facesSeen) {
                facesSeen = true;
                readFaces(body, e, vertexElement.count());
            } else {
                skip(body, e);
            }
        }
        return new Mesh(vertices, Arrays.copyOf(triangles, triangleValues), normals, colors);
    }

    private int required(Element e, String name) {
        int i = e.indexOf(name);
        if (i < 0) {
            throw MqatFormatException.at(file, "line " + e.headerLine() + ": vertex element has no '" + name
                    + "' property");
        }
        if (e.properties().get(i).isList()) {
            throw MqatFormatException.at(file, "line " + e.headerLine() + ": vertex property '" + name
                    + "' is a list, expected a scalar");
        }
        return i;
    }

    /** Indexes of three scalar properties, or null unless all three exist. */
    private int[] optionalTriple(Element e, String a, String b, String c) {
        int ia = e.indexOf(a);
        int ib = e.indexOf(b);
        int ic = e.indexOf(c);
        if (ia < 0 || ib < 0 || ic < 0) {
            return null;
        }
        return new int[] {required(e, a), required(e, b), required(e, c)};
    }

    private void readVertices(PlyBody body, Element e) {
        int n = (int) e.count();
        int[] xyz = {required(e, "x"), required(e, "y"), required(e, "z")};
        int[] nxyz = optionalTriple(e, "nx", "ny", "nz");
        int[] rgb = optionalTriple(e, "red", "green", "blue");
        float[] colorScale = null;
        if (rgb != null) {
            colorScale = new float[3];
            for (int k = 0; k < 3; k++) {
                colorScale[k] = colorScale(e.properties().get(rgb[k]).type());
            }
        }
        vertices = new float[3 * n];
        normals = nxyz == null ? null : new float[3 * n];
        colors = rgb == null ? null : new float[3 * n];
        List<Property> props = e.properties();
        double[] row = new double[props.size()];
        for (int i = 0; i < n; i++) {
            body.beginEntry(e, i);
            for (int p = 0; p < row.length; p++) {
                Property prop = props.get(p);
                if (prop.isList()) {
                    skipList(body, e, i, prop);
                } else {
                    row[p] = body.next(prop.type(), e, i, prop);
                }
            }
            body.endEntry(e, i);
            for (int k = 0; k < 3; k++) {
                vertices[3 * i + k] = (float) row[xyz[k]];
                if (nxyz != null) {
                    normals[3 * i + k] = (float) row[nxyz[k]];
                }
                if (rgb != null) {
                    colors[3 * i + k] = (float) row[rgb[k]] / colorScale[k];
                }
            }
        }
    }

    /** Divisor taking a stored colour value to 0..1. */
    private static float colorScale(Type t) {
        return switch (t) {
            case CHAR, UCHAR -> 255f;
            case SHORT, USHORT -> 65535f;
            case INT, UINT -> 255f;
            case FLOAT, DOUBLE -> 1f;
        };
    }

    private int faceListIndex(Element e) {
        int listIndex = e.indexOf("vertex_indices");
        if (listIndex < 0) {
            listIndex = e.indexOf("vertex_index");
        }
        if (listIndex < 0) {
            throw MqatFormatException.at(file, "line " + e.headerLine()
                    + ": face element has no 'vertex_indices' or 'vertex_index' list");
        }
        Property list = e.properties().get(listIndex);
        if (!list.isList() || !list.type().integral) {
            throw MqatFormatException.at(file, "line " + e.headerLine() + ": face property '" + list.name()
                    + "' must be a list of integers");
        }
        return listIndex;
    }

    private void readFaces(PlyBody body, Element e, long vertexCount) {
        int listIndex = faceListIndex(e);
        triangles = new int[(int) Math.min(3L * e.count(), Integer.MAX_VALUE - 8)];
        List<Property> props = e.properties();
        int[] corners = new int[16];
        for (long f = 0; f < e.count(); f++) {
            body.beginEntry(e, f);
            for (int p = 0; p < props.size(); p++) {
                Property prop = props.get(p);
                if (p != listIndex) {
                    if (prop.isList()) {
                        skipList(body, e, f, prop);
                    } else {
                        body.next(prop.type(), e, f, prop);
                    }
                    continue;
                }
                int count = listCount(body, e, f, prop);
                if (count < 3) {
                    throw MqatFormatException.at(file, body.location() + "face " + f + " has " + count
                            + " corners, expected at least 3");
                }
                if (count > corners.length) {
                    corners = new int[count];
                }
                for (int k = 0; k < count; k++) {
                    double idx = body.next(prop.type(), e, f, prop);
                    if (idx < 0 || idx >= vertexCount) {
                        throw MqatFormatException.at(file, body.location() + "face " + f + " refers to vertex " + (long) idx
                                + ", expected 0.." + (vertexCount - 1));
                    }
                    corners[k] = (int) idx;
                }
                for (int k = 1; k + 1 < count; k++) {
                    addTriangle(corners[0], corners[k], corners[k + 1]);
                }
            }
            body.endEntry(e, f);
        }
    }

    private void addTriangle(int a, int b, int c) {
        if (triangleValues + 3 > triangles.length) {
            triangles = Arrays.copyOf(triangles, Math.max(16, triangles.length * 2));
        }
        triangles[triangleValues++] = a;
        triangles[triangleValues++] = b;
        triangles[triangleValues++] = c;
    }

    private int listCount(PlyBody body, Element e, long index, Property prop) {
        double count = body.next(prop.countType(), e, index, prop);
        if (count < 0 || count > 1_000_000) {
            throw MqatFormatException.at(file, body.location() + e.name() + " " + index + ": list '" + prop.name() + "' has count "
                    + (long) count + ", expected 0..1000000");
        }
        return (int) count;
    }

    private void skipList(PlyBody body, Element e, long index, Property prop) {
        int count = listCount(body, e, index, prop);
        for (int k = 0; k < count; k++) {
            body.next(prop.type(), e, index, prop);
        }
    }

    private void skip(PlyBody body, Element e) {
        for (long i = 0; i < e.count(); i++) {
            body.beginEntry(e, i);
            for (Property prop : e.properties()) {
                if (prop.isList()) {
                    skipList(body, e, i, prop);
                } else {
                    body.next(prop.type(), e, i, prop);
                }
            }
            body.endEntry(e, i);
        }
    }
}
