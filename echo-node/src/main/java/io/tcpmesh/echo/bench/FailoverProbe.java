package io.tcpmesh.echo.bench;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Measures a fail-over as a client sees it: holds one connection to the port and echoes 4 bytes on it
 * every few milliseconds; when that connection fails (closed by a leader that stepped down, or reset by
 * a dead process), opens new connections until one answers. Prints READY once the first connection
 * answers, then one RESULT line with epoch milliseconds, and exits. Every wait is bounded by --timeout.
 */
@Command(name = "failover-probe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measures how long an echo port stops answering a client.")
public final class FailoverProbe implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", required = true) int port;
    @Option(names = "--interval", defaultValue = "5ms", converter = Durations.class) Duration interval;
    @Option(names = "--timeout", defaultValue = "30s", converter = Durations.class) Duration timeout;

    private static final byte[] PING = {'p', 'i', 'n', 'g'};

    @Override
    public Integer call() throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket held = null;
        while (held == null) {
            held = open();
            if (held == null) {
                if (System.nanoTime() > deadline) {
                    System.out.println("RESULT never answered");
                    return 1;
                }
                Thread.sleep(interval.toMillis());
            }
        }
        System.out.println("READY");
        System.out.flush();
        long lastOk = System.currentTimeMillis();
        try (Socket s = held) {
            while (answers(s)) {
                lastOk = System.currentTimeMillis();
                if (System.nanoTime() > deadline) {
                    System.out.println("RESULT still answering on the first connection");
                    return 1;
                }
                Thread.sleep(interval.toMillis());
            }
        }
        long down = System.currentTimeMillis();
        Socket again;
        while ((again = open()) == null) {
            if (System.nanoTime() > deadline) {
                System.out.println("RESULT last_ok_ms=" + lastOk + " first_failure_ms=" + down + " never answered again");
                return 1;
            }
            Thread.sleep(interval.toMillis());
        }
        again.close();
        long back = System.currentTimeMillis();
        System.out.println("RESULT last_ok_ms=" + lastOk + " first_failure_ms=" + down + " first_ok_ms=" + back
                + " outage_ms=" + (back - lastOk));
        return 0;
    }

    /** A new connection that answered one echo, or null. */
    private Socket open() {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), 200);
            s.setSoTimeout(1000);
            if (answers(s)) {
                return s;
            }
        } catch (IOException e) {
            // not answering yet
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        return null;
    }

    private static boolean answers(Socket s) {
        try {
            s.getOutputStream().write(PING);
            InputStream in = s.getInputStream();
            return Arrays.equals(PING, in.readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new FailoverProbe(), args);
    }
}
