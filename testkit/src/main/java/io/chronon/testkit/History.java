package io.chronon.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A thread-safe recorder of what clients asked a cluster and what they were told, for linearizability
 * and invariant checkers.
 *
 * <p>Each operation is invoked by a <em>process</em> (a client; one operation at a time per process) and
 * completes once, as one of:
 * <ul>
 *   <li>{@link Ok}: it happened, with this output;</li>
 *   <li>{@link Fail}: it definitely did not happen (the system said so in a way that guarantees no
 *       effect);</li>
 *   <li>{@link Unknown}: it may or may not have happened, at any time after its invocation (a timeout, a
 *       lost connection). The process may invoke its next operation.</li>
 * </ul>
 * An operation not yet completed when the history is read is pending, which a checker must treat like
 * unknown.
 *
 * <p>Times are {@link System#nanoTime()} minus the history's origin, stamped inside the recorder's lock,
 * so the event list is in time order and no two events of one process share an order. Stamp as close to
 * the wire as possible: {@link #invoke} before sending, the completion after the answer arrived.
 *
 * <p>The file format is JSON lines, one event per line, keys in this order:
 * <pre>{"type":"invoke","op":0,"process":1,"operation":"put","input":"k=1","nanos":1200}
 *{"type":"ok","op":0,"process":1,"operation":"put","output":null,"nanos":5300}
 *{"type":"fail","op":1,"process":2,"operation":"cas","error":"rejected","nanos":7100}
 *{"type":"unknown","op":2,"process":3,"operation":"get","error":"timeout","nanos":9900}</pre>
 * Inputs, outputs and errors are strings or {@code null}; any Java string survives the round trip (lone
 * surrogates are written as {@code \}{@code uXXXX} escapes).
 */
public final class History {

    /** One line of a history. */
    public sealed interface Event permits Invoke, Completion {
        /** The operation's id, unique in its history, in order of invocation from 0. */
        long op();

        int process();

        /** The operation's name, such as {@code put}. */
        String operation();

        /** When, in nanoseconds since the history's origin. */
        long nanos();
    }

    /** How an operation ended. */
    public sealed interface Completion extends Event permits Ok, Fail, Unknown {}

    public record Invoke(long op, int process, String operation, String input, long nanos) implements Event {
        public Invoke {
            check(op, operation, nanos);
        }
    }

    public record Ok(long op, int process, String operation, String output, long nanos) implements Completion {
        public Ok {
            check(op, operation, nanos);
        }
    }

    public record Fail(long op, int process, String operation, String error, long nanos) implements Completion {
        public Fail {
            check(op, operation, nanos);
        }
    }

    public record Unknown(long op, int process, String operation, String error, long nanos) implements Completion {
        public Unknown {
            check(op, operation, nanos);
        }
    }

    /**
     * An invocation with its completion.
     *
     * @param completion {@code null} while pending
     */
    public record Operation(Invoke invoke, Completion completion) {
        public Operation {
            Objects.requireNonNull(invoke, "invoke");
            if (completion != null && (completion.op() != invoke.op() || completion.process() != invoke.process()
                    || !completion.operation().equals(invoke.operation()) || completion.nanos() < invoke.nanos())) {
                throw new IllegalArgumentException(completion + " does not complete " + invoke);
            }
        }

        public boolean pending() {
            return completion == null;
        }

        /** Whether it surely happened ({@link Ok}) or surely did not ({@link Fail}). */
        public boolean outcomeKnown() {
            return completion instanceof Ok || completion instanceof Fail;
        }
    }

    private static void check(long op, String operation, long nanos) {
        Objects.requireNonNull(operation, "operation");
        if (op < 0) {
            throw new IllegalArgumentException("op " + op);
        }
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos " + nanos);
        }
    }

    private final long origin = System.nanoTime();
    private final List<Event> events = new ArrayList<>(); // guarded by this
    private final Map<Integer, Long> pendingByProcess = new HashMap<>(); // guarded by this
    private long nextOp; // guarded by this

    /** A new, empty history whose origin is now. */
    public History() {}

    /**
     * Records that {@code process} invokes an operation.
     *
     * @throws IllegalStateException if the process has an operation still pending
     */
    public synchronized Pending invoke(int process, String operation, String input) {
        Long pending = pendingByProcess.get(process);
        if (pending != null) {
            throw new IllegalStateException("process " + process + " invokes " + operation
                    + " while its operation " + pending + " is pending");
        }
        Invoke invoke = new Invoke(nextOp++, process, operation, input, now());
        events.add(invoke);
        pendingByProcess.put(process, invoke.op());
        return new Pending(invoke);
    }

    /** The handle of an invoked operation, to complete it exactly once. */
    public final class Pending {
        private final Invoke invoke;

        private Pending(Invoke invoke) {
            this.invoke = invoke;
        }

        public Invoke invoke() {
            return invoke;
        }

        public long op() {
            return invoke.op();
        }

        /** It happened, and answered {@code output}. */
        public Ok ok(String output) {
            return complete(invoke, t -> new Ok(invoke.op(), invoke.process(), invoke.operation(), output, t));
        }

        /** It definitely did not happen. */
        public Fail fail(String error) {
            return complete(invoke, t -> new Fail(invoke.op(), invoke.process(), invoke.operation(), error, t));
        }

        /** It may or may not have happened. */
        public Unknown unknown(String error) {
            return complete(invoke, t -> new Unknown(invoke.op(), invoke.process(), invoke.operation(), error, t));
        }

        @Override
        public String toString() {
            return "Pending[" + invoke + "]";
        }
    }

    private synchronized <C extends Completion> C complete(Invoke invoke, LongFunction<C> completion) {
        Long pending = pendingByProcess.get(invoke.process());
        if (pending == null || pending != invoke.op()) {
            throw new IllegalStateException("operation " + invoke.op() + " of process " + invoke.process()
                    + " is already completed");
        }
        C event = completion.apply(now());
        events.add(event);
        pendingByProcess.remove(invoke.process());
        return event;
    }

    private long now() {
        return System.nanoTime() - origin;
    }

    /** Every event so far, in the order (and time order) they were recorded. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Every operation so far, in order of invocation, with its completion if any. */
    public List<Operation> operations() {
        return operations(events());
    }

    /**
     * Pairs invocations with their completions.
     *
     * @throws IllegalArgumentException if a completion has no earlier invocation, or an operation
     *                                  completes twice, or an op id is invoked twice
     */
    public static List<Operation> operations(List<? extends Event> events) {
        Map<Long, Invoke> invokes = new LinkedHashMap<>();
        Map<Long, Completion> completions = new HashMap<>();
        for (Event event : events) {
            switch (event) {
                case Invoke invoke -> {
                    if (invokes.putIfAbsent(invoke.op(), invoke) != null) {
                        throw new IllegalArgumentException("operation " + invoke.op() + " invoked twice");
                    }
                }
                case Completion completion -> {
                    if (!invokes.containsKey(completion.op())) {
                        throw new IllegalArgumentException(completion + " completes no earlier invocation");
                    }
                    if (completions.putIfAbsent(completion.op(), completion) != null) {
                        throw new IllegalArgumentException("operation " + completion.op() + " completed twice");
                    }
                }
            }
        }
        List<Operation> operations = new ArrayList<>();
        invokes.forEach((op, invoke) -> operations.add(new Operation(invoke, completions.get(op))));
        return List.copyOf(operations);
    }

    /** Writes every event so far to {@code file} as JSON lines, replacing it. */
    public void write(Path file) {
        write(file, events());
    }

    /** Writes events to {@code file} as JSON lines, replacing it. */
    public static void write(Path file, List<? extends Event> events) {
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            text.append(toJson(event)).append('\n');
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    /**
     * Reads events written by {@link #write}; blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the line, for a line that is not an event
     */
    public static List<Event> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(events);
    }

    /** One event as a JSON object on one line. */
    public static String toJson(Event event) {
        StringBuilder json = new StringBuilder(96);
        String type;
        String valueKey;
        String value;
        switch (event) {
            case Invoke e -> { type = "invoke"; valueKey = "input"; value = e.input(); }
            case Ok e -> { type = "ok"; valueKey = "output"; value = e.output(); }
            case Fail e -> { type = "fail"; valueKey = "error"; value = e.error(); }
            case Unknown e -> { type = "unknown"; valueKey = "error"; value = e.error(); }
        }
        json.append("{\"type\":\"").append(type)
                .append("\",\"op\":").append(event.op())
                .append(",\"process\":").append(event.process())
                .append(",\"operation\":");
        appendString(json, event.operation());
        json.append(",\"").append(valueKey).append("\":");
        appendString(json, value);
        json.append(",\"nanos\":").append(event.nanos()).append('}');
        return json.toString();
    }

    /**
     * Parses one line written by {@link #toJson}. Keys may come in any order; unknown keys are ignored.
     *
     * @throws IllegalArgumentException if it is not such a line
     */
    public static Event parse(String line) {
        Map<String, Object> fields = new JsonObjectParser(line).parse();
        String type = string(fields, "type", false);
        long op = number(fields, "op");
        long processNumber = number(fields, "process");
        if (processNumber != (int) processNumber) {
            throw new IllegalArgumentException("process " + processNumber + " out of range");
        }
        int process = (int) processNumber;
        String operation = string(fields, "operation", false);
        long nanos = number(fields, "nanos");
        return switch (type) {
            case "invoke" -> new Invoke(op, process, operation, string(fields, "input", true), nanos);
            case "ok" -> new Ok(op, process, operation, string(fields, "output", true), nanos);
            case "fail" -> new Fail(op, process, operation, string(fields, "error", true), nanos);
            case "unknown" -> new Unknown(op, process, operation, string(fields, "error", true), nanos);
            default -> throw new IllegalArgumentException("unknown event type " + type);
        };
    }

    private static String string(Map<String, Object> fields, String key, boolean nullable) {
        if (!fields.containsKey(key)) {
            throw new IllegalArgumentException("no \"" + key + "\"");
        }
        Object value = fields.get(key);
        if (value == null && nullable) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("\"" + key + "\" is not a string: " + value);
        }
        return s;
    }

    private static long number(Map<String, Object> fields, String key) {
        if (!(fields.get(key) instanceof Long n)) {
            throw new IllegalArgumentException("\"" + key + "\" is not an integer: " + fields.get(key));
        }
        return n;
    }

    static void appendString(StringBuilder json, String s) {
        if (s == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        unicodeEscape(json, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        json.append(c).append(s.charAt(++i)); // a valid pair: UTF-8 encodes it
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(json, c); // alone, UTF-8 could not carry it
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static void unicodeEscape(StringBuilder json, char c) {
        json.append("\\u");
        String hex = Integer.toHexString(c);
        json.append("0".repeat(4 - hex.length())).append(hex);
    }

    /** A parser for one flat JSON object whose values are strings, integers or null. */
    private static final class JsonObjectParser {
        private final String text;
        private int pos;

        JsonObjectParser(String text) {
            this.text = text;
        }

        Map<String, Object> parse() {
            Map<String, Object> fields = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipSpace();
                    String key = parseString();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    Object value = parseValue();
                    if (fields.containsKey(key)) {
                        throw error("duplicate key \"" + key + "\"");
                    }
                    fields.put(key, value);
                    skipSpace();
                    char c = next();
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            skipSpace();
            if (pos != text.length()) {
                throw error("text after the object");
            }
            return fields;
        }

        private Object parseValue() {
            char c = peek();
            if (c == '"') {
                return parseString();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                int start = pos;
                if (c == '-') {
                    pos++;
                }
                int digits = pos;
                while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos == digits) {
                    throw error("a number without digits");
                }
                if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e'
                        || text.charAt(pos) == 'E')) {
                    throw error("only integers are expected");
                }
                try {
                    return Long.parseLong(text, start, pos, 10);
                } catch (NumberFormatException e) {
                    throw error("integer out of range");
                }
            }
            if (text.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            if (text.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("unexpected value");
        }

        private String parseString() {
            expect('"');
            StringBuilder s = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return s.toString();
                }
                if (c < 0x20) {
                    throw error("unescaped control character");
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"' -> s.append('"');
                    case '\\' -> s.append('\\');
                    case '/' -> s.append('/');
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(pos++), 16);
                            if (digit < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        s.append((char) code);
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private void skipSpace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                    || text.charAt(pos) == '\r' || text.charAt(pos) == '\n')) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                pos--;
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at column " + (pos + 1) + " of: " + text);
        }
    }
}
