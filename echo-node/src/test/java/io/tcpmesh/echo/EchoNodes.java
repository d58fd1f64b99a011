package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Echo nodes started in this JVM against a test ZooKeeper, on free ports, closed after the test. */
final class EchoNodes implements AutoCloseable {
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

    private final TestZooKeeper zk;
    private final int masterPort;
    private final List<RunningService> nodes = new ArrayList<>();

    EchoNodes(TestZooKeeper zk) throws IOException {
        this.zk = zk;
        this.masterPort = freePort();
    }

    /** A port nobody listens on now: bound as 0, read back, released. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A free port for a node, never the master port: a node bound on 0 could be handed the master port,
     * which was free when it was picked.
     */
    private int nodePort() throws IOException {
        for (int i = 0; i < 100; i++) {
            int port = freePort();
            if (port != masterPort) {
                return port;
            }
        }
        throw new IOException("no free port other than " + masterPort);
    }

    int masterPort() {
        return masterPort;
    }

    RunningService start(EchoConfig config) throws Exception {
        return start(config, options -> options);
    }

    /** A node whose options the test changes first (TLS, for one). */
    RunningService start(EchoConfig config, java.util.function.UnaryOperator<ServiceOptions> change) throws Exception {
        ServiceOptions options = change.apply(new ServiceOptions(nodePort()).zk(zk.connectString()).zkRoot(zk.root())
                .zkSessionTimeout(SESSION_TIMEOUT).bind("127.0.0.1").drainTimeout(Duration.ofMillis(200)));
        RunningService node = ServiceLauncher.start("echo", options, new EchoModule(config));
        nodes.add(node);
        return node;
    }

    RunningService start() throws Exception {
        return start(EchoConfig.of(masterPort, false, EchoConfig.DEFAULT_HIGH_WATER));
    }

    List<RunningService> startMany(int n) throws Exception {
        List<RunningService> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(start());
        }
        return started;
    }

    static EchoNode echo(RunningService node) {
        return node.instance(EchoNode.class);
    }

    /** The open nodes that serve the master port now. */
    List<RunningService> serving() {
        return nodes.stream().filter(n -> echo(n).servesMasterPort()).toList();
    }

    Optional<RunningService> onlyServing() {
        List<RunningService> s = serving();
        return s.size() == 1 ? Optional.of(s.get(0)) : Optional.empty();
    }

    /** Sends bytes, half-closes, and returns everything read until the server closes. */
    static byte[] echoOnce(int port, byte[] message) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.getOutputStream().write(message);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    /** True when the port answers an echo now. */
    static boolean answers(int port) {
        try {
            return new String(echoOnce(port, "ping".getBytes())).equals("ping");
        } catch (IOException e) {
            return false;
        }
    }

    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("expected " + n + " bytes, got " + b.length + " before end of stream");
        }
        return b;
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
