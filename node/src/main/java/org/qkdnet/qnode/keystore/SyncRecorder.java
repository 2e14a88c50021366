package org.qkdnet.qnode.keystore;

/**
 * Where the key store reports its durability waits, for metrics: how long a writer waited for its
 * writes to reach the disk (group commit included), and how long each fsync took.
 */
public interface SyncRecorder {
  /** Records nothing. */
  SyncRecorder NONE = new SyncRecorder() {
    @Override
    public void waited(long nanos) {}

    @Override
    public void fsynced(long nanos) {}
  };

  /** A caller's durability barrier returned after {@code nanos} (possibly covered by another's fsync). */
  void waited(long nanos);

  /** One WAL fsync (or one synced write) took {@code nanos}. */
  void fsynced(long nanos);
}
