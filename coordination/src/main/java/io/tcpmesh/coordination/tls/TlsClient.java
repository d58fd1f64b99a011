package io.tcpmesh.coordination.tls;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client side of TLS for one program: blocking sockets ({@link #wrap}) and MINA connectors
 * ({@link #filter}) with the same rules: TLS 1.3 and 1.2, the server's name verified when a CA is given.
 */
public final class TlsClient {
    private final TlsClientConfig config;
    private final SSLContext context;

    private TlsClient(TlsClientConfig config) {
        this.config = Objects.requireNonNull(config, "config cannot be null");
        this.context = TlsContexts.client(config);
    }

    /**
     * Loads the files now; an {@link IllegalArgumentException} names a bad one. When the config trusts
     * everything, says so on {@code err}, loudly, naming the program.
     */
    public static TlsClient of(TlsClientConfig config, String program, PrintStream err) {
        TlsClient client = new TlsClient(config);
        if (config.insecure()) {
            err.println(program + ": WARNING: --tls-insecure: the server's certificate is NOT verified;"
                    + " anyone on the path can read and change this traffic");
            err.flush();
        }
        return client;
    }

    public TlsClientConfig config() {
        return config;
    }

    public SSLContext context() {
        return context;
    }

    /**
     * Layers TLS over a connected socket and completes the handshake (within 10 seconds); closing the
     * result closes {@code plain}. The server's certificate must name {@code host} unless the config is insecure.
     */
    public SSLSocket wrap(Socket plain, String host, int port) throws IOException {
        int timeout = plain.getSoTimeout();
        plain.setSoTimeout((int) TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT.toMillis());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        socket.setSSLParameters(parameters(socket.getSSLParameters(), host));
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw new IOException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
        socket.setSoTimeout(timeout);
        return socket;
    }

    /**
     * A client engine for {@code host}, with the same rules as {@link #wrap}; for programs that drive
     * non-blocking channels themselves (the load tester).
     */
    public SSLEngine engine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(parameters(engine.getSSLParameters(), host));
        return engine;
    }

    private SSLParameters parameters(SSLParameters parameters, String host) {
        parameters.setProtocols(TlsContexts.PROTOCOLS.toArray(String[]::new));
        if (!config.insecure()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!TlsFilter.isIpAddress(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        return parameters;
    }

    /** A filter for a MINA connector session to {@code host}. */
    public TlsFilter filter(String host, Duration handshakeTimeout, Object owner, TlsStats stats) {
        return TlsFilter.client(context, Optional.of(host), !config.insecure(), handshakeTimeout, owner, stats);
    }
}
