package io.tcpmesh.proxy.routing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DownReasonTest {
    @Test
    void aRealRefusedConnectionReadsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        IOException e = assertThrows(IOException.class, () -> {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            }
        });
        assertThat(DownReason.of(e, Duration.ofSeconds(1))).isEqualTo("connection refused");
    }

    @Test
    void timeoutsReadNoAnswerWithin() {
        assertThat(DownReason.of(new SocketTimeoutException("connect timed out"), Duration.ofSeconds(1))).isEqualTo("no answer within 1s");
        assertThat(DownReason.noAnswer(Duration.ofMillis(500))).isEqualTo("no answer within 500ms");
    }

    @Test
    void wrappedCausesAreFound() {
        RuntimeException wrapped = new RuntimeException("wrapper", new java.net.ConnectException("Connection refused"));
        assertThat(DownReason.of(wrapped, Duration.ofSeconds(1))).isEqualTo("connection refused");
        assertThat(DownReason.of(null, Duration.ofSeconds(1))).isEqualTo("connection failed");
    }
}
