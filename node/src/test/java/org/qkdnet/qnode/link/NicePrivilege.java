package org.qkdnet.qnode.link;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this test process may do with nice values, read from Linux /proc as the JVM cannot: the
 * tests' own answer, to compare with the launcher's and {@link BackgroundPriority#canRaise()}.
 */
public final class NicePrivilege {
  private NicePrivilege() {}

  /** CAP_SYS_NICE in the effective set (bit 23 of CapEff). */
  public static boolean hasCapSysNice() throws Exception {
    String capEff = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("CapEff:")).findFirst().orElse("CapEff: 0").split("\\s+")[1];
    return new BigInteger(capEff, 16).testBit(23);
  }

  /** RLIMIT_NICE of 20 or more: any thread may go back to nice 0 (20 - 20). */
  public static boolean rlimitAllowsNice0() throws Exception {
    String limit = Files.readAllLines(Path.of("/proc/self/limits")).stream()
        .filter(l -> l.startsWith("Max nice priority")).findFirst().orElse("Max nice priority 0 0");
    String soft = limit.substring("Max nice priority".length()).trim().split("\\s+")[0];
    return soft.equals("unlimited") || Integer.parseInt(soft) >= 20;
  }

  /** Either: a thread lowered to nice 19 can be raised to normal priority again. */
  public static boolean mayRaise() throws Exception {
    return hasCapSysNice() || rlimitAllowsNice0();
  }
}
