package io.tcpmesh.coordination.bootstrap;

import io.tcpmesh.coordination.ZooKeeperAuth;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.tls.TlsContexts;
import io.tcpmesh.coordination.tls.TlsServerConfig;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The options every tcpmesh service takes, as a picocli mixin:
 * {@code @Mixin ServiceOptions service = new ServiceOptions(7001);} gives the service its default port.
 */
public final class ServiceOptions {
    @Option(names = "--zk", paramLabel = "HOST:PORT[,...]",
            description = "ZooKeeper ensemble (default: ${DEFAULT-VALUE}). The service serves even while it is down and registers once it is up.")
    String zk = ZooKeeperConfig.DEFAULT_CONNECT_STRING;

    @Option(names = "--zk-root", paramLabel = "PATH", description = "ZooKeeper folder every tcpmesh path lives under (default: ${DEFAULT-VALUE}).")
    String zkRoot = ZooKeeperConfig.DEFAULT_ROOT;

    @Option(names = "--zk-session-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "ZooKeeper session timeout (default: 5s); a dead node leaves ZooKeeper this long after it dies.")
    Duration zkSessionTimeout = ZooKeeperConfig.DEFAULT_SESSION_TIMEOUT;

    @Option(names = "--zk-auth", paramLabel = "FILE", defaultValue = "${env:" + ZooKeeperAuth.ENV + "}", description = ZooKeeperAuth.OPTION_HELP)
    Path zkAuth;
    private ZooKeeperAuth auth; // read once

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port to serve on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to bind (default: ${DEFAULT-VALUE}, every interface).")
    String bind = "0.0.0.0";

    @Option(names = "--advertise", paramLabel = "HOST",
            description = "Address other hosts use to reach this service, written into ZooKeeper (default: the --bind address, or 127.0.0.1 when binding every interface).")
    String advertise;

    @Option(names = "--id", paramLabel = "NODE-ID",
            description = "Node id, used in logs and as the ZooKeeper instance id (default: SERVICE-PORT, such as md5-7001).")
    String id;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "On SIGTERM, how long connections in progress may take to finish (default: 10s).")
    Duration drainTimeout = Duration.ofSeconds(10);

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve TLS (1.3 and 1.2 only) with this PEM certificate chain, leaf first; needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PKCS#8 PEM private key of --tls-cert (BEGIN PRIVATE KEY, unencrypted).")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "Require a client certificate chaining to this PEM CA bundle (mutual TLS); needs --tls-cert.")
    Path tlsClientCa;

