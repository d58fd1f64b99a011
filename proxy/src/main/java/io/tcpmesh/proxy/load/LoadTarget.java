package io.tcpmesh.proxy.load;

import java.net.InetSocketAddress;

/** A host and port to load. */
public record LoadTarget(String host, int port) {
    public LoadTarget {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a target needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target port must be 1..65535, not " + port);
        }
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (loopback). */
    public static LoadTarget parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("target '" + text + "' must be host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new LoadTarget(host.isEmpty() ? "127.0.0.1" : host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + text + "' must be host:port with a numeric port");
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
