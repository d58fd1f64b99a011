package io.tcpmesh.proxy.config;

import io.tcpmesh.coordination.tls.TlsClientConfig;
import io.tcpmesh.coordination.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An app's {@code "TargetTls"}: the proxy speaks TLS to the app's targets and verifies them: their
 * certificate must chain to a CA in {@code ca} and name {@code serverName} (sent as SNI when it is a host
 * name), or, without one, the target's own host as configured or registered.
 *
 * @param handshakeTimeout a target that has not finished its handshake this long after the TCP connect has failed
 * @param protocols the TLS versions offered: TLSv1.3 and TLSv1.2, or one of them
 * @param context   the context made from the CA file
 */
public record TargetTls(Path ca, Optional<String> serverName, Duration handshakeTimeout, List<String> protocols,
                        SSLContext context) {
    public TargetTls {
        Objects.requireNonNull(handshakeTimeout, "HandshakeTimeout cannot be null");
        if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
            throw new IllegalArgumentException("HandshakeTimeout must be positive");
        }
        Objects.requireNonNull(ca, "Ca cannot be null");
        Objects.requireNonNull(serverName, "ServerName cannot be null");
        serverName.ifPresent(TargetTls::checkName);
        protocols = TlsProtocols.check(protocols);
        Objects.requireNonNull(context, "context cannot be null");
    }

    /** Reads the CA file and makes the context; an {@link IllegalArgumentException} names a bad file. */
    public static TargetTls load(Path ca, Optional<String> serverName, Duration handshakeTimeout, List<String> protocols) {
        serverName.ifPresent(TargetTls::checkName);
        List<String> versions = TlsProtocols.check(protocols);
        Duration timeout = handshakeTimeout == null ? TlsTermination.DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
        return new TargetTls(ca, serverName, timeout, versions, TlsContexts.client(TlsClientConfig.verifying(ca)));
    }

    /** The name the target's certificate must carry when the target's host is {@code host}. */
    public String nameFor(String host) {
        return serverName.orElse(host);
    }

    private static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9.:_-]{1,253}")) {
            throw new IllegalArgumentException("ServerName '" + name + "' is not a host name or an IP address");
        }
    }

    @Override
    public String toString() {
        return "TargetTls[" + ca + serverName.map(n -> ", " + n).orElse("") + ", " + protocols + "]";
    }
}
