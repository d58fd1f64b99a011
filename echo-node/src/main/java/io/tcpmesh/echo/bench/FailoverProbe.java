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
 * Probes a port with a fresh connection and a 4-byte echo every few milliseconds. Prints READY once it
 * answers; after it stops answering, prints the epoch milliseconds of the last answer before and the
 * first answer after the outage, and exits.
 */
@Command(name = "failover-probe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measures how long an echo port stops answering.")
public final class FailoverProbe implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", required = true) int port;
    @Option(names = "--interval", defaultValue = "5ms", converter = Durations.class) Duration interval;
    @Option(names = "--timeout", defaultValue = "60s", converter = Durations.class) Duration timeout;

    @Override
    public Integer call() throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!answers()) {
            if (System.nanoTime() > deadline) {
                System.out.println("RESULT never answered");
                return 1;
            }
            Thread.sleep(interval.toMillis());
        }
        System.out.println("READY");
        System.out.flush();
        long lastOk = System.currentTimeMillis();
        while (answers()) {
            lastOk = System.currentTimeMillis();
            Thread.sleep(interval.toMillis());
        }
        long down = System.currentTimeMillis();
        while (!answers()) {
            if (System.nanoTime() > deadline) {
                System.out.println("RESULT last_ok_ms=" + lastOk + " first_failure_ms=" + down + " never answered again");
                return 1;
            }
            Thread.sleep(interval.toMillis());
        }
        long back = System.currentTimeMillis();
        System.out.println("RESULT last_ok_ms=" + lastOk + " first_failure_ms=" + down + " first_ok_ms=" + back
                + " outage_ms=" + (back - lastOk));
        return 0;
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            s.setSoTimeout(500);
            byte[] ping = {'p', 'i', 'n', 'g'};
            s.getOutputStream().write(ping);
            InputStream in = s.getInputStream();
            byte[] back = in.readNBytes(4);
            return Arrays.equals(ping, back);
        } catch (IOException e) {
            return false;
        }
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new FailoverProbe(), args);
    }
}
