package io.tcpmesh.coordination.tls;

import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The TLS options of every tcpmesh client, as a picocli mixin: {@code --tls} with {@code --tls-ca FILE}
 * (verify the server) or {@code --tls-insecure} (verify nothing, said on standard error).
 */
public final class TlsClientOptions {
    @Option(names = "--tls", description = "Speak TLS (1.3 or 1.2) to the server; needs --tls-ca or --tls-insecure.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM CA bundle the server's certificate must chain to; its name is checked too.")
    Path ca;

    @Option(names = "--tls-insecure", description = "Accept any server certificate (testing only; says so loudly on standard error).")
    boolean insecure;

    public TlsClientOptions tls(Path caFile) {
        this.tls = true;
        this.ca = caFile;
        return this;
    }

    public TlsClientOptions insecure() {
        this.tls = true;
        this.insecure = true;
        return this;
    }

    public boolean enabled() {
        return tls;
    }

    /** The config these options ask for, or empty without {@code --tls}; throws naming a bad option. */
    public Optional<TlsClientConfig> config() {
        if (!tls) {
            if (ca != null || insecure) {
                throw new IllegalArgumentException((ca != null ? "--tls-ca" : "--tls-insecure") + " needs --tls");
            }
            return Optional.empty();
        }
        if (ca != null && insecure) {
            throw new IllegalArgumentException("--tls-ca and --tls-insecure exclude each other");
        }
        if (ca == null && !insecure) {
            throw new IllegalArgumentException("--tls needs --tls-ca FILE (verify the server) or --tls-insecure (verify nothing)");
        }
        return Optional.of(insecure ? TlsClientConfig.trustingEverything() : TlsClientConfig.verifying(ca));
    }

    /** The client, files loaded (a bad one is an {@link IllegalArgumentException} naming it), or empty. */
    public Optional<TlsClient> client(String program, PrintStream err) {
        return config().map(c -> TlsClient.of(c, program, err));
    }
}
