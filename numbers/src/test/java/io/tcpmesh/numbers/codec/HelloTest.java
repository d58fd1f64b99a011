package io.tcpmesh.numbers.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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

    /** docs/numbers-protocol.md, "The HELLO grammar": one case per row. */
    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "HELLO 1 stateful c1 5 0           | OK",
            "HELLO 1 stateless c1 5 0          | OK",
            "HELLO 1 stateless c1 5 0 7        | OK",
            "HELLO 1 stateless c1 65535 65535 255 | OK",
            "\"\"                            | malformed",
            "HELLO                             | malformed",
            "\"HELLO \"                      | malformed",
            "HELLO 2                           | unsupported",
            "HELLO 2 stateful c1 05 0          | unsupported",
            "HELLO 10 whatever                 | unsupported",
            "HELLO 01 stateful c1 5 0          | malformed",
            "HELLO x stateful c1 5 0           | malformed",
            "\"HELLO  1 stateful c1 5 0\"    | malformed",
            "\" HELLO 1 stateful c1 5 0\"    | malformed",
            "\"HELLO 1 stateful c1 5 0 \"    | malformed",
            "\"HELLO 1 stateful  c1 5 0\"    | malformed",
            "hello 1 stateful c1 5 0           | malformed",
            "HELLO 1 Stateful c1 5 0           | malformed",
            "HELLO 1 stateful c1 05 0          | malformed",
            "HELLO 1 stateful c1 5 00          | malformed",
            "HELLO 1 stateful c1 +5 0          | malformed",
            "HELLO 1 stateful c1 1000000 0     | malformed",
            "HELLO 1 stateful c1 5 0 9         | malformed",
            "HELLO 1 stateful .c1 5 0          | malformed",
            "HELLO 1 stateless c1 5 0 0        | malformed",
            "HELLO 1 stateless c1 5 0 007      | malformed",
            "HELLO 1 stateless c1 5 2          | malformed",
    })
    void theGrammarIsExactlyTheDocumentedOne(String line, String expected) {
        if (expected.equals("OK")) {
            assertThatCode(() -> Hello.parse(line)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> Hello.parse(line))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code().wire()).isEqualTo(expected));
        }
    }

    @Test
    void aClientIdOfSixtyFourCharactersIsTheLongest() throws Exception {
        assertThat(Hello.parse("HELLO 1 stateful " + "a".repeat(64) + " 5 0").clientId()).hasSize(64);
        assertThatThrownBy(() -> Hello.parse("HELLO 1 stateful " + "a".repeat(65) + " 5 0"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
    }

    @Test
    void errorLinesNameTheirCode() {
        assertThat(ErrorCode.EXPIRED.line("gone")).isEqualTo("ERR expired gone");
        assertThat(ErrorCode.of("offline")).isEqualTo(ErrorCode.OFFLINE);
        assertThat(ErrorCode.OFFLINE.retryable()).isTrue();
        assertThat(ErrorCode.EXPIRED.retryable()).isFalse();
    }
}
