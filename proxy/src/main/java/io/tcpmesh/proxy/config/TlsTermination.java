package io.tcpmesh.proxy.config;

import io.tcpmesh.coordination.tls.TlsContexts;
import io.tcpmesh.coordination.tls.TlsServerConfig;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An app's {@code "Tls"}: the proxy terminates TLS on every port of the app with this certificate chain and
 * key (PEM, PKCS#8), optionally requiring client certificates signed by {@code clientCa}. The files are read
 * when the configuration is read ({@link #load}); the context made from them serves the connections accepted
 * while this configuration runs.
 *
 * @param handshakeTimeout a client that has not finished its handshake this long after connecting is closed
 * @param protocols        the TLS versions offered: TLSv1.3 and TLSv1.2, or one of them
 * @param context          the context made from the files
 */
public record TlsTermination(Path certificate, Path key, Optional<Path> clientCa, Duration handshakeTimeout,
                             List<String> protocols, SSLContext context) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;

    public TlsTermination {
        Objects.requireNonNull(certificate, "Certificate cannot be null");
        Objects.requireNonNull(key, "Key cannot be null");
        Objects.requireNonNull(clientCa, "ClientCa cannot be null");
        Objects.requireNonNull(handshakeTimeout, "HandshakeTimeout cannot be null");
        if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
            throw new IllegalArgumentException("HandshakeTimeout must be positive");
        }
        protocols = TlsProtocols.check(protocols);
        Objects.requireNonNull(context, "context cannot be null");
    }

    /**
     * Reads the files and makes the context; an {@link IllegalArgumentException} names a missing or unparsable
     * file, or a key that does not belong to the certificate.
     */
    public static TlsTermination load(Path certificate, Path key, Optional<Path> clientCa, Duration handshakeTimeout,
                                      List<String> protocols) {
        Duration timeout = handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
        List<String> versions = TlsProtocols.check(protocols);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("HandshakeTimeout must be positive");
        }
        SSLContext context = TlsContexts.server(new TlsServerConfig(certificate, key, clientCa, timeout));
        return new TlsTermination(certificate, key, clientCa, timeout, versions, context);
    }

    public boolean mutual() {
        return clientCa.isPresent();
    }

    @Override
    public String toString() {
        return "Tls[" + certificate + ", " + key + clientCa.map(c -> ", client CA " + c).orElse("") + ", " + protocols + "]";
    }
}
