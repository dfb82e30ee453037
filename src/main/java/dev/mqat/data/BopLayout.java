package dev.mqat.data;

import java.util.List;
import java.util.Locale;

/** File and folder names of the BOP layout and the SwissCube list files. */
final class BopLayout {
    static final String MODELS = "models";
    static final String MODELS_INFO = "models_info.json";
    static final String SCENE_CAMERA = "scene_camera.json";
    static final String SCENE_GT = "scene_gt.json";
    static final String SCENE_GT_INFO = "scene_gt_info.json";
    static final String RGB = "rgb";
    static final String MASK_VISIB = "mask_visib";

    /** mqat split names in list order, and their SwissCube list files. */
    static final List<String> LIST_SPLITS = List.of("train", "val", "test");
    static final List<String> LIST_FILES = List.of("training.txt", "validation.txt", "testing.txt");

    private BopLayout() {}

    static String sixDigits(int id) {
        return String.format(Locale.ROOT, "%06d", id);
    }

    static String sceneFolderName(String split, int sceneId) {
        return split + "/" + sixDigits(sceneId);
    }

    static String modelFileName(int objId) {
        return "obj_" + sixDigits(objId) + ".ply";
    }

    static String maskFileName(int imageId, int gtIndex) {
        return sixDigits(imageId) + "_" + sixDigits(gtIndex) + ".png";
    }

    /** The list file of a mqat split, or null when the split has none. */
    static String listFileOf(String split) {
        int i = LIST_SPLITS.indexOf(split);
        return i < 0 ? null : LIST_FILES.get(i);
    }

    /** Checks that a split name can be a folder name. */
    static String checkSplitName(String split) {
        if (split.isEmpty() || !split.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
            throw new IllegalArgumentException("split name \"" + split
                    + "\" must be letters, digits, '_' or '-' (mqat uses train, val, test)");
        }
        return split;
    }
}
