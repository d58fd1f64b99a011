package io.tcpmesh.numbers.codec;

import io.tcpmesh.numbers.sequence.StatelessSequence;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The one line a client sends: {@code HELLO 1 stateful CLIENT-ID COUNT NEXT} or
 * {@code HELLO 1 stateless CLIENT-ID COUNT NEXT [START]}.
 *
 * @param start the stateless start {@code a}, 0 when the server is to pick it (only with NEXT 0)
 */
public record Hello(Variant variant, String clientId, int count, int next, int start) implements WireLine {
    private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]*");

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

    /**
     * Parses a hello line (without its line end), exactly by the grammar of docs/numbers-protocol.md:
     * words separated by single spaces, decimal numbers without leading zeros, START only on a
     * stateless hello. A second word that is a number other than 1 is {@code unsupported}, whatever
     * follows; anything else off the grammar is {@code malformed}.
     */
    public static Hello parse(String line) throws ProtocolException {
        String[] w = line.split(" ", -1);
        if (!w[0].equals("HELLO") || Arrays.asList(w).contains("")) {
            throw new ProtocolException(ErrorCode.MALFORMED, "expected HELLO VERSION VARIANT CLIENT-ID COUNT NEXT [START], one space apart");
        }
        if (w.length < 2 || !NUMBER.matcher(w[1]).matches()) {
            throw new ProtocolException(ErrorCode.MALFORMED, "expected a version after HELLO");
        }
        if (!w[1].equals(Integer.toString(Protocol.VERSION))) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED, "this server speaks version " + Protocol.VERSION);
        }
        Variant variant = Variant.of(w.length > 2 ? w[2] : "");
        if (variant == null) {
            throw new ProtocolException(ErrorCode.MALFORMED, "variant must be stateful or stateless");
        }
        int max = variant == Variant.STATELESS ? 7 : 6;
        if (w.length < 6 || w.length > max) {
            throw new ProtocolException(ErrorCode.MALFORMED, "expected HELLO " + Protocol.VERSION + " " + variant.wire()
                    + " CLIENT-ID COUNT NEXT" + (variant == Variant.STATELESS ? " [START]" : ""));
        }
        try {
            int start = w.length == 7 ? number(w[6], "start") : 0;
            if (w.length == 7 && start == 0) {
                throw new IllegalArgumentException("start must be in 1..255, not 0");
            }
            return new Hello(variant, w[3], number(w[4], "count"), number(w[5], "next"), start);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.MALFORMED, e.getMessage());
        }
    }

    /** A decimal number of at most 6 digits, without a sign or leading zeros. */
    static int number(String word, String what) {
        if (!NUMBER.matcher(word).matches() || word.length() > 6) {
            throw new IllegalArgumentException(what + " must be a decimal number without leading zeros, not '" + word + "'");
        }
        return Integer.parseInt(word);
    }

    /** The line to send, without its line feed. */
    @Override
    public String line() {
        String base = "HELLO " + Protocol.VERSION + " " + variant.wire() + " " + clientId + " " + count + " " + next;
        return start != 0 ? base + " " + start : base;
    }
}
