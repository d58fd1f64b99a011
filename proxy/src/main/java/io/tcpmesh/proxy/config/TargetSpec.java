package io.tcpmesh.proxy.config;

import java.util.Objects;

/**
 * One entry of an app's {@code Targets}: a fixed {@code host:port}, or {@code discovery:SERVICE} (every live
 * instance of a service) or {@code discovery:SERVICE?leader} (only the instance whose payload says
 * {@code leader=true}, at its {@code masterPort} attribute when it has one).
 */
public sealed interface TargetSpec {
    String PREFIX = "discovery:";

    /** The text as written in the configuration. */
    String text();

    record Static(String host, int port) implements TargetSpec {
        public Static {
            Objects.requireNonNull(host, "host cannot be null");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in 1..65535");
            }
        }

        @Override
        public String text() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Discovery(String service, boolean leaderOnly) implements TargetSpec {
        public Discovery {
            Objects.requireNonNull(service, "service cannot be null");
            if (!service.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException("'" + service + "' is not a service name (letters, digits, '.', '_', '-')");
            }
        }

        @Override
        public String text() {
            return PREFIX + service + (leaderOnly ? "?leader" : "");
        }
    }

    /** Parses {@code host:port}, {@code [v6]:port}, {@code discovery:md5} or {@code discovery:echo?leader}. */
    static TargetSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a target is empty");
        }
        String t = text.trim();
        if (t.startsWith(PREFIX)) {
            String rest = t.substring(PREFIX.length());
            int q = rest.indexOf('?');
            if (q < 0) {
                return new Discovery(rest, false);
            }
            String query = rest.substring(q + 1);
            if (!query.equals("leader")) {
                throw new IllegalArgumentException("'" + t + "': the only option after '?' is 'leader'");
            }
            return new Discovery(rest.substring(0, q), true);
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("'" + t + "' is not HOST:PORT or discovery:SERVICE");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "': '" + t.substring(colon + 1) + "' is not a port number");
        }
        try {
            return new Static(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + t + "': " + e.getMessage());
        }
    }
}
