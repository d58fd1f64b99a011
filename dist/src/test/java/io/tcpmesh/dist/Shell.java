package io.tcpmesh.dist;

import io.tcpmesh.coordination.testing.Timing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bash command lines as a user would, with a bounded time. */
final class Shell {
    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    private final Path workDir;
    private final Map<String, String> env;

    Shell(Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = env;
    }

    /** Runs {@code bash -c command}; stdout and stderr together. Fails the test if it outlasts the timeout. */
    Result run(String command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tcpmesh-e2e", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(Timing.scaled(timeout).toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + command + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
