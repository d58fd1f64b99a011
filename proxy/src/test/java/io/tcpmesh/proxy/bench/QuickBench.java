package io.tcpmesh.proxy.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A quick client for the proxy measurement (not a test, not the project's load tester):
 * {@code QuickBench echo PORT CONNECTIONS SECONDS}: 64-byte round trips on each connection, reports
 * requests/s and latency percentiles; {@code QuickBench bulk PORT MEBIBYTES}: one upload to the sink,
 * half-close, wait for its count, reports MB/s.
 */
public final class QuickBench {
    private QuickBench() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        if (args[0].equals("echo")) {
            echo(port, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else {
            bulk(port, Long.parseLong(args[2]));
        }
    }

    private static void echo(int port, int connections, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            results.add(pool.submit(() -> {
                long[] lat = new long[1 << 20];
                int n = 0;
                byte[] req = new byte[64];
                byte[] resp = new byte[64];
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 > end) {
                            break;
                        }
                        out.write(req);
                        int got = 0;
                        while (got < 64) {
                            int r = in.read(resp, got, 64 - got);
                            if (r < 0) {
                                throw new IllegalStateException("closed");
                            }
                            got += r;
                        }
                        long t1 = System.nanoTime();
                        if (t0 > warmEnd && n < lat.length) {
                            lat[n++] = t1 - t0;
                        }
                    }
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        long[] all = new long[0];
        for (Future<long[]> f : results) {
            long[] l = f.get();
            long[] merged = Arrays.copyOf(all, all.length + l.length);
            System.arraycopy(l, 0, merged, all.length, l.length);
            all = merged;
        }
        pool.shutdown();
        Arrays.sort(all);
        System.out.printf("echo port %d: %d connections, %.0f req/s, p50 %.0f us, p99 %.0f us, p99.9 %.0f us%n", port, connections,
                all.length / (double) seconds, all[all.length / 2] / 1e3, all[(int) (all.length * 0.99)] / 1e3,
                all[(int) (all.length * 0.999)] / 1e3);
    }

    private static void bulk(int port, long mebibytes) throws Exception {
        byte[] chunk = new byte[1 << 16];
        long total = mebibytes << 20;
        long t0 = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
            }
            s.shutdownOutput();
            String count = new String(s.getInputStream().readAllBytes()).trim();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (Long.parseLong(count) != total) {
                throw new IllegalStateException("sink counted " + count + " of " + total);
            }
            System.out.printf("bulk port %d: %d MiB in %.2f s = %.0f MB/s%n", port, mebibytes, secs, total / secs / 1e6);
        }
    }
}
