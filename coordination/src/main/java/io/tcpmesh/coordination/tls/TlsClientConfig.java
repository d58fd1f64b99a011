package io.tcpmesh.coordination.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The client side of TLS: verify the server against a CA bundle (and, when known, its name), or
 * verify nothing ({@link #insecure()}). A client certificate and key may be presented for mutual TLS.
 */
public record TlsClientConfig(Optional<Path> ca, boolean insecure, Optional<Path> certificate, Optional<Path> key) {
    public TlsClientConfig {
        Objects.requireNonNull(ca, "ca cannot be null");
        Objects.requireNonNull(certificate, "certificate cannot be null");
        Objects.requireNonNull(key, "key cannot be null");
        if (insecure == ca.isPresent()) {
            throw new IllegalArgumentException(insecure
                    ? "--tls-insecure and --tls-ca exclude each other"
                    : "--tls needs --tls-ca FILE (verify the server) or --tls-insecure (verify nothing)");
        }
        if (certificate.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    /** Verifies the server's certificate against this CA bundle. */
    public static TlsClientConfig verifying(Path ca) {
        return new TlsClientConfig(Optional.of(ca), false, Optional.empty(), Optional.empty());
    }

    /** Verifies nothing: anyone in the middle can read and change the traffic. */
    public static TlsClientConfig trustingEverything() {
        return new TlsClientConfig(Optional.empty(), true, Optional.empty(), Optional.empty());
    }

    /** Presents this certificate chain and key to servers that ask for one. */
    public TlsClientConfig withCertificate(Path chain, Path privateKey) {
        return new TlsClientConfig(ca, insecure, Optional.of(chain), Optional.of(privateKey));
    }
}
