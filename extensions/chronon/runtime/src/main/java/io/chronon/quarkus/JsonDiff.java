package io.chronon.quarkus;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/** A structural diff of two JSON values, as changes at RFC 6901 paths. */
public final class JsonDiff {
    private JsonDiff() {
    }

    /** One change: {@code op} is {@code add}, {@code remove} or {@code replace}; absent values are null. */
    public record Change(String path, String op, JsonNode oldValue, JsonNode newValue) {
        @Override
        public String toString() {
            return (path.isEmpty() ? "/" : path) + ": " + switch (op) {
                case "add" -> "added " + newValue;
                case "remove" -> "removed (was " + oldValue + ")";
                default -> oldValue + " -> " + newValue;
            };
        }
    }

    public static List<Change> diff(JsonNode from, JsonNode to) {
        List<Change> changes = new ArrayList<>();
        diff("", from, to, changes);
        return changes;
    }

    private static void diff(String path, JsonNode from, JsonNode to, List<Change> changes) {
        if (from.equals(to)) {
            return;
        }
        if (from.isObject() && to.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            from.fieldNames().forEachRemaining(names::add);
            to.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = path + "/" + escape(name);
                if (!to.has(name)) {
                    changes.add(new Change(child, "remove", from.get(name), null));
                } else if (!from.has(name)) {
                    changes.add(new Change(child, "add", null, to.get(name)));
                } else {
                    diff(child, from.get(name), to.get(name), changes);
                }
            }
            return;
        }
        if (from.isArray() && to.isArray()) {
            Iterator<JsonNode> left = from.elements();
            Iterator<JsonNode> right = to.elements();
            int i = 0;
            for (; left.hasNext() && right.hasNext(); i++) {
                diff(path + "/" + i, left.next(), right.next(), changes);
            }
            for (int removed = i; left.hasNext(); removed++) {
                changes.add(new Change(path + "/" + removed, "remove", left.next(), null));
            }
            for (; right.hasNext(); i++) {
                changes.add(new Change(path + "/" + i, "add", null, right.next()));
            }
            return;
        }
        changes.add(new Change(path, "replace", from, to));
    }

    /** RFC 6901: {@code ~} becomes {@code ~0}, {@code /} becomes {@code ~1}. */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
