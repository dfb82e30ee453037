package dev.mqat.eval;

/**
 * What a BOP19 result row refers to: one object in one image of one scene.
 *
 * @param sceneId BOP scene id ({@code scene_id})
 * @param imageId image id within the scene ({@code im_id})
 * @param objectId object id ({@code obj_id}, as in {@code models/obj_XXXXXX.ply})
 */
public record PoseKey(int sceneId, int imageId, int objectId) implements Comparable<PoseKey> {

    @Override
    public int compareTo(PoseKey o) {
        int c = Integer.compare(sceneId, o.sceneId);
        if (c == 0) {
            c = Integer.compare(imageId, o.imageId);
        }
        return c != 0 ? c : Integer.compare(objectId, o.objectId);
    }

    @Override
    public String toString() {
        return "scene " + sceneId + " image " + imageId + " object " + objectId;
    }
}
