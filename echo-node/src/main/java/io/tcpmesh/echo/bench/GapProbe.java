package io.tcpmesh.echo.bench;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Measures the longest time an echo port gave no answer: echoes 4 bytes every --interval on a held
 * connection; a connection that fails, is closed or does not answer within --answer-timeout is dropped
 * and a new one opened. Prints READY once the first echo came back, runs for --duration, then prints
 * one RESULT line (epoch milliseconds) with the longest gap between two answers and when it began.
 */
@Command(name = "gap-probe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measures the longest time an echo port did not answer.")
public final class GapProbe implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", required = true) int port;
    @Option(names = "--interval", defaultValue = "5ms", converter = Durations.class) Duration interval;
    @Option(names = "--answer-timeout", defaultValue = "100ms", converter = Durations.class) Duration answerTimeout;
    @Option(names = "--duration", defaultValue = "20s", converter = Durations.class) Duration duration;

    private static final byte[] PING = {'p', 'i', 'n', 'g'};

    @Override
    public Integer call() throws Exception {
        long end = System.currentTimeMillis() + duration.toMillis();
        long lastOk = -1;
        long longest = 0;
        long longestFrom = 0;
        int connections = 0;
        Socket s = null;
        while (System.currentTimeMillis() < end) {
            if (s == null) {
                s = open();
                connections++;
            }
            if (s != null && answers(s)) {
                long now = System.currentTimeMillis();
                if (lastOk < 0) {
                    System.out.println("READY");
                    System.out.flush();
                } else if (now - lastOk > longest) {
                    longest = now - lastOk;
                    longestFrom = lastOk;
                }
                lastOk = now;
            } else if (s != null) {
                close(s);
                s = null;
            }
            Thread.sleep(interval.toMillis());
        }
        if (s != null) {
            close(s);
        }
        if (lastOk < 0) {
            System.out.println("RESULT never answered");
            return 1;
        }
        System.out.println("RESULT longest_gap_ms=" + longest + " gap_from_ms=" + longestFrom
                + " connections=" + connections + " last_ok_ms=" + lastOk);
        return 0;
    }

    private Socket open() {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), Math.toIntExact(answerTimeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(answerTimeout.toMillis()));
            return s;
        } catch (IOException e) {
            close(s);
            return null;
        }
    }

    private static boolean answers(Socket s) {
        try {
            s.getOutputStream().write(PING);
            return Arrays.equals(PING, s.getInputStream().readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new GapProbe(), args);
    }
}
