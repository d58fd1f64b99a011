package io.tcpmesh.numbers.codec;

import java.util.regex.Pattern;

/**
 * The lines a numbers server sends, typed, and their one decoder ({@link #parse}) for every client:
 * {@code OK}, {@code N}, {@code END} and {@code ERR}. See docs/numbers-protocol.md.
 */
public sealed interface ServerMessage extends WireLine {
    Pattern DIGITS = Pattern.compile("0|[1-9][0-9]*");

    /** {@code OK VARIANT CLIENT-ID COUNT NEXT [START]}: the stream is accepted; start is 0 on a stateful stream. */
    record Ok(Variant variant, String clientId, int count, int next, int start) implements ServerMessage {
        public static Ok of(Hello hello, int start) {
            return new Ok(hello.variant(), hello.clientId(), hello.count(), hello.next(), hello.variant() == Variant.STATELESS ? start : 0);
        }

        @Override
        public String line() {
            String base = "OK " + variant.wire() + " " + clientId + " " + count + " " + next;
            return variant == Variant.STATELESS ? base + " " + start : base;
        }
    }

    /** {@code N INDEX VALUE}: message {@code index} of the stream, its value in decimal. */
    record Message(int index, String value) implements ServerMessage {
        @Override
        public String line() {
            return "N " + index + " " + value;
        }
    }

    /** {@code END COUNT CHECKSUM}: the stream is complete; the CRC-32 (stateful) or the sum (stateless). */
    record End(int count, String checksum) implements ServerMessage {
        @Override
        public String line() {
            return "END " + count + " " + checksum;
        }
    }

    /** {@code ERR CODE TEXT}: a refusal; {@code code} is null for a code this client does not know. */
    record Err(ErrorCode code, String word, String text) implements ServerMessage {
        public static Err of(ErrorCode code, String text) {
            return new Err(code, code.wire(), text);
        }

        public boolean retryable() {
            return code != null && code.retryable();
        }

        @Override
        public String line() {
            return "ERR " + word + " " + text;
        }
    }

    /** Decodes one server line (without its line feed); a line off the grammar is {@code malformed}. */
    static ServerMessage parse(String line) throws ProtocolException {
        String[] w = line.split(" ", -1);
        try {
            return switch (w[0]) {
                case "OK" -> ok(w);
                case "N" -> message(w);
                case "END" -> end(w);
                case "ERR" -> err(line, w);
                default -> throw new IllegalArgumentException("not an OK, N, END or ERR line");
            };
        } catch (IllegalArgumentException e) {
            String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
            throw new ProtocolException(ErrorCode.MALFORMED, e.getMessage() + ": " + shown);
        }
    }

    private static Ok ok(String[] w) {
        Variant variant = w.length > 1 ? Variant.of(w[1]) : null;
        if (variant == null || w.length != (variant == Variant.STATELESS ? 6 : 5)) {
            throw new IllegalArgumentException("malformed OK line");
        }
        return new Ok(variant, w[2], Hello.number(w[3], "count"), Hello.number(w[4], "next"),
                variant == Variant.STATELESS ? Hello.number(w[5], "start") : 0);
    }

    private static Message message(String[] w) {
        if (w.length != 3 || !DIGITS.matcher(w[2]).matches()) {
            throw new IllegalArgumentException("malformed N line");
        }
        return new Message(Hello.number(w[1], "index"), w[2]);
    }

    private static End end(String[] w) {
        if (w.length != 3 || w[2].isEmpty()) {
            throw new IllegalArgumentException("malformed END line");
        }
        return new End(Hello.number(w[1], "count"), w[2]);
    }

    private static Err err(String line, String[] w) {
        if (w.length < 2 || w[1].isEmpty()) {
            throw new IllegalArgumentException("malformed ERR line");
        }
        int text = 4 + w[1].length() + 1;
        return new Err(ErrorCode.of(w[1]), w[1], line.length() > text ? line.substring(text) : "");
    }
}
