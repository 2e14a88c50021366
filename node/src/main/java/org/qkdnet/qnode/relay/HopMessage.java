package org.qkdnet.qnode.relay;

import java.util.List;

/**
 * One hop of a relay (DESIGN.md section 7), as the relay core sees it; {@code linkservice} maps it
 * to and from {@code qnode.v1.RelayHop}. Ciphertext and tag are public values; the key they
 * protect never appears here.
 *
 * @param hop index in {@code path} of the station that receives this message
 * @param groupId multipath: the group of shares this relay carries one of; empty for one path
 * @param shareIndex 1..shareCount
 * @param shareCount 1 for a single path; else the number of shares whose XOR is the key
 * @param probe an operator's probe: a test key for no SAE, burned at both ends, never stored
 */
public record HopMessage(
    String relayId,
    List<String> path,
    int hop,
    String masterSae,
    String slaveSae,
    List<String> keyIds,
    int keySizeBytes,
    PadRange keyPad,
    PadRange macPad,
    byte[] ciphertext,
    byte[] tag,
    long remainingMillis,
    String groupId,
    int shareIndex,
    int shareCount,
    boolean probe) {

  public HopMessage {
    path = List.copyOf(path);
    java.util.Objects.requireNonNull(groupId, "groupId");
    keyIds = List.copyOf(keyIds);
    ciphertext = ciphertext.clone();
    tag = tag.clone();
  }

  public String sender() {
    return path.get(hop - 1);
  }

  public String receiver() {
    return path.get(hop);
  }

  public String origin() {
    return path.get(0);
  }

  public String destination() {
    return path.get(path.size() - 1);
  }

  /** A key relay's hop (not a probe). */
  public HopMessage(String relayId, List<String> path, int hop, String masterSae, String slaveSae,
      List<String> keyIds, int keySizeBytes, PadRange keyPad, PadRange macPad, byte[] ciphertext, byte[] tag,
      long remainingMillis, String groupId, int shareIndex, int shareCount) {
    this(relayId, path, hop, masterSae, slaveSae, keyIds, keySizeBytes, keyPad, macPad, ciphertext, tag,
        remainingMillis, groupId, shareIndex, shareCount, false);
  }

  /** A single-path hop: no share group. */
  public HopMessage(String relayId, List<String> path, int hop, String masterSae, String slaveSae,
      List<String> keyIds, int keySizeBytes, PadRange keyPad, PadRange macPad, byte[] ciphertext, byte[] tag,
      long remainingMillis) {
    this(relayId, path, hop, masterSae, slaveSae, keyIds, keySizeBytes, keyPad, macPad, ciphertext, tag,
        remainingMillis, "", 1, 1);
  }

  public boolean isShare() {
    return shareCount > 1;
  }

  /** The same hop with other ciphertext and tag (signing, fault injection). */
  public HopMessage with(byte[] newCiphertext, byte[] newTag) {
    return new HopMessage(relayId, path, hop, masterSae, slaveSae, keyIds, keySizeBytes, keyPad, macPad,
        newCiphertext, newTag, remainingMillis, groupId, shareIndex, shareCount, probe);
  }

  public int payloadBytes() {
    return keyIds.size() * keySizeBytes;
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public byte[] tag() {
    return tag.clone();
  }

  @Override
  public String toString() {
    return "HopMessage[relay=" + relayId + ", path=" + path + ", hop=" + hop + ", keys="
        + keyIds.size() + "x" + keySizeBytes + "B, keyPad=" + keyPad
        + (isShare() ? ", share " + shareIndex + "/" + shareCount + " of " + groupId : "") + "]";
  }
}
