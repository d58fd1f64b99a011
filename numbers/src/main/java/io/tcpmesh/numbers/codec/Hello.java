package io.tcpmesh.numbers.codec;

import io.tcpmesh.numbers.sequence.StatelessSequence;

/**
 * The one line a client sends: {@code HELLO 1 stateful CLIENT-ID COUNT NEXT} or
 * {@code HELLO 1 stateless CLIENT-ID COUNT NEXT [START]}.
 *
 * @param start the stateless start {@code a}, 0 when the server is to pick it (only with NEXT 0)
 */
public record Hello(Variant variant, String clientId, int count, int next, int start) {

    public Hello {
        if (!Protocol.validClientId(clientId)) {
            throw new IllegalArgumentException("client id must be 1 to 64 letters, digits, '.', '_' or '-', not '" + clientId + "'");
        }
        if (count < 1 || count > Protocol.MAX_COUNT) {
            throw new IllegalArgumentException("count must be in 1.." + Protocol.MAX_COUNT + ", not " + count);
        }
        if (next < 0 || next > count) {
            throw new IllegalArgumentException("next must be in 0..count (" + count + "), not " + next);
        }
        if (start != 0 && (start < StatelessSequence.MIN_START || start > StatelessSequence.MAX_START)) {
            throw new IllegalArgumentException("start must be in 1..255, not " + start);
        }
        if (variant == Variant.STATELESS && next > 0 && start == 0) {
            throw new IllegalArgumentException("a stateless resume (next > 0) must give its start");
        }
        if (variant == Variant.STATEFUL && start != 0) {
            throw new IllegalArgumentException("a stateful hello has no start");
        }
    }

    public static Hello stateful(String clientId, int count, int next) {
        return new Hello(Variant.STATEFUL, clientId, count, next, 0);
    }

    public static Hello stateless(String clientId, int count, int next, int start) {
        return new Hello(Variant.STATELESS, clientId, count, next, start);
    }

    /** Parses a hello line (without its line feed). */
    public static Hello parse(String line) throws ProtocolException {
        String[] w = line.trim().split(" +");
        if (w.length < 1 || !w[0].equals("HELLO")) {
            throw new ProtocolException(ErrorCode.MALFORMED, "expected HELLO VERSION VARIANT CLIENT-ID COUNT NEXT [START]");
        }
        if (w.length < 2 || !w[1].equals(Integer.toString(Protocol.VERSION))) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED, "this server speaks version " + Protocol.VERSION);
        }
        Variant variant = switch (w.length > 2 ? w[2] : "") {
            case "stateful" -> Variant.STATEFUL;
            case "stateless" -> Variant.STATELESS;
            default -> throw new ProtocolException(ErrorCode.MALFORMED, "variant must be stateful or stateless");
        };
        int max = variant == Variant.STATELESS ? 7 : 6;
        if (w.length < 6 || w.length > max) {
            throw new ProtocolException(ErrorCode.MALFORMED, "expected HELLO " + Protocol.VERSION + " " + variant.wire()
                    + " CLIENT-ID COUNT NEXT" + (variant == Variant.STATELESS ? " [START]" : ""));
        }
        try {
            return new Hello(variant, w[3], number(w[4], "count"), number(w[5], "next"), w.length == 7 ? number(w[6], "start") : 0);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.MALFORMED, e.getMessage());
        }
    }

    private static int number(String word, String what) {
        if (!word.matches("\\d{1,6}")) {
            throw new IllegalArgumentException(what + " must be a decimal number, not '" + word + "'");
        }
        return Integer.parseInt(word);
    }

    /** The line to send, without its line feed. */
    public String line() {
        String base = "HELLO " + Protocol.VERSION + " " + variant.wire() + " " + clientId + " " + count + " " + next;
        return start != 0 ? base + " " + start : base;
    }
}
