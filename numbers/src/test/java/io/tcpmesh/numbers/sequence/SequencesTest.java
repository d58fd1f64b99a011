package io.tcpmesh.numbers.sequence;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SequencesTest {
    @Test
    void splitMix64MatchesTheReferenceOutputsForSeedZero() {
        // the reference SplitMix64 (Steele, Lea, Flood), state 0: first outputs
        assertThat(StatefulSequence.splitMix64(0, 0)).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(StatefulSequence.splitMix64(0, 1)).isEqualTo(0x6E789E6AA1B965F4L);
        assertThat(StatefulSequence.splitMix64(0, 2)).isEqualTo(0x06C45D188009454FL);
    }

    @Test
    void statefulValuesAreTheUpperHalvesAsUnsigned32BitNumbers() {
        assertThat(StatefulSequence.value(0, 0)).isEqualTo(0xE220A839L);
        for (int i = 0; i < 1000; i++) {
            assertThat(StatefulSequence.value(-42, i)).isBetween(0L, 0xFFFF_FFFFL);
        }
    }

    @Test
    void valuesDependOnlyOnSeedAndPosition() {
        assertThat(StatefulSequence.value(7, 65534)).isEqualTo(StatefulSequence.value(7, 65534));
        assertThat(StatefulSequence.value(7, 3)).isNotEqualTo(StatefulSequence.value(8, 3));
    }

    @Test
    void checksumIsCrc32OfTheDecimalLines() {
        assertThat(new Checksum().add("1").add("2").add("3").hex()).isEqualTo("775f54d8");
        assertThat(new Checksum().hex()).isEqualTo("00000000");
    }

    @Test
    void theDocumentedTestVectorHolds() {
        // docs/numbers-protocol.md, computed independently with Python's zlib.crc32
        assertThat(StatefulSequence.value(0, 4)).isEqualTo(456_755_562L);
        assertThat(StatefulSequence.checksum(0, 5)).isEqualTo("0c1bc839");
    }

    @Test
    void streamChecksumCoversEveryValueInOrder() {
        Checksum c = new Checksum();
        for (int i = 0; i < 100; i++) {
            c.add(Long.toString(StatefulSequence.value(99, i)));
        }
        assertThat(StatefulSequence.checksum(99, 100)).isEqualTo(c.hex());
        assertThat(StatefulSequence.checksum(99, 99)).isNotEqualTo(c.hex());
    }

    @Test
    void statelessValuesDoubleExactlyWithoutWrapping() {
        assertThat(StatelessSequence.value(3, 0)).isEqualTo(BigInteger.valueOf(3));
        assertThat(StatelessSequence.value(3, 4)).isEqualTo(BigInteger.valueOf(48));
        assertThat(StatelessSequence.value(255, 64)).isEqualTo(BigInteger.valueOf(255).multiply(BigInteger.TWO.pow(64)));
        assertThat(StatelessSequence.value(255, 65534).toString()).hasSize(19_731);
    }

    @Test
    void statelessSumIsTheSumOfTheValues() {
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < 200; i++) {
            sum = sum.add(StatelessSequence.value(17, i));
        }
        assertThat(StatelessSequence.sum(17, 200)).isEqualTo(sum);
    }
}
