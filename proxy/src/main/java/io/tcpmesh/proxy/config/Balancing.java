package io.tcpmesh.proxy.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How an app picks the target of a new connection. */
public enum Balancing {
    ROUND_ROBIN("round-robin"),
    LEAST_CONNECTIONS("least-connections");

    private final String text;

    Balancing(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    static Balancing parse(String value) {
        for (Balancing b : values()) {
            if (b.text.equalsIgnoreCase(value)) {
                return b;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of "
                + Arrays.stream(values()).map(Balancing::text).collect(Collectors.joining(", ")));
    }
}
