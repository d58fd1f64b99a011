package io.tcpmesh.echo;

import io.tcpmesh.coordination.DaemonThreads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** An echo node as a real process (its own JVM, this test's classpath), so it can be frozen with SIGSTOP. */
final class EchoProcess implements AutoCloseable {
    private final String id;
    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private EchoProcess(String id, Process process) {
        this.id = id;
        this.process = process;
        DaemonThreads.start("echo-process-log-" + id, this::readLog);
    }

    static EchoProcess start(String id, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-Xmx96m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), EchoNodeCommand.class.getName(),
                "--id", id, "--bind", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(args));
        return new EchoProcess(id, new ProcessBuilder(command).redirectErrorStream(true).start());
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

    String id() {
        return id;
    }

    /** Lines logged so far that contain the text. */
    long logged(String text) {
        return log.stream().filter(l -> l.contains(text)).count();
    }

    List<String> log() {
        return log;
    }

    /** Sends a signal by name (STOP, CONT) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("CONT");
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
