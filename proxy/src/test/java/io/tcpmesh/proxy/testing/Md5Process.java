package io.tcpmesh.proxy.testing;

import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.md5.Md5ServiceCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An md5-service node as a real process (its own JVM), registered in the test's ZooKeeper, for fault tests. */
public final class Md5Process implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on [^ ]*:(\\d+), registering");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final int port;

    private Md5Process(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readLog, "md5-process-log");
        reader.setDaemon(true);
        reader.start();
        String line = Timing.await("md5-service to log its port", Duration.ofSeconds(30),
                () -> log.stream().filter(l -> SERVING.matcher(l).find()).findFirst().orElse(null), l -> l != null);
        Matcher m = SERVING.matcher(line);
        m.find();
        port = Integer.parseInt(m.group(1));
    }

    public static Md5Process start(TestZooKeeper zk) throws IOException {
        return start(zk, List.of());
    }

    /** With more options, such as {@code --tls-cert FILE --tls-key FILE}. */
    public static Md5Process start(TestZooKeeper zk, List<String> more) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx64m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Md5ServiceCommand.class.getName(), "--bind", "127.0.0.1", "--port", "0", "--zk", zk.connectString(),
                "--zk-root", zk.root(), "--zk-session-timeout", "2s"));
        command.addAll(more);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new Md5Process(p);
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.add(line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    public int port() {
        return port;
    }

    public List<String> log() {
        return log;
    }

    /** SIGSTOP: the process keeps its sockets; the kernel still completes connects from the backlog. */
    public void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT. */
    public void thaw() throws Exception {
        signal("CONT");
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("CONT");
        }
        kill();
    }
}
