package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a failed-closed station's end is read from its log (the fetch crash window's end). */
class StationProcessTest {
  private static final ZoneId ZONE = ZoneId.systemDefault();

  private static long at(LocalDate day, String time) {
    return LocalTime.parse(time).atDate(day).atZone(ZONE).toInstant().toEpochMilli();
  }

  @Test
  void alarmEpochMs_firstAlarmOfThatStation_onTheDayOfTheEnd() {
    LocalDate day = LocalDate.of(2026, 12, 6);
    List<String> log = List.of(
        "22:06:27.900 INFO  BRA [main] o.q.q.s.Station - relays to CHA in the last 10 s: 3 delivered",
        "22:06:28.000 ERROR ALP [x] o.q.q.s.Station - ALARM station ALP: not this station",
        "22:06:28.031 ERROR BRA [x] o.q.q.s.Station - ALARM station BRA: key store failed (disk)",
        "22:06:29.500 ERROR BRA [x] o.q.q.s.Station - ALARM station BRA: a later one");

    assertThat(StationProcess.alarmEpochMs(log, "BRA", at(day, "22:06:32.134")))
        .hasValue(at(day, "22:06:28.031"));
  }

  @Test
  void alarmEpochMs_alarmBeforeMidnightEndAfter_takesThePreviousDay() {
    LocalDate day = LocalDate.of(2026, 12, 6);
    List<String> log = List.of("23:59:59.500 ERROR BRA [x] o.q.q.s.Station - ALARM station BRA: key store failed");

    assertThat(StationProcess.alarmEpochMs(log, "BRA", at(day.plusDays(1), "00:00:03.000")))
        .hasValue(at(day, "23:59:59.500"));
  }

  @Test
  void alarmEpochMs_noAlarmOrGarbledTime_empty() {
    long end = at(LocalDate.of(2026, 12, 6), "12:00:00.000");
    assertThat(StationProcess.alarmEpochMs(List.of("READY BRA https=1 grpc=2"), "BRA", end)).isEmpty();
    assertThat(StationProcess.alarmEpochMs(List.of("xx:yy ALARM station BRA: key store failed"), "BRA", end))
        .isEmpty();
  }
}
