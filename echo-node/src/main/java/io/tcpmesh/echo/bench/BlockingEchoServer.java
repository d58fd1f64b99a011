package io.tcpmesh.echo.bench;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;

/** The benchmark's peer: a plain thread-per-connection blocking echo server, nothing else. */
@Command(name = "blocking-echo-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Thread-per-connection blocking echo server: the baseline echo-node is measured against.")
public final class BlockingEchoServer implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port = 18700;

    @Override
    public Integer call() throws IOException {
        try (ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress())) {
            System.err.println("blocking-echo-server: listening on " + server.getLocalSocketAddress());
            while (true) {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                DaemonThreads.start("echo-" + socket.getPort(), () -> echo(socket));
            }
        }
    }

    private static void echo(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new BlockingEchoServer(), args);
    }
}
