package io.tcpmesh.proxy.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;

/** Why a request failed. */
public enum ErrorKind {
    /** The connection was refused (nothing listening, or a proxy with no target). */
    REFUSED,
    /** The peer reset or closed the connection before the reply was complete. */
    RESET,
    /** No complete reply within --timeout. */
    TIMEOUT,
    /** A reply came back, but not the expected bytes. */
    WRONG_REPLY,
    /** Still unanswered when the run ended and the drain time ran out. */
    DROPPED,
    /** The TLS handshake failed (an untrusted certificate, no common protocol) or a TLS record was bad. */
    TLS,
    /** Any other I/O failure. */
    OTHER;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public String key() {
        return switch (this) {
            case WRONG_REPLY -> "wrongReply";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    static ErrorKind of(IOException e) {
        if (e instanceof javax.net.ssl.SSLException) {
            return TLS;
        }
        if (e instanceof ConnectException) {
            return REFUSED;
        }
        if (e instanceof EOFException) {
            return RESET;
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("reset") || message.contains("broken pipe") || message.contains("closed")) {
            return RESET;
        }
        if (message.contains("refused")) {
            return REFUSED;
        }
        return OTHER;
    }
}
