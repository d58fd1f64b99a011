package io.tcpmesh.md5;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.testing.Timing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** md5-service as a real process: its own JVM, with this test's classpath and a bounded heap. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on [^ ]*:(\\d+), registering");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final int port;
    private final Thread reader;

    private ServerProcess(Process process) {
        this.process = process;
        reader = DaemonThreads.start("md5-process-log", this::readLog);
        String line = Timing.await("md5-service to log its port", Duration.ofSeconds(20),
                () -> log.stream().filter(l -> SERVING.matcher(l).find()).findFirst().orElse(null), l -> l != null);
        Matcher m = SERVING.matcher(line);
        m.find();
        port = Integer.parseInt(m.group(1));
    }

    static ServerProcess start(String heap, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-Xmx" + heap, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Md5ServiceCommand.class.getName(), "--bind", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new ServerProcess(p);
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.add(line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    List<String> log() {
        return log;
    }

    /** SIGTERM. Through the handle: Process.destroy() would also close the pipe the log comes through. */
    void terminate() {
        process.toHandle().destroy();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(Timing.scaled(timeout).toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("md5-service did not exit within " + timeout + "; log:\n" + String.join("\n", log));
        }
        reader.join(Timing.seconds(5).toMillis()); // the last lines are still in the pipe
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
