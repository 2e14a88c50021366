package org.qkdnet.qnode.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.qkdnet.qnode.crypto.BcRecordGcm;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.RecordCipher;

/**
 * Sealing and opening one stored record (the key store's pad records are at most 4 KiB): the
 * JDK's AES-GCM that {@link RecordCipher} uses now ({@code impl=jdk}) against Bouncy Castle's
 * pure-Java engine it used before ({@code impl=bc}), in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordCipherBenchmark {
  @Param({"64", "4096"})
  public int bytes;

  @Param({"jdk", "bc"})
  public String impl;

  private final byte[] aad = "P\u0000ALP>BRA\u0000r".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  private byte[] key;
  private RecordCipher cipher;
  private byte[] plain;
  private byte[] sealed;
  private final byte[] nonce = new byte[12];
  private final Random rnd = new Random(1);

  @Setup
  public void setUp() {
    try (KeyMaterial k = RecordCipher.newKey()) {
      key = k.copyBytes();
      cipher = RecordCipher.of(k);
    }
    plain = new byte[bytes];
    rnd.nextBytes(plain);
    sealed = cipher.seal(aad, plain);
  }

  @TearDown
  public void tearDown() {
    cipher.close();
  }

  @Benchmark
  public byte[] sealThenOpen() {
    if (impl.equals("jdk")) {
      return cipher.open(aad, cipher.seal(aad, plain));
    }
    rnd.nextBytes(nonce);
    return BcRecordGcm.open(key, aad, BcRecordGcm.seal(key, nonce, aad, plain));
  }
}
