package io.chronon.quarkus;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code ChrApplication} beans found at build time, by name. A bean's name is its {@code @Named}
 * value, or else its simple class name without an {@code Application} suffix, starting lower-case
 * ({@code BankApplication} is {@code bank}).
 */
public final class ApplicationCandidates {
    private final TreeMap<String, String> classesByName;

    public ApplicationCandidates(Map<String, String> classesByName) {
        if (classesByName.isEmpty()) {
            throw new IllegalArgumentException("no ChrApplication candidates");
        }
        this.classesByName = new TreeMap<>(classesByName);
    }

    /** The bean name used when a class carries no {@code @Named}. */
    public static String defaultName(String simpleClassName) {
        String name = simpleClassName.endsWith("Application") && simpleClassName.length() > "Application".length()
                ? simpleClassName.substring(0, simpleClassName.length() - "Application".length())
                : simpleClassName;
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    public Map<String, String> classesByName() {
        return classesByName;
    }

    /**
     * The class of the application to run: the only candidate, or the one {@code chronon.application}
     * names.
     *
     * @throws IllegalStateException naming the candidates when the choice is missing or unknown
     */
    public String select(Optional<String> configured) {
        if (configured.isPresent()) {
            String className = classesByName.get(configured.get());
            if (className == null) {
                throw new IllegalStateException("chronon.application=" + configured.get()
                        + " names no ChrApplication bean; the candidates are " + describe());
            }
            return className;
        }
        if (classesByName.size() > 1) {
            throw new IllegalStateException("several ChrApplication beans were found: " + describe()
                    + "; choose one with chronon.application=<name>");
        }
        return classesByName.firstEntry().getValue();
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        classesByName.forEach((name, className) -> text.append(text.isEmpty() ? "" : ", ")
                .append(name).append(" (").append(className).append(')'));
        return text.toString();
    }
}
