package org.qkdnet.qnode.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a complete development PKI: one CA and a certificate + key per station, SAE and operator.
 *
 * <pre>
 * out/ca.crt, out/ca.key
 * out/stations/&lt;ID&gt;.crt|.key|.kek   (.kek: the station store's key-encryption key)
 * out/saes/&lt;SAE_ID&gt;.crt|.key
 * out/operators/&lt;name&gt;.crt|.key
 * </pre>
 *
 * A fresh CA is created on every call, so previously written certificates stop being trusted.
 * Key-encryption keys are written only where none exists: a store encrypted under one must stay
 * readable.
 */
public final class DevPki {
  static final String CA_NAME = "qnode development CA";

  private DevPki() {}

  /** As below, with station certificates for loopback only. */
  public static void writeAll(Path out, Collection<String> stationIds, Collection<String> saeIds,
      Collection<String> operatorNames) throws IOException {
    writeAll(out, stationIds, saeIds, operatorNames, java.util.Map.of());
  }

  /**
   * Validates every id first, so bad input writes nothing; then writes all files. {@code
   * stationHosts}: where each station is reached besides loopback (its certificate names them).
   */
  public static void writeAll(Path out, Collection<String> stationIds, Collection<String> saeIds,
      Collection<String> operatorNames, java.util.Map<String, List<String>> stationHosts) throws IOException {
    Objects.requireNonNull(out, "out");
    List<String> stations = List.copyOf(Objects.requireNonNull(stationIds, "stationIds"));
    List<String> saes = List.copyOf(Objects.requireNonNull(saeIds, "saeIds"));
    List<String> operators = List.copyOf(Objects.requireNonNull(operatorNames, "operatorNames"));
    checkAll("station id", stations);
    checkAll("SAE id", saes);
    checkAll("operator name", operators);

    CertificateAuthority ca = CertificateAuthority.create(CA_NAME);
    ca.writeTo(out);
    writeGroup(ca, out.resolve("stations"), Role.STATION, stations, stationHosts);
    for (String id : stations) {
      KeyEncryptionKey.createIfAbsent(out.resolve("stations").resolve(id + ".kek"));
    }
    writeGroup(ca, out.resolve("saes"), Role.SAE, saes, java.util.Map.of());
    writeGroup(ca, out.resolve("operators"), Role.OPERATOR, operators, java.util.Map.of());
  }

  private static void checkAll(String kind, List<String> ids) {
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      Ids.check(kind, id);
      // Case-insensitive file systems would let "wuh" overwrite "WUH".
      if (!seen.add(id.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("duplicate " + kind + " '" + id + "'");
      }
    }
  }

  private static void writeGroup(CertificateAuthority ca, Path dir, Role role, List<String> ids,
      java.util.Map<String, List<String>> hosts) throws IOException {
    Files.createDirectories(dir);
    for (String id : ids) {
      Identity identity = ca.issue(role, id, hosts.getOrDefault(id, List.of()));
      Pem.writeCertificate(dir.resolve(id + ".crt"), identity.certificate());
      Pem.writePrivateKey(dir.resolve(id + ".key"), identity.privateKey());
    }
  }
}
