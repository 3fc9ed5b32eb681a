package io.chronon.bench.cluster;

import java.util.Locale;

/** A JSON object written field by field, in order: enough for one result line, no library needed. */
final class Json {
    private final StringBuilder text = new StringBuilder("{");

    Json field(String name, String value) {
        return raw(name, value == null ? "null" : quote(value));
    }

    Json field(String name, double value) {
        return raw(name, Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value).replaceAll("\\.?0+$", "")
                : "null");
    }

    Json field(String name, long value) {
        return raw(name, Long.toString(value));
    }

    Json field(String name, boolean value) {
        return raw(name, Boolean.toString(value));
    }

    Json field(String name, Json value) {
        return raw(name, value.toString());
    }

    private Json raw(String name, String value) {
        if (text.length() > 1) {
            text.append(',');
        }
        text.append(quote(name)).append(':').append(value);
        return this;
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    @Override
    public String toString() {
        return text + "}";
    }
}
