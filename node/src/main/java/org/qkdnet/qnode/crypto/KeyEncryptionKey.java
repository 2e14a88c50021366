package org.qkdnet.qnode.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A station's key-encryption key (KEK): 256 random bits in a file of its own, kept out of the
 * data directory (by default beside the station's TLS key), readable by its owner only. It wraps
 * the store's data key; the store does not open without it (docs/security.md, "Key material at
 * rest").
 *
 * <p>File format: one line, {@value #HEADER} followed by 64 hex digits.
 */
public final class KeyEncryptionKey implements AutoCloseable {
  static final String HEADER = "qnode-kek-v1 ";
  private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private final Path file;
  private final KeyMaterial key;

  private KeyEncryptionKey(Path file, KeyMaterial key) {
    this.file = file;
    this.key = key;
  }

  /** Where the KEK came from (for messages; never its content). */
  public Path file() {
    return file;
  }

  /** A cipher under this KEK; the caller closes it. */
  public RecordCipher cipher() {
    return RecordCipher.of(key);
  }

  /**
   * Writes a new random KEK to {@code file} with mode 0600 (where the file system has POSIX
   * permissions). Never overwrites: a KEK that exists may protect a store, and replacing it would
   * make that store unreadable.
   *
   * @return true if written, false if the file already existed (left as it is)
   */
  public static boolean createIfAbsent(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (KeyMaterial k = RecordCipher.newKey()) {
      byte[] raw = k.copyBytes();
      String line = HEADER + HexFormat.of().formatHex(raw) + "\n";
      Arrays.fill(raw, (byte) 0);
      boolean posix = Files.getFileStore(parent == null ? Path.of(".") : parent)
          .supportsFileAttributeView(PosixFileAttributeView.class);
      try {
        if (posix) {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
          Files.createFile(file);
        }
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      Files.writeString(file, line, StandardCharsets.US_ASCII);
      return true;
    }
  }

  /**
   * Reads the KEK in {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the problem: missing, readable by group
   *     or others, or not a KEK
   */
  public static KeyEncryptionKey load(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
          throw new IllegalArgumentException("key-encryption key file " + file + " has mode "
              + PosixFilePermissions.toString(perms) + ": it must be readable by its owner only (chmod 600)");
        }
      }
      if (Files.size(file) > 4096) {
        throw new IllegalArgumentException("key-encryption key file " + file + " is not a qnode KEK (too large)");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("key-encryption key file " + file + " not found: the key store does not "
          + "open without it (`qnode certs` writes one per station; set qnode.keystore.kek-file or --kek-file)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key-encryption key file " + file + ": " + e.getMessage(), e);
    }
    String line = text.strip();
    if (!line.startsWith(HEADER.strip()) || line.length() != HEADER.length() + 2 * RecordCipher.KEY_BYTES) {
      throw new IllegalArgumentException("key-encryption key file " + file + " is not a qnode KEK (expected one line '"
          + HEADER + "<64 hex digits>')");
    }
    byte[] raw;
    try {
      raw = HexFormat.of().parseHex(line, HEADER.length(), line.length());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key-encryption key file " + file + " is not a qnode KEK (bad hex digits)");
    }
    return new KeyEncryptionKey(file, KeyMaterial.wrap(raw));
  }

  /** A KEK from raw bytes (32; taken over, not copied) named {@code name} in messages. */
  public static KeyEncryptionKey fromBytes(String name, byte[] raw32) {
    if (raw32.length != RecordCipher.KEY_BYTES) {
      throw new IllegalArgumentException("a KEK is " + RecordCipher.KEY_BYTES + " bytes, got " + raw32.length);
    }
    return new KeyEncryptionKey(Path.of("(" + name + ")"), KeyMaterial.wrap(raw32));
  }

  /** A KEK held in memory only (tests and tools that create a throw-away store). */
  public static KeyEncryptionKey ephemeral(String name) {
    return new KeyEncryptionKey(Path.of("(" + name + ")"), RecordCipher.newKey());
  }

  @Override
  public void close() {
    key.close();
  }

  @Override
  public String toString() {
    return "KEK(" + file + ")";
  }
}
