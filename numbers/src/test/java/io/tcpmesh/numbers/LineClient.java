package io.tcpmesh.numbers;

import io.tcpmesh.coordination.testing.Timing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A raw protocol client for tests: what a person with nc sees. */
final class LineClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(int port) throws IOException {
        this(port, Duration.ofSeconds(10));
    }

    /** A client whose reads fail after {@code readTimeout} (stretched by Timing) without data. */
    LineClient(int port, Duration readTimeout) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(Math.toIntExact(Timing.scaled(readTimeout).toMillis()));
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
    }

    LineClient send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    LineClient sendLine(String line) throws IOException {
        return send(line + "\n");
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Whether the server has sent something not read yet (or closed). */
    boolean answered() throws IOException {
        return in.ready() || socket.getInputStream().available() > 0;
    }

    /** The next line, or null at the end of the stream. */
    String readLine() throws IOException {
        return in.readLine();
    }

    /** Every line up to the end of the stream. */
    List<String> readAll() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
