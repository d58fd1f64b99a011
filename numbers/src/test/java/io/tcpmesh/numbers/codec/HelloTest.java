package io.tcpmesh.numbers.codec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelloTest {
    @Test
    void parsesStatefulAndStatelessHellos() throws Exception {
        assertThat(Hello.parse("HELLO 1 stateful 7c9e6679-7425-40de-944b-e07fc1f90ae7 100 0"))
                .isEqualTo(Hello.stateful("7c9e6679-7425-40de-944b-e07fc1f90ae7", 100, 0));
        assertThat(Hello.parse("HELLO 1 stateless c1 65535 12 255")).isEqualTo(Hello.stateless("c1", 65535, 12, 255));
        assertThat(Hello.parse("HELLO 1 stateless c1 5 0")).isEqualTo(Hello.stateless("c1", 5, 0, 0));
    }

    @Test
    void printsWhatItParses() throws Exception {
        Hello hello = Hello.stateless("c1", 10, 4, 9);
        assertThat(Hello.parse(hello.line())).isEqualTo(hello);
    }

    @Test
    void otherVersionsAreUnsupported() {
        assertThatThrownBy(() -> Hello.parse("HELLO 2 stateful c1 5 0"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED));
    }

    @Test
    void refusesMalformedHellos() {
        for (String line : new String[] {"", "GET / HTTP/1.1", "HELLO 1 fancy c1 5 0", "HELLO 1 stateful c1 5",
                "HELLO 1 stateful c1 0 0", "HELLO 1 stateful c1 65536 0", "HELLO 1 stateful c1 5 6",
                "HELLO 1 stateful c1 5 -1", "HELLO 1 stateful c/1 5 0", "HELLO 1 stateful c1 5 0 9",
                "HELLO 1 stateless c1 5 2", "HELLO 1 stateless c1 5 2 256", "HELLO 1 stateless c1 5 0 0x1"}) {
            assertThatThrownBy(() -> Hello.parse(line)).as(line)
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
        }
    }

    @Test
    void errorLinesNameTheirCode() {
        assertThat(ErrorCode.EXPIRED.line("gone")).isEqualTo("ERR expired gone");
        assertThat(ErrorCode.of("offline")).isEqualTo(ErrorCode.OFFLINE);
        assertThat(ErrorCode.OFFLINE.retryable()).isTrue();
        assertThat(ErrorCode.EXPIRED.retryable()).isFalse();
    }
}
