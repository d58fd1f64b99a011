package io.tcpmesh.md5;

import io.tcpmesh.coordination.testing.Timing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Test client: the protocol by hand, with blocking sockets and bounded reads. */
final class Md5Client {
    private Md5Client() {
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects with a bounded read timeout. */
    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout((int) Timing.seconds(10).toMillis());
        return s;
    }

    /** Sends the bytes, half-closes, returns everything the server sent until it closed. */
    static String request(int port, byte[] data) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(data);
            s.shutdownOutput();
            return readToEnd(s);
        }
    }

    static String readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[256];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
