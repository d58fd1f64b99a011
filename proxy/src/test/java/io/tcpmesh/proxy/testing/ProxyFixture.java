package io.tcpmesh.proxy.testing;

import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.proxy.ConfigReloader;
import io.tcpmesh.proxy.ProxyCommand;
import io.tcpmesh.proxy.ProxyModule;
import io.tcpmesh.proxy.ProxyServer;
import io.tcpmesh.proxy.ProxySettings;
import io.tcpmesh.proxy.config.ProxyConfigParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Starts a real proxy in this JVM on a written configuration file, with a test ZooKeeper. */
public final class ProxyFixture {
    private ProxyFixture() {
    }

    /** What the proxy's command line returned and wrote to stderr: for runs that are meant to end at start. */
    public record Exit(int code, String stderr) {
    }

    /** Runs {@code proxy ARGS} as its main method would, to its end, with stderr captured. */
    public static Exit run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = ServiceLauncher.execute(new ProxyCommand(), args);
            return new Exit(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    public static Path write(Path dir, String json) throws IOException {
        Path file = dir.resolve("proxy.json");
        Path tmp = dir.resolve("proxy.json.tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    public static RunningService start(TestZooKeeper zk, Path file) throws Exception {
        return start(zk, file, Duration.ofSeconds(5));
    }

    public static RunningService start(TestZooKeeper zk, Path file, Duration drain) throws Exception {
        return start(zk, file, drain, Duration.ofMillis(200));
    }

    public static RunningService start(TestZooKeeper zk, Path file, Duration drain, Duration watchInterval) throws Exception {
        ServiceOptions options = new ServiceOptions(0).zk(zk.connectString()).zkRoot(zk.root())
                .zkSessionTimeout(Duration.ofSeconds(2)).bind("127.0.0.1").drainTimeout(drain).adminServedByService(true);
        ProxySettings settings = new ProxySettings(file, "127.0.0.1", 0, watchInterval, null);
        return zk.track(ServiceLauncher.start("proxy", options, new ProxyModule(settings, ProxyConfigParser.read(file))));
    }

    public static ProxyServer server(RunningService running) {
        return running.instance(ProxyServer.class);
    }

    public static ConfigReloader reloader(RunningService running) {
        return running.instance(ConfigReloader.class);
    }

    public static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** One echo round trip over a new connection: true when the bytes come back. */
    public static boolean echoes(int port, String text) {
        try (Socket s = connect(port)) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(b);
            return new String(s.getInputStream().readNBytes(b.length), StandardCharsets.UTF_8).equals(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends, half-closes, reads to the end. */
    public static String request(int port, String text) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static String http(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
