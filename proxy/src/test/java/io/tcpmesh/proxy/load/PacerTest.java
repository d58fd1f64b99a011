package io.tcpmesh.proxy.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PacerTest {

    /** Intended send times (seconds) of the first {@code seconds} of a shape. */
    private static List<Double> sendTimes(RateShape shape, double seconds) {
        Pacer pacer = new Pacer(shape);
        List<Double> times = new ArrayList<>();
        while (pacer.peek() < seconds * 1e9) {
            times.add(pacer.next() / 1e9);
        }
        return times;
    }

    private static long countBetween(List<Double> times, double from, double to) {
        return times.stream().filter(t -> t >= from && t < to).count();
    }

    @Test
    void constantRateSpacesRequestsEvenly() {
        List<Double> times = sendTimes(new RateShape.Constant(1000), 2);
        assertThat(times).hasSizeBetween(1999, 2000);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isCloseTo(0.001, within(0.000_01));
        }
    }

    @Test
    void sendTimesAreAPureFunctionOfTheShape() {
        RateShape shape = new RateShape.Sine(100, 5000, 1.0);
        assertThat(sendTimes(shape, 2)).isEqualTo(sendTimes(shape, 2));
    }

    @Test
    void stepClimbsStairByStairThenHoldsTheMaximum() {
        RateShape step = new RateShape.Step(1000, 4000, 1.0, 4);
        List<Double> times = sendTimes(step, 5);
        assertThat(countBetween(times, 0, 1)).isBetween(998L, 1001L);
        assertThat(countBetween(times, 1, 2)).isBetween(1998L, 2001L);
        assertThat(countBetween(times, 2, 3)).isBetween(2998L, 3001L);
        assertThat(countBetween(times, 3, 4)).isBetween(3998L, 4001L);
        assertThat(countBetween(times, 4, 5)).isBetween(3998L, 4001L);
    }

    @Test
    void sineStartsLowPeaksHalfAPeriodLaterAndAveragesTheMiddle() {
        RateShape sine = new RateShape.Sine(1000, 3000, 2.0);
        assertThat(sine.rateAt(0)).isCloseTo(1000, within(1e-9));
        assertThat(sine.rateAt(1.0)).isCloseTo(3000, within(1e-9));
        assertThat(sine.rateAt(2.0)).isCloseTo(1000, within(1e-9));
        List<Double> times = sendTimes(sine, 2);
        assertThat((double) times.size()).isCloseTo(4000, within(3.0));
        assertThat(countBetween(times, 0.9, 1.1)).isGreaterThan(2 * countBetween(times, 0, 0.2));
    }

    @Test
    void sawtoothClimbsOverEachPeriodThenDrops() {
        RateShape saw = new RateShape.Sawtooth(0.0001, 2000, 1.0);
        List<Double> times = sendTimes(saw, 2);
        // the integral of a linear climb 0..2000 over one second is 1000 per period
        assertThat((double) times.size()).isCloseTo(2000, within(3.0));
        assertThat(countBetween(times, 0.5, 1.0)).isCloseTo(750L, within(3L));
        assertThat(countBetween(times, 1.0, 1.5)).isCloseTo(250L, within(3L));
        assertThat(saw.rateAt(0.999)).isGreaterThan(1990);
        assertThat(saw.rateAt(1.0)).isLessThan(1);
    }

    @Test
    void scaledShapeSplitsTheRateBetweenWorkers() {
        RateShape half = new RateShape.Sine(1000, 3000, 2.0).scaled(0.5);
        assertThat(sendTimes(half, 2)).hasSizeBetween(1997, 2003);
    }

    @Test
    void shapeOptionsAreValidatedByName() {
        assertThatThrownBy(() -> RateShape.parse("zigzag", 10, 20.0, Duration.ofSeconds(1), 5))
                .hasMessageContaining("--shape");
        assertThatThrownBy(() -> RateShape.parse("sine", 10, 5.0, Duration.ofSeconds(1), 5))
                .hasMessageContaining("--rate-max");
        assertThatThrownBy(() -> RateShape.parse("constant", 0, null, Duration.ofSeconds(1), 5))
                .hasMessageContaining("--rate");
        assertThatThrownBy(() -> RateShape.parse("step", 10, 20.0, Duration.ofSeconds(1), 1))
                .hasMessageContaining("--steps");
        assertThat(RateShape.parse("STEP", 10, 20.0, Duration.ofSeconds(1), 2)).isInstanceOf(RateShape.Step.class);
    }
}
