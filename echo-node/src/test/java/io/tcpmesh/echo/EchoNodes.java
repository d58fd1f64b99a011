package io.tcpmesh.echo;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
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
    /** The master port, bound as 0 and held until the first node starts, so nothing else takes it meanwhile. */
    private ServerSocket masterReservation;
    private boolean admin;

    EchoNodes(TestZooKeeper zk) throws IOException {
        this.zk = zk;
        this.masterReservation = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.masterPort = masterReservation.getLocalPort();
    }

    /** Nodes started from now on get an admin endpoint on a free port. */
    EchoNodes withAdmin() {
        admin = true;
        return this;
    }

    int masterPort() {
        return masterPort;
    }

    /** A node on port 0; one that was handed the master port's number (free until a leader binds it) starts again. */
    RunningService start(EchoConfig config) throws Exception {
        releaseMasterPort();
        for (int attempt = 0; attempt < 10; attempt++) {
            ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root())
                    .zkSessionTimeout(SESSION_TIMEOUT).bind("127.0.0.1").drainTimeout(Duration.ofMillis(200))
                    .adminPort(admin ? 0 : null);
            RunningService node = ServiceLauncher.start("echo", options, new EchoModule(config));
            if (node.port() != masterPort) {
                nodes.add(node);
                return node;
            }
            node.close();
        }
        throw new IOException("every node was handed the master port " + masterPort);
    }

    private void releaseMasterPort() throws IOException {
        if (masterReservation != null) {
            masterReservation.close();
            masterReservation = null;
        }
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
        try {
            releaseMasterPort();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
