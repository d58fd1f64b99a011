package io.tcpmesh.coordination;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {
    @Test
    void printableAsciiPassesUnchanged() {
        assertThat(LogText.escape("agent-1 /tmp/x")).isEqualTo("agent-1 /tmp/x");
    }

    @Test
    void newlinesCannotForgeALine() {
        String forged = "x\n2026-12-02T00:00:00Z [main] [INFO] Collector - run r1 finished";
        assertThat(LogText.escape(forged)).doesNotContain("\n").startsWith("x\\n2026");
        assertThat(LogText.escape("a\rb\tc")).isEqualTo("a\\rb\\tc");
    }

    @Test
    void controlsNulAndNonAsciiAreEscaped() {
        assertThat(LogText.escape("a\0b\u001bc\u007f")).isEqualTo("a\\u0000b\\u001bc\\u007f");
        assertThat(LogText.escape("é\u2028")).isEqualTo("\\u00e9\\u2028");
        assertThat(LogText.escape("back\\slash")).isEqualTo("back\\\\slash");
    }

    @Test
    void longValuesAreBounded() {
        String escaped = LogText.escape("y".repeat(10_000));
        assertThat(escaped).hasSize(LogText.MAX_CHARS + "...(10000 chars)".length()).endsWith("...(10000 chars)");
    }

    @Test
    void quoteWrapsAndEscapesQuotes() {
        assertThat(LogText.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(LogText.quote(null)).isEqualTo("null");
        assertThat(LogText.escape(null)).isEqualTo("null");
    }
}