    @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "A TLS client that has not finished its handshake this long after connecting is closed (default: 10s).")
    Duration tlsHandshakeTimeout = TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Port of the admin HTTP endpoint: /health and Prometheus /metrics; 0 picks a free one. Off when not given, except where a program says otherwise. Its address is written into ZooKeeper.")
    Integer adminPort;

    @Option(names = "--admin-bind", paramLabel = "ADDRESS", description = "Address of the admin HTTP endpoint (default: ${DEFAULT-VALUE}).")
    String adminBind = "127.0.0.1";

    private boolean adminServedByService;

    /** Picocli needs a no-argument constructor; prefer {@link #ServiceOptions(int)}. */
    public ServiceOptions() {
        this(0);
    }

    public ServiceOptions(int defaultPort) {
        this.port = defaultPort;
    }

    /** Checks every option; throws {@link IllegalArgumentException} naming the bad one. */
    public ServiceOptions validate() {
        zooKeeper();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, not " + port);
        }
        bindAddress();
        if (id != null && !id.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("--id may hold only letters, digits, '.', '_' and '-' (at most 100), not '" + id + "'");
        }
        if (adminPort != null && (adminPort < 0 || adminPort > 65535)) {
            throw new IllegalArgumentException("--admin-port must be in 0..65535, not " + adminPort);
        }
        adminBindAddress();
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("--drain-timeout cannot be negative");
        }
        tls().ifPresent(TlsContexts::server); // a missing or unparsable file names itself now
        return this;
    }

    /** TLS on the service's port, when {@code --tls-cert} and {@code --tls-key} are given. */
    public Optional<TlsServerConfig> tls() {
        if (tlsCert == null && tlsKey == null) {
            if (tlsClientCa != null) {
                throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
            }
            if (!tlsHandshakeTimeout.equals(TlsServerConfig.DEFAULT_HANDSHAKE_TIMEOUT)) {
                throw new IllegalArgumentException("--tls-handshake-timeout needs --tls-cert and --tls-key");
            }
            return Optional.empty();
        }
        if (tlsCert == null || tlsKey == null) {
            throw new IllegalArgumentException(tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (tlsHandshakeTimeout.isZero() || tlsHandshakeTimeout.isNegative()) {
            throw new IllegalArgumentException("--tls-handshake-timeout must be positive");
        }
        return Optional.of(new TlsServerConfig(tlsCert, tlsKey, Optional.ofNullable(tlsClientCa), tlsHandshakeTimeout));
    }

    /** The ZooKeeper configuration; reads the {@code --zk-auth} file, and throws naming it when that fails. */
    public ZooKeeperConfig zooKeeper() {
        return ZooKeeperConfig.of(zk, zkRoot).withSessionTimeout(zkSessionTimeout).withAuth(auth());
    }

    private ZooKeeperAuth auth() {
        if (auth == null || !auth.file().equals(zkAuth)) {
            auth = ZooKeeperAuth.readIfGiven(zkAuth);
        }
        return auth;
    }

    public int port() {
        return port;
    }

    public InetSocketAddress bindAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByName(bind), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: cannot resolve '" + bind + "'");
        }
    }

    /** The host written into ZooKeeper. */
    public String advertisedHost() {
        if (advertise != null && !advertise.isBlank()) {
            return advertise.trim();
        }
        InetAddress address = bindAddress().getAddress();
        return address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
    }

    /** The node id: {@code --id}, or SERVICE-PORT once the port is known. */
    public String nodeId(String service, int boundPort) {
        return id != null ? id : service + "-" + boundPort;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** The admin endpoint's address, or empty when {@code --admin-port} was not given. */
    public Optional<InetSocketAddress> adminAddress() {
        return adminPort == null ? Optional.empty() : Optional.of(new InetSocketAddress(adminBindAddress(), adminPort));
    }

    private InetAddress adminBindAddress() {
        try {
            return InetAddress.getByName(adminBind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--admin-bind: cannot resolve '" + adminBind + "'");
        }
    }

    /** The host written into ZooKeeper for the admin endpoint: the admin bind address, or the advertised host for every interface. */
    public String advertisedAdminHost() {
        InetAddress address = adminBindAddress();
        return address.isAnyLocalAddress() ? advertisedHost() : address.getHostAddress();
    }

    /** True when the service serves its own admin pages at the address its start() returns (the proxy). */
    public boolean adminServedByService() {
        return adminServedByService;
    }

    // setters for tests and embedding
    public ServiceOptions zk(String connectString) {
        this.zk = connectString;
        return this;
    }

    public ServiceOptions zkRoot(String root) {
        this.zkRoot = root;
        return this;
    }

    public ServiceOptions zkSessionTimeout(Duration timeout) {
        this.zkSessionTimeout = timeout;
        return this;
    }

    public ServiceOptions zkAuth(Path secretFile) {
        this.zkAuth = secretFile;
        return this;
    }

    public ServiceOptions port(int newPort) {
        this.port = newPort;
        return this;
    }

    public ServiceOptions bind(String address) {
        this.bind = address;
        return this;
    }

    public ServiceOptions id(String nodeId) {
        this.id = nodeId;
        return this;
    }

    /** The admin port; 0 picks a free one. A program with an admin port by default sets it before parsing. */
    public ServiceOptions adminPort(Integer newPort) {
        this.adminPort = newPort;
        return this;
    }

    public ServiceOptions adminBind(String address) {
        this.adminBind = address;
        return this;
    }

    public String adminBindText() {
        return adminBind;
    }

    public Integer adminPortOrNull() {
        return adminPort;
    }

    /** Marks the admin endpoint as the service's own (the bootstrap then starts none). */
    public ServiceOptions adminServedByService(boolean own) {
        this.adminServedByService = own;
        return this;
    }

    public ServiceOptions drainTimeout(Duration timeout) {
        this.drainTimeout = timeout;
        return this;
    }

    public ServiceOptions tls(Path certificate, Path key) {
        this.tlsCert = certificate;
        this.tlsKey = key;
        return this;
    }

    public ServiceOptions tlsClientCa(Path ca) {
        this.tlsClientCa = ca;
        return this;
    }

    public ServiceOptions tlsHandshakeTimeout(Duration timeout) {
        this.tlsHandshakeTimeout = timeout;
        return this;
    }
}
