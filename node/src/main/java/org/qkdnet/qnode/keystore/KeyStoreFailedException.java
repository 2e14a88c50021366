package org.qkdnet.qnode.keystore;

/**
 * The store could not read or durably write (fsync, EIO, ENOSPC...). The store fails closed: it
 * refuses every later call; the process should stop and recover from the WAL on restart
 * (RELIABILITY.md "Durability of key pools" §6). Never retry the write.
 */
public final class KeyStoreFailedException extends RuntimeException {
  public KeyStoreFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
