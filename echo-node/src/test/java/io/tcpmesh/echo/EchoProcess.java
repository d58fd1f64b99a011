package io.tcpmesh.echo;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.testing.Timing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
        if (name.equals("STOP")) {
            // kill(2) returns once the signal is queued; a thread running on another core goes on until it
            // is interrupted, so a line sent right now could still be echoed by a leader that was not frozen yet
            Timing.await("every thread of " + id + " stopped", Duration.ofSeconds(10), this::allThreadsStopped);
        }
    }

    private boolean allThreadsStopped() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.allMatch(EchoProcess::stopped);
        } catch (IOException gone) {
            return !process.isAlive();
        }
    }

    private static boolean stopped(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
        } catch (IOException gone) {
            return true; // the thread ended
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
