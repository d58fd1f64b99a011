package io.tcpmesh.proxy.routing;

import io.tcpmesh.coordination.bootstrap.Durations;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/** Why a target is out of rotation, in words for the stats page: "connection refused", "no answer within 1s". */
public final class DownReason {
    private DownReason() {
    }

    /** A connection attempt that got no answer within its timeout. */
    public static String noAnswer(Duration timeout) {
        return "no answer within " + Durations.format(timeout);
    }

    /** A failed connection attempt, by its exception (MINA's or the JDK's), in words. */
    public static String of(Throwable failure, Duration timeout) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String words = words(t, timeout);
            if (words != null) {
                return words;
            }
        }
        if (failure == null) {
            return "connection failed";
        }
        String m = failure.getMessage();
        return m == null || m.isBlank() ? "connection failed" : m.toLowerCase();
    }

    private static String words(Throwable t, Duration timeout) {
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase();
        if (t instanceof SocketTimeoutException || m.contains("timed out")) {
            return noAnswer(timeout);
        }
        if (t instanceof NoRouteToHostException || m.contains("no route to host")) {
            return "no route to host";
        }
        if (t instanceof UnknownHostException) {
            return "unresolvable host";
        }
        if (m.contains("network is unreachable") || t instanceof PortUnreachableException) {
            return "network unreachable";
        }
        if (t instanceof ConnectException || m.contains("connection refused")) {
            return "connection refused";
        }
        if (m.contains("connection reset")) {
            return "connection reset";
        }
        return null;
    }
}
